// Pre/post-images of the files a patch touches (docs/architecture.md, "From a patch to two images"):
// exact ones from a kernel tree (`--tree DIR`) or from git objects (`--git RANGE`), or partial
// ones rebuilt from the hunks alone. ptelint reads; nothing here writes to a tree.
//
//   images/types.ts        SourceImage, FileImages, ImageSource
//   images/apply-hunks.ts  locating hunks like GNU patch (offset, fuzz, whitespace) and applying them
//   images/tree-reader.ts  tree paths (refusing escapes) and the overlay of a series
//   images/partial.ts      reconstruction from hunks alone
//   images/fragment.ts     synthetic function headers, bridges and closing text for partial images
//   images/c-scan.ts       the small lexer fragment.ts uses
//   images/git-source.ts   git ranges
//   images/file-images.ts  one file's exact images from a pre-image text (tree, blob, commit), and
//                          the tree's "previously applied" check
//   images/repo-reader.ts  blobs and files at a commit of a repository (`--repo`)
//   images/repo-source.ts  the per-file fallback order of `--repo`: blob, series, base-commit, tree, hunks
//   images/lines.ts        exact line splitting, line maps, changed lines

import type { Patch } from '../patch-types.js';
import { fromTree } from './images/file-images.js';
import { partialImages } from './images/partial.js';
import { TreeState } from './images/tree-reader.js';
import type { FileImages, ImageSource } from './images/types.js';
import { RepoSource, repoImages } from './images/repo-source.js';

export type { FileImages, ImageLineOrigin, ImageProvenance, ImageSource, SourceImage } from './images/types.js';
export { GitRepo } from './images/repo-reader.js';
export { repoSource } from './images/repo-source.js';
export { gitRangeImages } from './images/git-source.js';
export type { GitCommitImages, GitRangeImages } from './images/git-source.js';

class TreeSource implements ImageSource {
  readonly kind = 'tree';
  readonly state: TreeState;
  constructor(dir: string) {
    this.state = new TreeState(dir);
  }
}

class HunksSource implements ImageSource {
  readonly kind = 'hunks';
}

/**
 * Pre-images from the tree DIR. Keep one source per series and call `buildImages` for its patches
 * in order, awaiting each: every call sees the files as the earlier calls left them (an in-memory
 * overlay; DIR is never written).
 */
export function treeSource(dir: string): ImageSource {
  return new TreeSource(dir);
}

/** No tree: images rebuilt from the hunks, `partial: true` (exact for a new or deleted file). */
export function noTreeSource(): ImageSource {
  return new HunksSource();
}

/**
 * One FileImages per non-binary FilePatch, in patch order. A file that cannot be built (hunk
 * that does not apply, unreadable or refused path) carries errors and no images; the other
 * files go on. Never throws for bad input.
 */
export async function buildImages(patch: Patch, source: ImageSource): Promise<FileImages[]> {
  const out: FileImages[] = [];
  for (const file of patch.files) {
    if (file.binary) continue;
    const path = (file.newPath ?? file.oldPath) as string | null;
    if (path === null) continue;
    if (source instanceof TreeSource) out.push(await fromTree(patch, file, path, source.state));
    else if (source instanceof RepoSource) out.push(await repoImages(patch, file, path, source));
    else if (source instanceof HunksSource) out.push({ path, oldPath: file.oldPath, ...partialImages(patch.input, file, path, patch.files) });
    else throw new TypeError('buildImages: source must come from treeSource(), repoSource() or noTreeSource()');
  }
  return out;
}

