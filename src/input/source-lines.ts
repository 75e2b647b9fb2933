// Source lines for the text reporters' code frames, one way for both commands: the texts findings
// were found in, split into lines once and looked up by a key. `check` keys them by the finding's
// file (read again from disk, or standard input); `patch` by the patch, image (pre or post) and
// file, since a series holds several versions of one file. The reporters import nothing but the
// finding types, so the CLI and the patch engine hand them a lookup over this table.

import path from 'node:path';
import { readSource } from './read-source.js';

export type LineLookup = (file: string, line: number) => string | undefined;

/** Texts by key, as lines. */
export class SourceLines {
  private readonly byKey = new Map<string, string[]>();

  add(key: string, text: string): void {
    this.byKey.set(key, text.split(/\r?\n/));
  }

  /** 1-based `line` of the text under `key`, without its newline. */
  line(key: string, line: number): string | undefined {
    return this.byKey.get(key)?.[line - 1];
  }

  /** The table as a (file, line) lookup, for texts keyed by file. */
  byFile(): LineLookup {
    return (file, line) => this.line(file, line);
  }
}

/**
 * Reads each file (a Finding's `file`, which is relative to the working directory or absolute)
 * once, through the same checks as the analysis. A file that cannot be read again just gets no
 * code frame: the finding itself is still printed.
 */
export async function loadSourceLines(files: Iterable<string>): Promise<LineLookup> {
  const lines = new SourceLines();
  for (const file of new Set(files)) {
    const result = await readSource({ display: file, absolute: path.resolve(file) });
    if ('text' in result) lines.add(file, result.text);
  }
  return lines.byFile();
}

/** The lines of one text read from standard input, reported as `name`. */
export function linesOf(name: string, text: string): LineLookup {
  const lines = new SourceLines();
  lines.add(name, text);
  return lines.byFile();
}
