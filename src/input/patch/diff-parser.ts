// Finds the diffs in a body of text (a bare diff, a mail body, a decoded MIME part) and turns
// them into FilePatches. Anything that is not a diff header or a hunk is skipped: commit
// messages, diffstats, review prose, signatures. A diff may be quoted (`> `, `>> `): the depth of
// the line that opens a file or a hunk is the depth stripped from the lines that follow it.

import type { FilePatch, PatchError } from '../../patch-types.js';
import {
  extendedHeaderPath,
  gitHeaderPath,
  headerName,
  parseBinaryFilesLine,
  parseGitDiffLine,
  plainPaths,
} from './diff-paths.js';
import { parseHunkHeader, readHunk } from './hunk.js';
import type { LineSource } from './lines.js';
import { unquote } from './unquote.js';

const MAX_ERRORS = 100;

export interface DiffParse {
  files: FilePatch[];
  errors: PatchError[];
}

function fileName(fp: FilePatch): string {
  return fp.newPath ?? fp.oldPath ?? '(unnamed file)';
}

/** Line i unquoted, if it is quoted exactly at `depth`. */
function atDepth(src: LineSource, i: number, depth: number): string | undefined {
  if (i >= src.count) return undefined;
  const q = unquote(src.line(i));
  return q.depth === depth ? q.content : undefined;
}

/**
 * Reads git's extended header lines after `diff --git` (at the same quote depth) into `fp`.
 * Returns the index of the first line that is not part of the header (usually the first `@@`).
 */
function readGitHeader(src: LineSource, i: number, depth: number, fp: FilePatch): number {
  for (; i < src.count; i++) {
    const c = atDepth(src, i, depth);
    if (c === undefined) return i;
    if (c.startsWith('index ')) {
      // Kept: the ids name the exact pre- and post-image in any repository holding them (--repo).
      const ids = parseIndexLine(c);
      if (ids) fp.blobs = ids;
      continue;
    }
    if (c.startsWith('old mode ') || c.startsWith('new mode ')) continue;
    if (c.startsWith('similarity index ') || c.startsWith('dissimilarity index ')) continue;
    if (c.startsWith('new file mode ')) {
      fp.oldPath = null;
      continue;
    }
    if (c.startsWith('deleted file mode ')) {
      fp.newPath = null;
      continue;
    }
    if (c.startsWith('rename from ') || c.startsWith('copy from ')) {
      fp.oldPath = extendedHeaderPath(c.slice(c.indexOf(' from ') + 6));
      continue;
    }
    if (c.startsWith('rename to ') || c.startsWith('copy to ')) {
      fp.newPath = extendedHeaderPath(c.slice(c.indexOf(' to ') + 4));
      continue;
    }
    if (c.startsWith('Binary files ') || c.startsWith('GIT binary patch')) {
      // The binary data lines (base85, each starting with a length letter) that follow are
      // skipped by the main loop: none of them can look like a header.
      fp.binary = true;
      return i + 1;
    }
    if (c.startsWith('--- ')) {
      const plus = atDepth(src, i + 1, depth);
      if (plus === undefined || !plus.startsWith('+++ ')) return i;
      // `---`/`+++` are authoritative for /dev/null; the `diff --git` names are not.
      fp.oldPath = gitHeaderPath(headerName(c.slice(4)));
      fp.newPath = gitHeaderPath(headerName(plus.slice(4)));
      return i + 2;
    }
    return i;
  }
  return i;
}

/** `index 1a2b3c4..5d6e7f8 100644` -> its ids; all-zero ids (no such side) are left out. */
export function parseIndexLine(line: string): { old?: string; new?: string } | undefined {
  const m = /^index ([0-9a-fA-F]{4,64})\.\.([0-9a-fA-F]{4,64})(?:\s|$)/.exec(line);
  if (!m) return undefined;
  const id = (s: string): string | undefined => (/^0+$/.test(s) ? undefined : s.toLowerCase());
  const ids: { old?: string; new?: string } = {};
  const oldId = id(m[1]);
  const newId = id(m[2]);
  if (oldId !== undefined) ids.old = oldId;
  if (newId !== undefined) ids.new = newId;
  return ids;
}

/**
 * `diff -ruN` writes a new file as a diff against an empty file of the same name (`--- a/x`
 * with the epoch date, `@@ -0,0 +1,n @@`), not against /dev/null; a deleted one likewise. A
 * single hunk from or to nothing is that, not a change to a file that must exist.
 */
function markPlainAdditionOrDeletion(fp: FilePatch): void {
  if (fp.hunks.length !== 1) return;
  const [h] = fp.hunks;
  if (h.oldStart === 0 && h.oldLines === 0 && h.newLines > 0) fp.oldPath = null;
  else if (h.newStart === 0 && h.newLines === 0 && h.oldLines > 0) fp.newPath = null;
}

/** Parses every diff in `src`; errors name `input` and, for hunks, the file and hunk. */
export function parseDiffs(src: LineSource, input: string): DiffParse {
  const reader = new DiffReader(src, input);
  for (let i = 0; i < src.count; ) i = reader.read(i);
  return reader.finish();
}

/** The state of one parse: the files so far, the one hunks go to, the errors. */
class DiffReader {
  private readonly files: FilePatch[] = [];
  private readonly errors: PatchError[] = [];
  private current: FilePatch | undefined;
  // Hostile input (50 MB of `@@` lines) must not turn into millions of error objects: past a
  // hundred, problems are only counted, and one error says how many were left out.
  private dropped = 0;

  constructor(
    private readonly src: LineSource,
    private readonly input: string,
  ) {}

  /** Reads what starts at line i (a header, a hunk, or nothing of a diff); returns the next line to read. */
  read(i: number): number {
    // Cheap rejection first: every header starts with one of 'd', '-', '@', 'B' once unquoted;
    // prose lines are skipped without even being sliced.
    const k0 = this.src.firstCode(i);
    if (k0 !== 0x3e && k0 !== 0x64 && k0 !== 0x2d && k0 !== 0x40 && k0 !== 0x42) return i + 1;
    const { content, depth } = unquote(this.src.line(i));
    let next: number | undefined;
    if (content.startsWith('diff --git ')) next = this.gitDiff(i, content, depth);
    else if (content.startsWith('--- ')) next = this.plainDiff(i, content, depth);
    else if (content.startsWith('@@ -')) next = this.hunk(i, content, depth);
    else if (content.startsWith('Binary files ')) this.binaryNotice(i, content);
    return next ?? i + 1;
  }

  finish(): DiffParse {
    const { files, errors, input } = this;
    for (const fp of files) if (fp.plainNames) markPlainAdditionOrDeletion(fp);
    if (this.dropped > 0) errors.push({ input, message: `${this.dropped} more problems in ${input === '-' ? 'standard input' : input} not listed` });
    return { files, errors };
  }

  private report(error: PatchError): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(error);
    else this.dropped++;
  }

  private open(fp: FilePatch): void {
    this.current = fp;
    this.files.push(fp);
  }

  /** `diff --git a/x b/x` and its extended header; undefined when the line names no paths. */
  private gitDiff(i: number, content: string, depth: number): number | undefined {
    const paths = parseGitDiffLine(content.slice('diff --git '.length));
    if (!paths) return undefined;
    const fp: FilePatch = { ...paths, hunks: [], binary: false, inputLine: this.src.inputLine(i) };
    this.open(fp);
    return readGitHeader(this.src, i + 1, depth, fp);
  }

  /** A plain `--- x` / `+++ y` pair; undefined when no `+++` follows at the same depth. */
  private plainDiff(i: number, content: string, depth: number): number | undefined {
    const plus = atDepth(this.src, i + 1, depth);
    if (plus === undefined || !plus.startsWith('+++ ')) return undefined;
    const names = { old: headerName(content.slice(4)), new: headerName(plus.slice(4)) };
    const paths = plainPaths(names.old, names.new);
    this.open({ ...paths, hunks: [], binary: false, inputLine: this.src.inputLine(i), plainNames: names });
    return i + 2;
  }

  /** A hunk of the last file header; undefined when the line is not a hunk header. */
  private hunk(i: number, content: string, depth: number): number | undefined {
    const header = parseHunkHeader(content);
    if (!header) return undefined;
    const { src, input, current } = this;
    if (!current) {
      this.report({
        input,
        line: src.inputLine(i),
        message: `hunk at input line ${src.inputLine(i)} has no file header (no \`diff --git\` or \`---\`/\`+++\` before it); skipped`,
      });
      return i + 1;
    }
    // A hunk quoted after review prose still belongs to the last file header: reviewers
    // quote one hunk, comment, then quote the next one of the same file.
    const name = { file: fileName(current), hunk: current.hunks.length + 1 };
    const read = readHunk(src, i, depth, header, name);
    current.hunks.push(read.hunk);
    for (const p of read.problems) this.report({ input, line: p.line, file: name.file, hunk: name.hunk, message: p.message });
    return Math.max(read.next, i + 1);
  }

  /** GNU diff's binary notice, outside a git header (inside one, readGitHeader took it). */
  private binaryNotice(i: number, content: string): void {
    const paths = parseBinaryFilesLine(content);
    if (paths) this.open({ ...paths, hunks: [], binary: true, inputLine: this.src.inputLine(i) });
  }
}
