// Applies the hunks of one file to its exact pre-image, locating each hunk the way GNU `patch`
// does: at its stated line (moved by the offset at which earlier hunks applied), then at the
// nearest offset where its pre-lines (context + removed) match, then with fuzz 1 and 2. Mail
// archives strip the leading whitespace of diff lines (some list archives), so at each fuzz level, when the
// exact comparison finds nothing, whitespace is ignored (`patch -l`) before the next level: a
// whole hunk that matches but for whitespace is better evidence than a hunk matched without two
// of its context lines on each side. (Tried only after fuzz 2, a stripped hunk whose remaining
// lines are `/*` and a blank line matched a wrong place hundreds of lines away in tests on real
// kernel diffs.)

import type { Hunk } from '../../patch-types.js';
import { hunkChangedLines, hunkText, type SplitText } from './lines.js';

/** GNU patch's default --fuzz. */
const MAX_FUZZ = 2;

export interface Applied {
  post: SplitText;
  /** 1-based pre-image line -> input line, for the lines of the hunks. */
  preOrigins: Map<number, number>;
  /** 1-based post-image line -> input line. */
  postOrigins: Map<number, number>;
  preChanged: number[];
  postChanged: number[];
}

export type ApplyResult = { applied: Applied } | { failed: number[] };

interface Placement {
  hunk: Hunk;
  /** 0-based index in the pre-image of the hunk's first pre-line (dropped fuzz lines included). */
  start: number;
  /** Matched only when whitespace was ignored. */
  loose: boolean;
}

/**
 * The post-image, or the 0-based indexes of the hunks that apply nowhere. Hunks are placed in
 * order and never overlap: a hunk is searched for only after the end of the previous one.
 */
export function applyHunks(pre: SplitText, hunks: Hunk[]): ApplyResult {
  const placements: Placement[] = [];
  const failed: number[] = [];
  let offset = 0;
  let min = 0;
  hunks.forEach((hunk, index) => {
    const preLines = hunk.lines.filter((l) => l.kind !== '+').map(hunkText);
    // `@@ -5,0 +6,2 @@` inserts after line 5: the 0-based index of the insertion point is 5.
    const stated = preLines.length === 0 ? hunk.oldStart : hunk.oldStart - 1;
    const found = locate(pre.lines, preLines, contextCounts(hunk), stated + offset, min);
    if (found === undefined) {
      failed.push(index);
      return;
    }
    placements.push({ hunk, start: found.start, loose: found.loose });
    offset = found.start - stated;
    min = found.start + preLines.length;
  });
  if (failed.length > 0) return { failed };
  return { applied: build(pre, placements) };
}

// ---------------------------------------------------------------------------------------------
// Locating a hunk
// ---------------------------------------------------------------------------------------------

interface ContextCounts {
  prefix: number;
  suffix: number;
}

function contextCounts(hunk: Hunk): ContextCounts {
  const lines = hunk.lines;
  let prefix = 0;
  while (prefix < lines.length && lines[prefix].kind === ' ') prefix++;
  // A hunk of context only (it changes nothing) counts as context on both sides.
  if (prefix === lines.length) return { prefix, suffix: prefix };
  let suffix = 0;
  while (suffix < lines.length && lines[lines.length - 1 - suffix].kind === ' ') suffix++;
  return { prefix, suffix };
}

function locate(
  file: string[],
  pattern: string[],
  { prefix, suffix }: ContextCounts,
  guess: number,
  min: number,
): { start: number; loose: boolean } | undefined {
  const maxStart = file.length - pattern.length;
  if (maxStart < min) return undefined;
  // GNU patch: fuzz counts from the larger of the two contexts, so a hunk with less leading than
  // trailing context (it was cut by the start of the file) only matches at the start of the file
  // until the fuzz makes up the difference; the same for the end.
  const context = Math.max(prefix, suffix);
  for (let fuzz = 0; fuzz <= Math.min(MAX_FUZZ, context); fuzz++) {
    for (const loose of [false, true]) {
      const same = loose ? sameLoose : sameExact;
      const prefixFuzz = fuzz + prefix - context;
      const suffixFuzz = fuzz + suffix - context;
      const skipHead = Math.max(0, prefixFuzz);
      const skipTail = Math.max(0, suffixFuzz);
      const matches = (start: number): boolean => {
        for (let i = skipHead; i < pattern.length - skipTail; i++) {
          if (!same(file[start + i], pattern[i])) return false;
        }
        return true;
      };
      if (prefixFuzz < 0 || suffixFuzz < 0) {
        // Anchored at a file boundary: one candidate (both: the hunk is the whole file).
        const start = prefixFuzz < 0 ? 0 : maxStart;
        if (prefixFuzz < 0 && suffixFuzz < 0 && maxStart !== 0) continue;
        if (start >= min && start <= maxStart && matches(start)) return { start, loose };
        continue;
      }
      const first = Math.min(Math.max(guess, min), maxStart);
      // Nearest offset first; forward before backward at equal distance, as GNU patch does.
      for (let d = 0; first + d <= maxStart || first - d >= min; d++) {
        if (first + d <= maxStart && matches(first + d)) return { start: first + d, loose };
        if (d > 0 && first - d >= min && matches(first - d)) return { start: first - d, loose };
      }
    }
  }
  return undefined;
}

function sameExact(fileLine: string, patternLine: string): boolean {
  return fileLine === patternLine;
}

/** Equal once leading and trailing whitespace is dropped and inner runs are one space (`patch -l`). */
function sameLoose(fileLine: string, patternLine: string): boolean {
  return squeeze(fileLine) === squeeze(patternLine);
}

function squeeze(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Building the post-image
// ---------------------------------------------------------------------------------------------

function build(pre: SplitText, placements: Placement[]): Applied {
  const defaultEol = pre.eols.find((e) => e !== '') ?? '\n';
  const post: SplitText = { lines: [], eols: [] };
  const preOrigins = new Map<number, number>();
  const postOrigins = new Map<number, number>();
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      post.lines.push(pre.lines[i]);
      post.eols.push(pre.eols[i]);
    }
  };
  const starts: Array<{ hunk: Hunk; preFirst: number; postFirst: number }> = [];
  let cursor = 0;
  for (const { hunk, start, loose } of placements) {
    copy(cursor, start);
    starts.push({ hunk, preFirst: start + 1, postFirst: post.lines.length + 1 });
    const reindent = loose && lostIndentation(pre, hunk, start);
    let at = start;
    // Context lines keep the file's own text (that is what makes fuzz and loose matches exact).
    // Added lines of a hunk whose indentation was stripped take the indentation of the line they
    // replace: the removed line at the same rank in their change block, else the last removed
    // line of the block, else the nearest context line (best effort, see indentFor).
    let removedInBlock: string[] = [];
    let addedInBlock = 0;
    for (let k = 0; k < hunk.lines.length; k++) {
      const line = hunk.lines[k];
      if (line.kind === ' ') {
        removedInBlock = [];
        addedInBlock = 0;
        preOrigins.set(at + 1, line.inputLine);
        post.lines.push(pre.lines[at]);
        post.eols.push(pre.eols[at]);
        postOrigins.set(post.lines.length, line.inputLine);
        at++;
      } else if (line.kind === '-') {
        if (addedInBlock > 0) {
          removedInBlock = [];
          addedInBlock = 0;
        }
        removedInBlock.push(pre.lines[at]);
        preOrigins.set(at + 1, line.inputLine);
        at++;
      } else {
        let text = hunkText(line);
        if (reindent) {
          const reference =
            removedInBlock[addedInBlock] ?? removedInBlock[removedInBlock.length - 1] ?? neighbour(pre, hunk, k, at);
          if (reference !== undefined) text = leadingWhitespace(reference) + text.trimStart();
        }
        addedInBlock++;
        post.lines.push(text);
        post.eols.push(defaultEol);
        postOrigins.set(post.lines.length, line.inputLine);
      }
    }
    cursor = at;
  }
  copy(cursor, pre.lines.length);

  // Every line but the last ends with a newline; the last keeps the pre-image's choice (a diff
  // line saying "\ No newline at end of file" does not reach the hunk lines, so a patch that adds
  // or removes the final newline is not seen).
  const last = post.lines.length - 1;
  for (let i = 0; i < last; i++) if (post.eols[i] === '') post.eols[i] = defaultEol;
  if (last >= 0) {
    const finalNewline = pre.lines.length === 0 || pre.eols[pre.lines.length - 1] !== '';
    post.eols[last] = finalNewline ? post.eols[last] || defaultEol : '';
  }

  const preChanged: number[] = [];
  const postChanged: number[] = [];
  for (const { hunk, preFirst, postFirst } of starts) {
    hunkChangedLines(hunk, preFirst, postFirst, post.lines.length || undefined, preChanged, postChanged);
  }
  return { post, preOrigins, postOrigins, preChanged, postChanged };
}

/** Whether some pre-line of the hunk differs from the file line it matched in its leading whitespace. */
function lostIndentation(pre: SplitText, hunk: Hunk, start: number): boolean {
  let at = start;
  for (const line of hunk.lines) {
    if (line.kind === '+') continue;
    const text = hunkText(line);
    if (text.trim() !== '' && leadingWhitespace(text) !== leadingWhitespace(pre.lines[at])) return true;
    at++;
  }
  return false;
}

/** The file text of the nearest context line before hunk line k, else after it. */
function neighbour(pre: SplitText, hunk: Hunk, k: number, at: number): string | undefined {
  let back = at;
  for (let j = k - 1; j >= 0; j--) {
    const kind = hunk.lines[j].kind;
    if (kind === '+') continue;
    back--;
    if (kind === ' ') return pre.lines[back];
  }
  let forward = at;
  for (let j = k + 1; j < hunk.lines.length; j++) {
    const kind = hunk.lines[j].kind;
    if (kind === '+') continue;
    if (kind === ' ') return pre.lines[forward];
    forward++;
  }
  return undefined;
}

function leadingWhitespace(s: string): string {
  return /^[ \t]*/.exec(s)?.[0] ?? '';
}
