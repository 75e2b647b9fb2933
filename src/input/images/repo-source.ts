// `ptelint patch --repo DIR`: each file's exact pre-image from a git repository, the way
// `git am -3` finds it, whatever tree the patch was made on. Per file, in order:
//   1. the `index <old>..<new>` line's old blob id (abbreviated ids resolved; an ambiguous or
//      missing id falls through), or the post-image an earlier patch of the same input left under
//      that id;
//   2. the post-image an earlier patch of the input left at that path;
//   3. the mail's `base-commit:` trailer: the file at that commit;
//   4. `--tree`;
//   5. the hunks alone (a partial image).
// The first text the hunks apply to is used; why the earlier ones were not is kept for the report.
// When the repository is only the one ptelint happens to run in (not named by --repo), ids it does
// not hold are not worth a word: most patches were not made in it.

import type { FilePatch, Patch } from '../../patch-types.js';
import { fromTree, imagesFromText } from './file-images.js';
import { partialImages } from './partial.js';
import type { BlobLookup, GitRepo } from './repo-reader.js';
import { TreeState } from './tree-reader.js';
import type { FileImages, ImageProvenance, ImageSource } from './types.js';

export class RepoSource implements ImageSource {
  readonly kind = 'repo';
  /** Post-image texts of earlier patches of the series by their `index` new id (null: deleted). */
  readonly byId = new Map<string, string | null>();
  /** The same by path, for patches without ids. Only exact images are kept. */
  readonly byPath = new Map<string, string | null>();
  readonly tree: TreeState | undefined;
  /** Ids of the patch being built, resolved in one git call per patch. */
  private resolved: { patch: Patch; blobs: Map<string, BlobLookup> } | undefined;

  constructor(
    readonly repo: GitRepo | undefined,
    treeDir: string | undefined,
    /** The repository was named by the user (--repo): say why its objects were not used. */
    readonly named: boolean,
  ) {
    this.tree = treeDir === undefined ? undefined : new TreeState(treeDir);
  }

  blobsOf(patch: Patch): Map<string, BlobLookup> {
    if (this.resolved?.patch !== patch) {
      const ids = patch.files.map((f) => f.blobs?.old).filter((id): id is string => id !== undefined);
      this.resolved = { patch, blobs: this.repo ? this.repo.lookupBlobs(ids) : new Map() };
    }
    return this.resolved.blobs;
  }
}

/**
 * A source reading pre-images from `repo` (blob ids, base-commit), then from the tree `treeDir`
 * when given, then from the hunks. `named`: the user named the repository (--repo), so ids it
 * lacks are reported per file; otherwise they are passed over in silence. With a tree but without
 * `named`, a file whose hunks apply to the tree neither forward nor reversed is an error, as with
 * --tree alone; with `named`, it falls back to the hunks and says so.
 */
export function repoSource(repo: GitRepo | undefined, treeDir: string | undefined, named: boolean): ImageSource {
  return new RepoSource(repo, treeDir, named);
}

export async function repoImages(patch: Patch, file: FilePatch, path: string, source: RepoSource): Promise<FileImages> {
  const skipped: string[] = [];
  const repoName = source.repo?.dir ?? '';
  const attempt = (text: string, provenance: Omit<ImageProvenance, 'skipped'>, what: string): FileImages | undefined => {
    const built = imagesFromText(patch, file, path, text, { ...provenance, skipped: [...skipped] });
    if ('failed' in built) {
      skipped.push(`${what}: ${built.failed.map((e) => e.message).join('; ')}`);
      return undefined;
    }
    remember(source, file, built.postText);
    return built.images;
  };

  // With a tree, a new file goes through the tree's path checks below.
  if (file.oldPath === null && !source.tree) {
    const made = attempt('', { source: 'new-file' }, 'new file');
    if (made) return made;
  }

  const oldId = file.blobs?.old;
  if (file.oldPath !== null && oldId !== undefined) {
    const earlier = seriesText(source.byId, oldId);
    if (earlier !== undefined) {
      const made = earlier === null ? undefined : attempt(earlier, { source: 'series', id: oldId }, `blob ${oldId} (an earlier patch)`);
      if (made) return made;
    } else if (source.repo) {
      const found = source.blobsOf(patch).get(oldId);
      if (found && 'id' in found) {
        const read = source.repo.readBlob(found.id);
        if ('error' in read) skipped.push(`blob ${oldId} in ${repoName}: ${read.error}`);
        else {
          const made = attempt(read.text, { source: 'blob', id: oldId }, `blob ${oldId}`);
          if (made) return made;
        }
      } else if (source.named) {
        skipped.push(found && 'ambiguous' in found ? `blob ${oldId} is ambiguous in ${repoName}` : `blob ${oldId} is not in ${repoName}`);
      }
    }
  }

  if (file.oldPath !== null) {
    const earlier = source.byPath.get(file.oldPath);
    if (typeof earlier === 'string') {
      const made = attempt(earlier, { source: 'series' }, `${file.oldPath} as an earlier patch left it`);
      if (made) return made;
    }
  }

  if (file.oldPath !== null && patch.baseCommit !== undefined && source.repo) {
    const read = source.repo.readAt(patch.baseCommit, file.oldPath);
    if ('error' in read) {
      if (source.named) skipped.push(`base-commit ${patch.baseCommit.slice(0, 12)}: ${read.error}`);
    } else {
      const made = attempt(read.text, { source: 'base-commit', id: patch.baseCommit }, `base-commit ${patch.baseCommit.slice(0, 12)}`);
      if (made) return made;
    }
  }

  if (source.tree) {
    const fromDir = await fromTree(patch, file, path, source.tree);
    if (fromDir.errors.length === 0) {
      fromDir.provenance = { ...(fromDir.provenance ?? { source: 'tree' }), skipped: [...skipped] };
      remember(source, file, fromDir.post?.text ?? null);
      return fromDir;
    }
    if (!source.named) return fromDir;
    skipped.push(`tree ${source.tree.dir}: ${fromDir.errors.map((e) => e.message).join('; ')}`);
  }

  return { path, oldPath: file.oldPath, ...partialImages(patch.input, file, path, patch.files), provenance: { source: 'hunks', skipped } };
}

/** An earlier patch's post-image under `id`, matching abbreviations of different lengths. */
function seriesText(byId: Map<string, string | null>, id: string): string | null | undefined {
  const exact = byId.get(id);
  if (exact !== undefined) return exact;
  for (const [key, text] of byId) if (key.startsWith(id) || id.startsWith(key)) return text;
  return undefined;
}

function remember(source: RepoSource, file: FilePatch, postText: string | null): void {
  const newId = file.blobs?.new;
  if (newId !== undefined) source.byId.set(newId, postText);
  if (file.newPath !== null) source.byPath.set(file.newPath, postText);
  else if (file.oldPath !== null) source.byPath.set(file.oldPath, null);
}
