// Reads pre-images from a kernel tree (`--tree DIR`), read-only, with an in-memory overlay of the
// files changed by earlier patches of a series. Paths come from patches, that is from mail: one
// that would leave DIR (`../`, absolute, or through a symbolic link) is refused.

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from '../fs-error.js';
import { readSource } from '../read-source.js';

export type Checked<T> = T | { error: string };

export class TreeState {
  /**
   * Tree-relative normalized path -> text after the earlier patches of the series, or null when
   * an earlier patch deleted it. Never written to disk.
   */
  readonly overlay = new Map<string, string | null>();
  private real: Promise<Checked<{ dir: string }>> | undefined;

  constructor(readonly dir: string) {}

  /** realpath(DIR), once. */
  realDir(): Promise<Checked<{ dir: string }>> {
    this.real ??= realpath(this.dir).then(
      (dir) => ({ dir }),
      (error: unknown) => ({ error: `cannot use tree ${this.dir}: ${describeFsError(error)}` }),
    );
    return this.real;
  }
}

/**
 * The normalized tree-relative form of a patch path, or why it is refused. Only the spelling is
 * checked here; `resolveInTree` checks symbolic links.
 */
export function checkPatchPath(given: string, dir: string): Checked<{ rel: string }> {
  if (given === '' || given.includes('\0')) return { error: `refusing path ${JSON.stringify(given)}: not a file name` };
  if (given.startsWith('/') || path.isAbsolute(given)) return { error: `refusing ${given}: absolute path` };
  const rel = path.posix.normalize(given);
  if (rel === '..' || rel.startsWith('../')) return { error: `refusing ${given}: it leaves the tree ${dir}` };
  if (rel === '.' || rel === './') return { error: `refusing ${given}: not a file name` };
  return { rel: rel.replace(/^\.\//, '') };
}

/**
 * The real path of `rel` inside the tree (undefined when nothing exists there), or why it is
 * refused: the file, or for a missing file its deepest existing directory, must resolve inside
 * realpath(DIR).
 */
export async function resolveInTree(state: TreeState, rel: string, given: string): Promise<Checked<{ absolute?: string }>> {
  const root = await state.realDir();
  if ('error' in root) return root;
  const inside = (p: string): boolean => p === root.dir || p.startsWith(root.dir.endsWith(path.sep) ? root.dir : root.dir + path.sep);
  const escape = { error: `refusing ${given}: it leaves the tree ${state.dir} through a symbolic link` };
  const joined = path.join(root.dir, rel);
  try {
    const real = await realpath(joined);
    return inside(real) ? { absolute: real } : escape;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { error: `cannot read ${given}: ${describeFsError(error)}` };
  }
  for (let dir = path.dirname(joined); ; dir = path.dirname(dir)) {
    try {
      const real = await realpath(dir);
      return inside(real) ? {} : escape;
    } catch {
      // Keep climbing: root.dir itself exists, so this ends.
      if (dir === root.dir || path.dirname(dir) === dir) return {};
    }
  }
}

/**
 * The current text of a tree file: the overlay's when an earlier patch of the series changed it,
 * else the tree's (through the same checks as a tree scan: size, binary, UTF-8).
 */
export async function readTreeFile(state: TreeState, given: string): Promise<Checked<{ rel: string; text: string }>> {
  const checked = checkPatchPath(given, state.dir);
  if ('error' in checked) return checked;
  const { rel } = checked;
  const resolved = await resolveInTree(state, rel, given);
  if ('error' in resolved) return resolved;
  const overlaid = state.overlay.get(rel);
  if (overlaid === null) return { error: `${given} was deleted by an earlier patch of the series` };
  if (overlaid !== undefined) return { rel, text: overlaid };
  if (resolved.absolute === undefined) return { error: `${given} does not exist in the tree ${state.dir}` };
  const read = await readSource({ display: given, absolute: resolved.absolute });
  if ('error' in read) return { error: `${given}: ${read.error.message}` };
  return { rel, text: read.text };
}
