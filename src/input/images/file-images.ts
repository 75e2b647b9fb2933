// One file's exact images: its hunks applied to a pre-image text, whichever source gave the text
// (a tree, a blob, a file at a commit). Also the tree's "previously applied" check.

import type { FilePatch, Hunk, Patch, PatchError } from '../../patch-types.js';
import { applyHunks } from './apply-hunks.js';
import { hunkHeader, joinLines, makeImage, splitLines } from './lines.js';
import { checkPatchPath, readTreeFile, resolveInTree, type TreeState } from './tree-reader.js';
import type { FileImages, ImageProvenance } from './types.js';

/**
 * Images from the tree: the hunks applied to the tree's file (the overlay's, in a series). When
 * they do not apply but their reverse does, the tree already holds the patch (GNU patch's
 * "Reversed (or previously applied) patch detected"): the tree is the post-image and the hunks
 * reversed give the pre-image, and nothing is applied a second time.
 */
export async function fromTree(patch: Patch, file: FilePatch, path: string, state: TreeState): Promise<FileImages> {
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

  const built = imagesFromText(patch, file, path, preText, { source: 'tree', skipped: [] });
  if ('failed' in built) {
    const applied = file.oldPath !== null && file.newPath !== null ? alreadyApplied(file, path, preText) : undefined;
    return applied ?? { path, oldPath: file.oldPath, errors: built.failed };
  }
  if (newRel !== undefined) state.overlay.set(newRel, built.postText as string);
  else if (oldRel !== undefined) state.overlay.set(oldRel, null);
  // A rename leaves the old path alone in the overlay: the FilePatch does not tell a rename from
  // a copy, and a later patch of the series touching the old name is rarer than a copy.
  return built.images;
}

/**
 * The images of `file` with `preText` as its exact pre-image, and the post-image text; or the
 * errors of the hunks that do not apply (a deletion must remove every line).
 */
export function imagesFromText(
  patch: Patch,
  file: FilePatch,
  path: string,
  preText: string,
  provenance: ImageProvenance,
): { images: FileImages; postText: string | null } | { failed: PatchError[] } {
  const pre = splitLines(preText);
  const result = applyHunks(pre, file.hunks);
  if ('failed' in result) {
    return {
      failed: result.failed.map((index) => {
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
  const images: FileImages = { path, oldPath: file.oldPath, errors: [], provenance };
  if (file.oldPath !== null) images.pre = makeImage(preText, false, preOrigins, preChanged);
  if (file.newPath === null) {
    if (post.lines.length > 0) {
      return { failed: [{ input: patch.input, line: file.inputLine, file: path, message: `deleting ${path} leaves ${post.lines.length} line(s) the patch does not remove` }] };
    }
    return { images, postText: null };
  }
  const postText = joinLines(post);
  images.post = makeImage(postText, false, postOrigins, postChanged);
  return { images, postText };
}

/** The images of a file whose hunks are already in `treeText`, or undefined when the reverse does not apply either. */
function alreadyApplied(file: FilePatch, path: string, treeText: string): FileImages | undefined {
  const reversed = applyHunks(splitLines(treeText), file.hunks.map(reverseHunk));
  if ('failed' in reversed) return undefined;
  const { post, preOrigins, postOrigins, preChanged, postChanged } = reversed.applied;
  return {
    path,
    oldPath: file.oldPath,
    errors: [],
    provenance: { source: 'tree-applied', skipped: [] },
    pre: makeImage(joinLines(post), false, postOrigins, postChanged),
    post: makeImage(treeText, false, preOrigins, preChanged),
  };
}

function reverseHunk(hunk: Hunk): Hunk {
  return {
    ...hunk,
    oldStart: hunk.newStart,
    oldLines: hunk.newLines,
    newStart: hunk.oldStart,
    newLines: hunk.oldLines,
    lines: hunk.lines.map((l) => (l.kind === ' ' ? l : { ...l, kind: l.kind === '+' ? '-' : '+' })),
  };
}
