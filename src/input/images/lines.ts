// Small shared pieces of the image builder: exact line splitting, hunk naming, and the
// SourceImage object with its line map.

import type { Hunk, HunkLine } from '../../patch-types.js';
import type { SourceImage } from './types.js';

/** A text as lines without their ends, and the end of each line ('\n', '\r\n', or '' for a last line without one). */
export interface SplitText {
  lines: string[];
  eols: string[];
}

/** Exact inverse of `joinLines`: `joinLines(splitLines(t)) === t` for every text. */
export function splitLines(text: string): SplitText {
  const lines: string[] = [];
  const eols: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      eols.push('');
      break;
    }
    const cr = nl > start && text[nl - 1] === '\r';
    lines.push(text.slice(start, cr ? nl - 1 : nl));
    eols.push(cr ? '\r\n' : '\n');
    start = nl + 1;
  }
  return { lines, eols };
}

export function joinLines(split: SplitText): string {
  let out = '';
  for (let i = 0; i < split.lines.length; i++) out += split.lines[i] + split.eols[i];
  return out;
}

/** A hunk line's text as compared with a file line: a CR left over from a CRLF diff is not part of it. */
export function hunkText(line: HunkLine): string {
  return line.text.endsWith('\r') ? line.text.slice(0, -1) : line.text;
}

/** `@@ -30,7 +30,8 @@`, the way errors name a hunk. */
export function hunkHeader(hunk: Hunk): string {
  return `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
}

export function sortedUnique(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Builds a SourceImage; `origins` maps 1-based image lines to 1-based input lines. */
export function makeImage(
  text: string,
  partial: boolean,
  origins: ReadonlyMap<number, number>,
  changedLines: Iterable<number>,
  syntheticLines?: Iterable<number>,
): SourceImage {
  const map = new Map(origins);
  const image: SourceImage = {
    text,
    partial,
    inputLineOf: (line: number) => map.get(line),
    changedLines: sortedUnique(changedLines),
  };
  if (syntheticLines !== undefined) image.syntheticLines = sortedUnique(syntheticLines);
  return image;
}

/**
 * The changed lines of one hunk placed at `preFirst`/`postFirst` (1-based image lines of the
 * hunk's first pre and post line): removed lines in the pre-image, added lines in the post-image,
 * and for a run of removed lines with no added line, the post-image line that now follows it,
 * clamped to `postLast` (undefined when there is no line to point at).
 */
export function hunkChangedLines(
  hunk: Hunk,
  preFirst: number,
  postFirst: number,
  postLast: number | undefined,
  pre: number[],
  post: number[],
): void {
  let preLine = preFirst;
  let postLine = postFirst;
  let removed = 0;
  let added = 0;
  const endBlock = (): void => {
    if (removed > 0 && added === 0 && postLast !== undefined && postLast >= 1) post.push(Math.min(postLine, postLast));
    removed = 0;
    added = 0;
  };
  for (const line of hunk.lines) {
    if (line.kind === ' ') {
      endBlock();
      preLine++;
      postLine++;
    } else if (line.kind === '-') {
      pre.push(preLine++);
      removed++;
    } else {
      post.push(postLine++);
      added++;
    }
  }
  endBlock();
}
