// One hunk: its `@@` header and its lines. Kernel mail archives are hostile to diffs (leading
// whitespace of context lines stripped, blank context lines reduced to empty lines, quoted at
// uneven depths), so the header's line counts, not the line prefixes, delimit the hunk: a line
// without a diff prefix inside a hunk is context with its full text. A line starting with '-' or
// '+' is always removed/added; the kernel's `--` signature comes after the counts are exhausted.

import type { Hunk, HunkLine, HunkLineKind } from '../../patch-types.js';
import type { LineSource } from './lines.js';
import { quoteDepth, stripQuote, unquote } from './unquote.js';

export interface HunkHeader {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  section: string;
}

// Nine digits is beyond any source file; longer numbers are not taken as a header.
const HUNK_HEADER = /^@@ -(\d{1,9})(?:,(\d{1,9}))? \+(\d{1,9})(?:,(\d{1,9}))? @@(.*)$/;

/** `@@ -a[,b] +c[,d] @@ section`; omitted counts default to 1 (as diff/patch define them). */
export function parseHunkHeader(content: string): HunkHeader | undefined {
  if (!content.startsWith('@@ -')) return undefined;
  const m = HUNK_HEADER.exec(content);
  if (!m) return undefined;
  const section = m[5].startsWith(' ') ? m[5].slice(1) : m[5];
  return {
    oldStart: Number(m[1]),
    oldLines: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === undefined ? 1 : Number(m[4]),
    section: section.trimEnd(),
  };
}

/** A problem found while reading a hunk; the caller turns it into a PatchError. */
export interface HunkProblem {
  line: number;
  message: string;
}

export interface HunkRead {
  hunk: Hunk;
  /** Index of the first line after the hunk. */
  next: number;
  problems: HunkProblem[];
}

/**
 * True when `content` (at index i, quoted at `depth`) starts a new file or hunk, i.e. a line
 * that can never be part of the current hunk: its appearance while the counts still need lines
 * means the counts were wrong. `--- x` counts only when followed by `+++ y` and `@@`, because a
 * removed line may well read `--- x`.
 */
function startsHeader(src: LineSource, i: number, depth: number, content: string): boolean {
  if (content.startsWith('diff --git ')) return true;
  if (content.startsWith('@@ -')) return parseHunkHeader(content) !== undefined;
  if (content.startsWith('--- ') && i + 2 < src.count) {
    return (
      stripQuote(src.line(i + 1), depth).startsWith('+++ ') &&
      parseHunkHeader(stripQuote(src.line(i + 2), depth)) !== undefined
    );
  }
  return false;
}

/** What the diff quoted at `depth` says on line i, or whether a line quoted less deeply is blank. */
function hunkContent(src: LineSource, i: number, depth: number): string | { blank: boolean } {
  const raw = src.line(i);
  if (depth === 0) return raw;
  const q = unquote(raw);
  if (q.depth >= depth) return stripQuote(raw, depth);
  return { blank: q.content.trim() === '' };
}

/**
 * Lines quoted less deeply than the diff, starting at i: blank ones are blank context lines whose
 * quoting the mailer shortened if the quoted diff goes on after them; text, or blanks that lead
 * to text or to the end, are the reviewer's own words cutting the hunk. Returns the end of the
 * blank run (taken as context) or the line where the cut is.
 */
function shallowRun(src: LineSource, i: number, depth: number): { take: number } | { cut: number } {
  let r = i;
  for (; r < src.count; r++) {
    const c = hunkContent(src, r, depth);
    if (typeof c === 'string') return { take: r };
    if (!c.blank) return { cut: r };
  }
  return { cut: r };
}

/** `--`, `-- ` (signature) and `---` (format-patch separator) after a hunk are not diff lines. */
function isDashRule(s: string): boolean {
  const t = s.trimEnd();
  return t.length > 0 && t.length <= 80 && /^-+$/.test(t);
}

/**
 * Reads the hunk whose header is at `at`, quoted at `depth`. Never reads past the counts; reports
 * truncation (input ended, or the quoted diff was cut by unquoted text), a next header arriving
 * before the counts are met, counts that disagree with the lines, and a diff line right after
 * the hunk (counts too small).
 */
export function readHunk(
  src: LineSource,
  at: number,
  depth: number,
  header: HunkHeader,
  name: { file: string; hunk: number },
): HunkRead {
  const lines: HunkLine[] = [];
  const problems: HunkProblem[] = [];
  const headerLine = src.inputLine(at);
  // Built only when a problem is reported: hostile inputs have millions of hunks.
  const label = (): string => `hunk ${name.hunk} of ${name.file}`;
  const spec = (): string => `@@ -${header.oldStart},${header.oldLines} +${header.newStart},${header.newLines} @@`;
  let oldSeen = 0;
  let newSeen = 0;
  let i = at + 1;
  let stop: 'complete' | 'eof' | 'interjection' | 'header' = 'complete';

  let cutAt = -1;
  // Blank lines quoted less deeply, already known to be followed by more of the quoted diff.
  let blankUntil = -1;
  while (oldSeen < header.oldLines || newSeen < header.newLines) {
    if (i >= src.count) {
      stop = 'eof';
      break;
    }
    let content = hunkContent(src, i, depth);
    if (typeof content !== 'string') {
      if (i >= blankUntil) {
        const run = shallowRun(src, i, depth);
        if ('cut' in run) {
          stop = run.cut < src.count ? 'interjection' : 'eof';
          cutAt = run.cut;
          break;
        }
        blankUntil = run.take;
      }
      content = '';
    }
    if (startsHeader(src, i, depth, content)) {
      stop = 'header';
      break;
    }
    const first = content.charCodeAt(0);
    if (first === 0x5c /* \ No newline at end of file */) {
      i++;
      continue;
    }
    let kind: HunkLineKind;
    let text: string;
    if (first === 0x2d /* - */) {
      kind = '-';
      text = content.slice(1);
      oldSeen++;
    } else if (first === 0x2b /* + */) {
      kind = '+';
      text = content.slice(1);
      newSeen++;
    } else {
      kind = ' ';
      // With its prefix space, or without one when the archive stripped it (or it was empty).
      text = first === 0x20 ? content.slice(1) : content;
      oldSeen++;
      newSeen++;
    }
    lines.push({ kind, text, inputLine: src.inputLine(i) });
    i++;
  }

  if (stop === 'eof' || stop === 'interjection') {
    const found: string[] = [];
    if (oldSeen < header.oldLines) found.push(`expected ${header.oldLines} old lines, found ${oldSeen}`);
    if (newSeen < header.newLines) found.push(`expected ${header.newLines} new lines, found ${newSeen}`);
    const where =
      stop === 'interjection' ? ` (the quoted diff is cut by unquoted text at input line ${src.inputLine(cutAt)})` : '';
    problems.push({ line: headerLine, message: `${label()} truncated: ${found.join('; ')}${where}` });
  } else if (stop === 'header') {
    problems.push({
      line: headerLine,
      message:
        `${label()} has wrong hunk counts: header ${spec()} but the next header (input line ${src.inputLine(i)}) ` +
        `came after ${oldSeen} old and ${newSeen} new lines`,
    });
  } else {
    if (oldSeen !== header.oldLines || newSeen !== header.newLines) {
      problems.push({
        line: headerLine,
        message: `${label()} has wrong hunk counts: header ${spec()} but the hunk has ${oldSeen} old and ${newSeen} new lines`,
      });
    }
    // `\ No newline at end of file` belongs to the last line of the hunk.
    if (i < src.count) {
      const after = hunkContent(src, i, depth);
      if (typeof after === 'string' && after.startsWith('\\')) i++;
    }
    // Counts too small: the hunk's own lines go on after it. Only '+'/'-' lines can be told
    // apart from prose and from the `--` signature; context lines cannot.
    if (i < src.count && quoteDepth(src.line(i)) === depth) {
      const after = stripQuote(src.line(i), depth);
      const c = after.charCodeAt(0);
      if (
        (c === 0x2b || c === 0x2d) &&
        !isDashRule(after) &&
        !after.startsWith('+++ ') &&
        !after.startsWith('--- ')
      ) {
        problems.push({
          line: headerLine,
          message:
            `${label()} may have wrong hunk counts: header ${spec()} but a diff line follows the hunk ` +
            `at input line ${src.inputLine(i)}`,
        });
      }
    }
  }

  return {
    hunk: {
      oldStart: header.oldStart,
      oldLines: header.oldLines,
      newStart: header.newStart,
      newLines: header.newLines,
      section: header.section,
      lines,
      inputLine: headerLine,
    },
    next: i,
    problems,
  };
}
