// Exact pre/post-images of the commits of a git range, read from git objects only: no checkout,
// no stash, nothing that touches the working tree or the index (GIT_OPTIONAL_LOCKS=0 keeps even
// the opportunistic index refresh away). Every git call is execFile with an argument array.

import { execFile } from 'node:child_process';
import type { PatchError } from '../../patch-types.js';
import { makeImage, sortedUnique } from './lines.js';
import type { FileImages, SourceImage } from './types.js';

export interface GitCommitImages {
  commit: string;
  subject: string;
  /** `git format-patch -1 --stdout` of the commit: what a reviewer would have received. */
  patchText: string;
  images: FileImages[];
}

export interface GitRangeImages {
  commits: GitCommitImages[];
  errors: PatchError[];
}

const MAX_BUFFER = 1024 * 1024 * 1024;
// Git's heuristic for "binary": a NUL byte near the start.
const BINARY_SNIFF_BYTES = 8 * 1024;

type GitResult = { stdout: Buffer } | { error: string };

function git(repoDir: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      // Settings of the user that would change the output we parse: colours, a pager, prefixes,
      // external diff drivers, relative diffs.
      ['-C', repoDir, '-c', 'color.ui=never', '-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'diff.relative=false', ...args],
      {
        encoding: 'buffer',
        maxBuffer: MAX_BUFFER,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', LANGUAGE: '' },
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error) {
          const message = Buffer.isBuffer(stderr) && stderr.length > 0 ? stderr.toString('utf8').trim() : error.message;
          resolve({ error: message.split('\n')[0] || error.message });
        } else resolve({ stdout: stdout as Buffer });
      },
    );
  });
}

/**
 * The commits of `range` oldest first (merges left out), each with its subject, its patch text
 * and the exact images of the files it changes. `inputLineOf` maps image lines to lines of that
 * commit's `patchText`. Failures are PatchErrors (input: the range for the range, the commit id
 * for one commit or file), never exceptions.
 */
export async function gitRangeImages(repoDir: string, range: string): Promise<GitRangeImages> {
  const errors: PatchError[] = [];
  if (range === '' || range.startsWith('-')) {
    return { commits: [], errors: [{ input: range, message: `bad git range ${JSON.stringify(range)}` }] };
  }
  const listed = await git(repoDir, ['rev-list', '--reverse', '--no-merges', '--end-of-options', range, '--']);
  if ('error' in listed) return { commits: [], errors: [{ input: range, message: `git rev-list ${range} failed: ${listed.error}` }] };
  const ids = listed.stdout.toString('utf8').split('\n').filter((l) => l !== '');
  const commits: GitCommitImages[] = [];
  for (const commit of ids) {
    const one = await commitImages(repoDir, commit);
    if ('error' in one) errors.push({ input: commit, message: one.error });
    else commits.push(one);
  }
  return { commits, errors };
}

async function commitImages(repoDir: string, commit: string): Promise<GitCommitImages | { error: string }> {
  const info = await git(repoDir, ['show', '-s', '--no-show-signature', '--format=%P%x00%s', commit, '--']);
  if ('error' in info) return { error: `git show ${commit} failed: ${info.error}` };
  const [parents, subject = ''] = info.stdout.toString('utf8').replace(/\n$/, '').split('\0');
  const parent = parents.split(' ').filter((p) => p !== '')[0];

  const patch = await git(repoDir, [
    'format-patch', '-1', '--stdout', '--no-signature', '--no-color', '--no-ext-diff', '-M',
    '--src-prefix=a/', '--dst-prefix=b/', commit, '--',
  ]);
  if ('error' in patch) return { error: `git format-patch ${commit} failed: ${patch.error}` };
  const patchText = patch.stdout.toString('utf8');

  // A root commit is compared with the empty tree.
  let base = parent;
  if (base === undefined) {
    const empty = await git(repoDir, ['hash-object', '-t', 'tree', '/dev/null']);
    if ('error' in empty) return { error: `cannot name the empty tree: ${empty.error}` };
    base = empty.stdout.toString('utf8').trim();
  }
  const status = await git(repoDir, ['diff-tree', '-r', '-z', '--no-commit-id', '-M', '--name-status', base, commit, '--']);
  if ('error' in status) return { error: `git diff-tree ${commit} failed: ${status.error}` };

  const sections = patchSections(patchText);
  const images: FileImages[] = [];
  for (const change of parseNameStatus(status.stdout.toString('utf8'))) {
    const file = await fileImages(repoDir, commit, base, parent !== undefined, change, sections);
    if (file !== undefined) images.push(file);
  }
  return { commit, subject, patchText, images };
}

interface Change {
  status: string;
  oldPath: string | null;
  newPath: string | null;
}

/** `git diff-tree -z --name-status`: `M\0path\0`, `R100\0old\0new\0`, ... */
function parseNameStatus(out: string): Change[] {
  const fields = out.split('\0');
  const changes: Change[] = [];
  for (let i = 0; i + 1 < fields.length; ) {
    const status = fields[i];
    if (status === '') break;
    const letter = status[0];
    if (letter === 'R' || letter === 'C') {
      changes.push({ status: letter, oldPath: fields[i + 1], newPath: fields[i + 2] });
      i += 3;
    } else {
      const p = fields[i + 1];
      changes.push({ status: letter, oldPath: letter === 'A' ? null : p, newPath: letter === 'D' ? null : p });
      i += 2;
    }
  }
  return changes;
}

async function fileImages(
  repoDir: string,
  commit: string,
  base: string,
  hasParent: boolean,
  change: Change,
  sections: Map<string, PatchSection>,
): Promise<FileImages | undefined> {
  const path = (change.newPath ?? change.oldPath) as string;
  const result: FileImages = { path, oldPath: change.oldPath, errors: [] };
  const fail = (message: string): FileImages => ({ path, oldPath: change.oldPath, errors: [{ input: commit, file: path, message }] });

  let preText: string | undefined;
  let postText: string | undefined;
  if (change.oldPath !== null && hasParent) {
    const blob = await readBlob(repoDir, `${base}:${change.oldPath}`);
    if (blob === 'binary') return undefined;
    if ('error' in blob) return fail(`cannot read ${change.oldPath} before ${commit}: ${blob.error}`);
    preText = blob.text;
  }
  if (change.newPath !== null) {
    const blob = await readBlob(repoDir, `${commit}:${change.newPath}`);
    if (blob === 'binary') return undefined;
    if ('error' in blob) return fail(`cannot read ${change.newPath} at ${commit}: ${blob.error}`);
    postText = blob.text;
  }

  const paths = [change.oldPath, change.newPath].filter((p): p is string => p !== null);
  const diff = await git(repoDir, [
    'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', base, commit, '--', ...new Set(paths),
  ]);
  if ('error' in diff) return fail(`git diff ${commit} -- ${path} failed: ${diff.error}`);
  const { pre: preChanged, post: postChanged } = changedFromU0(diff.stdout.toString('utf8'), postText);

  const section = sections.get(sectionKey(change.oldPath, change.newPath));
  if (preText !== undefined) result.pre = exact(preText, section?.pre, preChanged);
  if (postText !== undefined) result.post = exact(postText, section?.post, postChanged);
  return result;
}

function exact(text: string, origins: Map<number, number> | undefined, changed: number[]): SourceImage {
  return makeImage(text, false, origins ?? new Map(), changed);
}

async function readBlob(repoDir: string, spec: string): Promise<{ text: string } | { error: string } | 'binary'> {
  const out = await git(repoDir, ['cat-file', 'blob', spec]);
  if ('error' in out) return out;
  if (out.stdout.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return 'binary';
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(out.stdout) };
  } catch {
    return { error: 'not valid UTF-8' };
  }
}

/**
 * Changed lines from the `@@ -a,b +c,d @@` headers of a -U0 diff: pre a..a+b-1, post c..c+d-1,
 * and for a pure deletion (d = 0) the post-image line after it, c+1, clamped to the last line.
 */
function changedFromU0(diff: string, postText: string | undefined): { pre: number[]; post: number[] } {
  const pre: number[] = [];
  const post: number[] = [];
  const postLines = postText === undefined ? 0 : lineCount(postText);
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    const a = Number(m[1]);
    const b = m[2] === undefined ? 1 : Number(m[2]);
    const c = Number(m[3]);
    const d = m[4] === undefined ? 1 : Number(m[4]);
    for (let k = 0; k < b; k++) pre.push(a + k);
    for (let k = 0; k < d; k++) post.push(c + k);
    if (d === 0 && b > 0 && postLines > 0) post.push(Math.min(c + 1, postLines));
  }
  return { pre: sortedUnique(pre), post: sortedUnique(post) };
}

function lineCount(text: string): number {
  if (text === '') return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

// ---------------------------------------------------------------------------------------------
// Mapping image lines to lines of the commit's patch text
// ---------------------------------------------------------------------------------------------

interface PatchSection {
  pre: Map<number, number>;
  post: Map<number, number>;
}

function sectionKey(oldPath: string | null, newPath: string | null): string {
  return `${oldPath ?? ''}\0${newPath ?? ''}`;
}

/**
 * The file sections of git's own patch output, keyed by (old path, new path), each with its
 * image line -> patch text line maps. Only git's well-formed output is read here (the tolerant
 * reader of mailed patches is src/input/patch/); names git had to quote are unquoted.
 */
function patchSections(patchText: string): Map<string, PatchSection> {
  const sections = new Map<string, PatchSection>();
  const lines = patchText.split('\n');
  let current: { oldPath: string | null; newPath: string | null; section: PatchSection } | undefined;
  let preLine = 0;
  let postLine = 0;
  let inHunk = false;
  const finish = (): void => {
    if (current) sections.set(sectionKey(current.oldPath, current.newPath), current.section);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const inputLine = i + 1;
    if (line.startsWith('diff --git ')) {
      finish();
      const both = splitDiffGitLine(line.slice('diff --git '.length));
      current = { oldPath: both?.[0] ?? null, newPath: both?.[1] ?? null, section: { pre: new Map(), post: new Map() } };
      inHunk = false;
      continue;
    }
    if (current === undefined) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      preLine = Number(hunk[1]);
      postLine = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk) {
      if (line.startsWith('--- ')) current.oldPath = headerPath(line.slice(4), 'a/');
      else if (line.startsWith('+++ ')) current.newPath = headerPath(line.slice(4), 'b/');
      else if (line.startsWith('rename from ') || line.startsWith('copy from ')) current.oldPath = unquote(line.replace(/^\w+ from /, ''));
      else if (line.startsWith('rename to ') || line.startsWith('copy to ')) current.newPath = unquote(line.replace(/^\w+ to /, ''));
      else if (line.startsWith('new file mode')) current.oldPath = null;
      else if (line.startsWith('deleted file mode')) current.newPath = null;
      continue;
    }
    if (line.startsWith(' ')) {
      current.section.pre.set(preLine++, inputLine);
      current.section.post.set(postLine++, inputLine);
    } else if (line.startsWith('-')) {
      current.section.pre.set(preLine++, inputLine);
    } else if (line.startsWith('+')) {
      current.section.post.set(postLine++, inputLine);
    } else if (!line.startsWith('\\')) {
      inHunk = false;
      if (line === '-- ' || line === '--') break;
    }
  }
  finish();
  return sections;
}

function headerPath(field: string, prefix: string): string | null {
  if (field === '/dev/null') return null;
  const name = unquote(field.replace(/\t.*$/, ''));
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** `a/X b/Y` (or quoted forms) -> [X, Y], when it can be split without doubt. */
function splitDiffGitLine(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const end = quotedEnd(rest);
    if (end < 0) return undefined;
    const first = unquote(rest.slice(0, end + 1));
    const second = unquote(rest.slice(end + 2));
    return [first.replace(/^a\//, ''), second.replace(/^b\//, '')];
  }
  if (rest.endsWith('"')) {
    const start = rest.lastIndexOf(' "');
    if (start < 0) return undefined;
    return [rest.slice(0, start).replace(/^a\//, ''), unquote(rest.slice(start + 1)).replace(/^b\//, '')];
  }
  // Unquoted: equal names split in the middle (`a/X b/X`); renames are named again by the
  // `rename from/to` or `---`/`+++` lines that follow.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3) && rest.startsWith('a/') && rest.slice(half + 1, half + 3) === 'b/') {
    const name = rest.slice(2, half);
    return [name, name];
  }
  return undefined;
}

function quotedEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** Git's C-style quoting of names (`"a/caf\303\251.c"`), octal escapes decoded as UTF-8 bytes. */
function unquote(s: string): string {
  if (!(s.startsWith('"') && s.endsWith('"') && s.length >= 2)) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next ?? '')) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
