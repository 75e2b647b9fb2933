// Without a tree: each touched file's visible text rebuilt from the hunks alone
// (docs/architecture.md, "From a patch to two images"). The pre-image holds context + removed lines
// at their old line numbers, the post-image context + added lines at their new line numbers, and
// every other line is empty, so line numbers are those of the real file. Each hunk is then made
// parseable as a function of its own (fragment.ts).

import type { FilePatch, Hunk, PatchError } from '../../patch-types.js';
import { namesShown, resolveTruncatedSection, synthesizeFragments, type FragmentHunk } from './fragment.js';
import { hunkChangedLines, hunkHeader, makeImage } from './lines.js';
import type { FileImages, SourceImage } from './types.js';

interface Side {
  /** The hunk's first image line and its lines on this side. */
  first: number;
  count: number;
}

function sides(hunk: Hunk): { pre: Side; post: Side } {
  let pre = 0;
  let post = 0;
  for (const line of hunk.lines) {
    if (line.kind !== '+') pre++;
    if (line.kind !== '-') post++;
  }
  // `@@ -5,0 +6,2 @@`: a side with no lines names the line before; its first line would be the next.
  return {
    pre: { first: pre === 0 ? hunk.oldStart + 1 : hunk.oldStart, count: pre },
    post: { first: post === 0 ? hunk.newStart + 1 : hunk.newStart, count: post },
  };
}

/**
 * `patchFiles`: every file of the patch, whose sections and lines name the functions a section cut
 * short may stand for (default: this file alone).
 */
export function partialImages(input: string, file: FilePatch, displayPath: string, patchFiles: FilePatch[] = [file]): Omit<FileImages, 'path' | 'oldPath'> {
  const errors = checkOrder(input, file, displayPath);
  if (errors.length > 0) return { errors };
  const result: Omit<FileImages, 'path' | 'oldPath'> = { errors: [] };
  const names = namesShown(patchFiles.flatMap((f) => f.hunks.flatMap((h) => [h.section, ...h.lines.map((l) => l.text)])));
  if (file.oldPath !== null) result.pre = buildSide(file, 'pre', file.newPath === null, names);
  if (file.newPath !== null) result.post = buildSide(file, 'post', file.oldPath === null, names);
  return result;
}

/**
 * Hunks must go forward on both sides without overlapping, and start at line 1 or after: a
 * reconstruction cannot place lines otherwise.
 */
function checkOrder(input: string, file: FilePatch, displayPath: string): PatchError[] {
  const errors: PatchError[] = [];
  let preEnd = 0;
  let postEnd = 0;
  file.hunks.forEach((hunk, index) => {
    const { pre, post } = sides(hunk);
    const fail = (why: string): void => {
      errors.push({
        input,
        line: hunk.inputLine,
        file: displayPath,
        hunk: index + 1,
        message: `hunk ${index + 1} (${hunkHeader(hunk)}) ${why} in ${displayPath}`,
      });
    };
    if ((pre.count > 0 && pre.first < 1) || (post.count > 0 && post.first < 1)) fail('starts before line 1');
    else if ((pre.count > 0 && pre.first <= preEnd) || (post.count > 0 && post.first <= postEnd)) {
      fail(`overlaps or precedes hunk ${index}`);
    }
    if (pre.count > 0) preEnd = pre.first + pre.count - 1;
    if (post.count > 0) postEnd = post.first + post.count - 1;
  });
  return errors;
}

/**
 * One side's image. `whole` (a new file's post-image, a deleted file's pre-image) is exact when
 * the hunks cover every line from 1: no partial marking and no synthetic lines then.
 */
function buildSide(file: FilePatch, side: 'pre' | 'post', whole: boolean, names: ReadonlySet<string>): SourceImage {
  const slots: string[] = [];
  const origins = new Map<number, number>();
  const preChanged: number[] = [];
  const postChanged: number[] = [];
  const fragments: FragmentHunk[] = [];
  file.hunks.forEach((hunk, index) => {
    const { pre, post } = sides(hunk);
    const mine = side === 'pre' ? pre : post;
    let line = mine.first;
    for (const hunkLine of hunk.lines) {
      if (hunkLine.kind === (side === 'pre' ? '+' : '-')) continue;
      while (slots.length < line) slots.push('');
      slots[line - 1] = hunkLine.text.endsWith('\r') ? hunkLine.text.slice(0, -1) : hunkLine.text;
      origins.set(line, hunkLine.inputLine);
      line++;
    }
    const postLast = post.count > 0 ? post.first + post.count - 1 : undefined;
    hunkChangedLines(hunk, pre.first, post.first, postLast, preChanged, postChanged);
    if (mine.count > 0) {
      const section = resolveTruncatedSection(hunk.section, names);
      fragments.push({ first: mine.first, last: mine.first + mine.count - 1, section, hunkIndex: index + 1 });
    }
  });
  const changed = side === 'pre' ? preChanged : postChanged;
  const complete = whole && slots.length === origins.size;
  if (complete) return makeImage(slots.length === 0 ? '' : slots.join('\n') + '\n', false, origins, changed);
  const synthetic = synthesizeFragments(slots, fragments);
  const text = slots.length === 0 ? '' : slots.join('\n') + '\n';
  return makeImage(text, true, origins, changed, synthetic);
}
