// One hunk: its `@@` header and its lines. Kernel mail archives are hostile to diffs (leading
// whitespace of context lines stripped, blank context lines reduced to empty lines, quoted at
// uneven depths), so the header's line counts, not the line prefixes, delimit the hunk: a line
// without a diff prefix inside a hunk is context with its full text. A line starting with '-' or
// '+' is always removed/added; the kernel's `--` signature comes after the counts are exhausted.

import type { Hunk, HunkLine } from '../../patch-types.js';
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

type HunkStop = 'complete' | 'eof' | 'interjection' | 'header';

/** The lines of a hunk as far as its counts go, and why reading stopped. */
interface HunkBody {
  lines: HunkLine[];
  oldSeen: number;
  newSeen: number;
  /** Index of the line where reading stopped. */
  end: number;
  stop: HunkStop;
  /** For `interjection`: the index of the unquoted text that cut the quoted diff. */
  cutAt: number;
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
  const body = readHunkBody(src, at + 1, depth, header);
  const next = body.stop === 'complete' ? pastNoNewline(src, body.end, depth) : body.end;
  const headerLine = src.inputLine(at);
  return {
    hunk: {
      oldStart: header.oldStart,
      oldLines: header.oldLines,
      newStart: header.newStart,
      newLines: header.newLines,
      section: header.section,
      lines: body.lines,
      inputLine: headerLine,
    },
    next,
    problems: hunkProblems(src, depth, header, body, next).map((message) => ({
      line: headerLine,
      message: `hunk ${name.hunk} of ${name.file} ${message}`,
    })),
  };
}

/** The hunk's lines from index `from` until its counts are met or something stops it. */
function readHunkBody(src: LineSource, from: number, depth: number, header: HunkHeader): HunkBody {
  const lines: HunkLine[] = [];
  let oldSeen = 0;
  let newSeen = 0;
  let i = from;
  const stopped = (stop: HunkStop, cutAt = -1): HunkBody => ({ lines, oldSeen, newSeen, end: i, stop, cutAt });
  // Blank lines quoted less deeply, already known to be followed by more of the quoted diff.
  let blankUntil = -1;
  while (oldSeen < header.oldLines || newSeen < header.newLines) {
    if (i >= src.count) return stopped('eof');
    let content = hunkContent(src, i, depth);
    if (typeof content !== 'string') {
      if (i >= blankUntil) {
        const run = shallowRun(src, i, depth);
        if ('cut' in run) return stopped(run.cut < src.count ? 'interjection' : 'eof', run.cut);
        blankUntil = run.take;
      }
      content = '';
    }
    if (startsHeader(src, i, depth, content)) return stopped('header');
    if (content.charCodeAt(0) === 0x5c /* \ No newline at end of file */) {
      i++;
      continue;
    }
    const line = hunkLine(content, src.inputLine(i));
    if (line.kind !== '+') oldSeen++;
    if (line.kind !== '-') newSeen++;
    lines.push(line);
    i++;
  }
  return stopped('complete');
}

/** A line of a hunk by its prefix: '-' removed, '+' added, anything else context. */
function hunkLine(content: string, inputLine: number): HunkLine {
  const first = content.charCodeAt(0);
  if (first === 0x2d /* - */) return { kind: '-', text: content.slice(1), inputLine };
  if (first === 0x2b /* + */) return { kind: '+', text: content.slice(1), inputLine };
  // With its prefix space, or without one when the archive stripped it (or it was empty).
  return { kind: ' ', text: first === 0x20 ? content.slice(1) : content, inputLine };
}

/** `\ No newline at end of file` belongs to the last line of the hunk: the index after it. */
function pastNoNewline(src: LineSource, i: number, depth: number): number {
  if (i >= src.count) return i;
  const after = hunkContent(src, i, depth);
  return typeof after === 'string' && after.startsWith('\\') ? i + 1 : i;
}

/**
 * What is wrong with the hunk read (`next`: the index after it), each message to follow the
 * hunk's name. Built only when there is a problem: hostile inputs have millions of hunks.
 */
function hunkProblems(src: LineSource, depth: number, header: HunkHeader, body: HunkBody, next: number): string[] {
  const { oldSeen, newSeen } = body;
  const spec = (): string => `@@ -${header.oldStart},${header.oldLines} +${header.newStart},${header.newLines} @@`;
  if (body.stop === 'eof' || body.stop === 'interjection') {
    const found: string[] = [];
    if (oldSeen < header.oldLines) found.push(`expected ${header.oldLines} old lines, found ${oldSeen}`);
    if (newSeen < header.newLines) found.push(`expected ${header.newLines} new lines, found ${newSeen}`);
    const where =
      body.stop === 'interjection' ? ` (the quoted diff is cut by unquoted text at input line ${src.inputLine(body.cutAt)})` : '';
    return [`truncated: ${found.join('; ')}${where}`];
  }
  if (body.stop === 'header') {
    return [
      `has wrong hunk counts: header ${spec()} but the next header (input line ${src.inputLine(body.end)}) ` +
        `came after ${oldSeen} old and ${newSeen} new lines`,
    ];
  }
  const problems: string[] = [];
  if (oldSeen !== header.oldLines || newSeen !== header.newLines) {
    problems.push(`has wrong hunk counts: header ${spec()} but the hunk has ${oldSeen} old and ${newSeen} new lines`);
  }
  if (diffLineFollows(src, next, depth)) {
    problems.push(`may have wrong hunk counts: header ${spec()} but a diff line follows the hunk at input line ${src.inputLine(next)}`);
  }
  return problems;
}

/**
 * Counts too small: the hunk's own lines go on after it, at index i. Only '+'/'-' lines can be
 * told apart from prose and from the `--` signature; context lines cannot.
 */
function diffLineFollows(src: LineSource, i: number, depth: number): boolean {
  if (i >= src.count || quoteDepth(src.line(i)) !== depth) return false;
  const after = stripQuote(src.line(i), depth);
  const c = after.charCodeAt(0);
  return (c === 0x2b || c === 0x2d) && !isDashRule(after) && !after.startsWith('+++ ') && !after.startsWith('--- ');
}
