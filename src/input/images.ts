// Pre/post-images of the files a patch touches (DESIGN Part 1 step 2, "Source units"; §5.5):
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
//   images/lines.ts        exact line splitting, line maps, changed lines

import type { FilePatch, Patch, PatchError } from './patch-types.js';
import { applyHunks } from './images/apply-hunks.js';
import { hunkHeader, joinLines, makeImage, splitLines } from './images/lines.js';
import { partialImages } from './images/partial.js';
import { checkPatchPath, readTreeFile, resolveInTree, TreeState } from './images/tree-reader.js';
import type { FileImages, ImageSource } from './images/types.js';

export type { FileImages, ImageLineOrigin, ImageSource, SourceImage } from './images/types.js';
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
    else if (source instanceof HunksSource) out.push({ path, oldPath: file.oldPath, ...partialImages(patch.input, file, path, patch.files) });
    else throw new TypeError('buildImages: source must come from treeSource() or noTreeSource()');
  }
  return out;
}

async function fromTree(patch: Patch, file: FilePatch, path: string, state: TreeState): Promise<FileImages> {
  const fail = (message: string, extra: Partial<PatchError> = {}): FileImages => ({
    path,
    oldPath: file.oldPath,
    errors: [{ input: patch.input, line: file.inputLine, file: path, message, ...extra }],
  });

  // The post-image path is checked too, though it is never written: a patch that names a file
  // outside the tree is not one to analyze.
  let newRel: string | undefined;
  if (file.newPath !== null) {
    const checked = checkPatchPath(file.newPath, state.dir);
    if ('error' in checked) return fail(checked.error);
    const resolved = await resolveInTree(state, checked.rel, file.newPath);
    if ('error' in resolved) return fail(resolved.error);
    newRel = checked.rel;
  }

  let preText = '';
  let oldRel: string | undefined;
  if (file.oldPath !== null) {
    const read = await readTreeFile(state, file.oldPath);
    if ('error' in read) return fail(read.error);
    preText = read.text;
    oldRel = read.rel;
  }

  const pre = splitLines(preText);
  const result = applyHunks(pre, file.hunks);
  if ('failed' in result) {
    return {
      path,
      oldPath: file.oldPath,
      errors: result.failed.map((index) => {
        const hunk = file.hunks[index];
        return {
          input: patch.input,
          line: hunk.inputLine,
          file: path,
          hunk: index + 1,
          message: `hunk ${index + 1} (${hunkHeader(hunk)}) does not apply to ${file.oldPath ?? path}`,
        };
      }),
    };
  }
  const { post, preOrigins, postOrigins, preChanged, postChanged } = result.applied;
  const images: FileImages = { path, oldPath: file.oldPath, errors: [] };
  if (file.oldPath !== null) images.pre = makeImage(preText, false, preOrigins, preChanged);
  if (newRel !== undefined) {
    const postText = joinLines(post);
    images.post = makeImage(postText, false, postOrigins, postChanged);
    state.overlay.set(newRel, postText);
  } else if (oldRel !== undefined) {
    // A deletion applies only if the hunks removed every line.
    if (post.lines.length > 0) return fail(`deleting ${path} leaves ${post.lines.length} line(s) the patch does not remove`);
    state.overlay.set(oldRel, null);
  }
  // A rename leaves the old path alone in the overlay: the FilePatch does not tell a rename from
  // a copy, and a later patch of the series touching the old name is rarer than a copy.
  return images;
}
