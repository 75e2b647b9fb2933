// Source lines for the text reporter's code frames. The reporter imports nothing but the finding
// types, so the CLI loads the lines of the files that have findings and hands over a lookup.

import path from 'node:path';
import { readSource } from './read-source.js';

export type LineLookup = (file: string, line: number) => string | undefined;

/**
 * Reads each file (a Finding's `file`, which is relative to the working directory or absolute)
 * once, through the same checks as the analysis. A file that cannot be read again just gets no
 * code frame: the finding itself is still printed.
 */
export async function loadSourceLines(files: Iterable<string>): Promise<LineLookup> {
  const lines = new Map<string, string[]>();
  for (const file of new Set(files)) {
    const result = await readSource({ display: file, absolute: path.resolve(file) });
    if ('text' in result) lines.set(file, result.text.split(/\r?\n/));
  }
  return (file, line) => lines.get(file)?.[line - 1];
}
