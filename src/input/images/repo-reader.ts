// Reads objects from a git repository for `ptelint patch --repo DIR`: blobs named by the
// abbreviated ids of a patch's `index` lines, and files at a `base-commit:`. Objects only: no
// checkout, nothing that writes (GIT_OPTIONAL_LOCKS=0). Every call is execFileSync with an
// argument array (no shell), with `--git-dir` set, so a bare repository works like a clone.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const MAX_BUFFER = 256 * 1024 * 1024;
// Git's heuristic for "binary": a NUL byte near the start.
const BINARY_SNIFF_BYTES = 8 * 1024;

export type BlobLookup = { id: string } | { missing: true } | { ambiguous: true };

export type TextRead = { text: string } | { error: string };

function runGit(args: string[], input?: string): { stdout: Buffer } | { error: string } {
  try {
    const stdout = execFileSync('git', args, {
      input,
      maxBuffer: MAX_BUFFER,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', LANGUAGE: '' },
      windowsHide: true,
    });
    return { stdout };
  } catch (error) {
    const e = error as { stderr?: Buffer; message?: string };
    const text = e.stderr && e.stderr.length > 0 ? e.stderr.toString('utf8').trim() : (e.message ?? String(error));
    return { error: text.split('\n')[0] };
  }
}

/**
 * False only when git could not find a repository from DIR: no GIT_DIR, and neither DIR nor a
 * directory above it holds `.git` or is a bare repository. Asking git costs a process (20 to 50 ms,
 * a sixth of a mail's run without a tree), so the common case outside a repository skips it.
 */
function mayBeInRepository(dir: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return true;
    if (existsSync(path.join(d, 'HEAD')) && existsSync(path.join(d, 'objects')) && existsSync(path.join(d, 'refs'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

export class GitRepo {
  private constructor(
    /** As the user named it, for messages. */
    readonly dir: string,
    /** Absolute git directory (`.git` of a clone, the repository itself when bare). */
    readonly gitDir: string,
  ) {}

  /** The repository at or above DIR, or why there is none (naming DIR). */
  static open(dir: string): GitRepo | { error: string } {
    const found = runGit(['-C', dir, 'rev-parse', '--absolute-git-dir']);
    if ('error' in found) return { error: `--repo ${dir}: not a git repository (${found.error})` };
    return new GitRepo(dir, found.stdout.toString('utf8').trim());
  }

  /** The repository the current directory is in, or undefined (silently) outside one. */
  static current(): GitRepo | undefined {
    if (!mayBeInRepository(process.cwd())) return undefined;
    const found = runGit(['rev-parse', '--absolute-git-dir']);
    if ('error' in found) return undefined;
    const gitDir = found.stdout.toString('utf8').trim();
    return new GitRepo(gitDir, gitDir);
  }

  private git(args: string[], input?: string): { stdout: Buffer } | { error: string } {
    // A blob is wanted even when an abbreviated id also names a commit or a tree.
    return runGit(['--git-dir', this.gitDir, '-c', 'core.disambiguate=blob', ...args], input);
  }

  /** Full ids of abbreviated blob ids, in one `git cat-file --batch-check`. */
  lookupBlobs(ids: string[]): Map<string, BlobLookup> {
    const out = new Map<string, BlobLookup>();
    const wanted = [...new Set(ids.filter((id) => /^[0-9a-f]{4,64}$/.test(id)))];
    for (const id of ids) out.set(id, { missing: true });
    if (wanted.length === 0) return out;
    const res = this.git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], wanted.join('\n') + '\n');
    if ('error' in res) return out;
    const lines = res.stdout.toString('utf8').split('\n');
    wanted.forEach((id, k) => {
      const fields = (lines[k] ?? '').split(' ');
      if (fields[1] === 'ambiguous') out.set(id, { ambiguous: true });
      else if (fields[1] === 'blob' && fields[0].startsWith(id)) out.set(id, { id: fields[0] });
      // `missing`, or an object that is not a blob: not a pre-image.
    });
    return out;
  }

  /** The text of a blob (full id), refusing binary and invalid UTF-8 content. */
  readBlob(id: string): TextRead {
    return this.decode(this.git(['cat-file', 'blob', id]), `blob ${id.slice(0, 12)}`);
  }

  /** `git show <commit>:<path>` as text. */
  readAt(commit: string, file: string): TextRead {
    if (!/^[0-9a-f]{4,64}$/.test(commit)) return { error: `bad commit id ${JSON.stringify(commit)}` };
    const res = this.git(['cat-file', 'blob', `${commit}:${file}`]);
    if ('error' in res) return { error: res.error };
    return this.decode(res, `${file} at ${commit.slice(0, 12)}`);
  }

  private decode(res: { stdout: Buffer } | { error: string }, what: string): TextRead {
    if ('error' in res) return res;
    if (res.stdout.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { error: `${what} is binary` };
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(res.stdout) };
    } catch {
      return { error: `${what} is not valid UTF-8` };
    }
  }
}
