// The pre/post-image vocabulary (docs/architecture.md, "From a patch to two images"): what
// src/input/images.ts hands to the delta engine for each file a patch touches.

import type { PatchError } from '../../patch-types.js';

/** Where a line of an image came from in the patch input. */
export interface ImageLineOrigin {
  inputLine?: number;
}

export interface SourceImage {
  /** The whole file text (exact), or the reconstructed partial text. */
  text: string;
  /** Reconstructed from hunks alone (no tree, no git objects). */
  partial: boolean;
  /**
   * 1-based image line -> 1-based patch input line, for lines that appear in the hunks (context,
   * removed or added). For git ranges the input is the commit's `patchText`.
   */
  inputLineOf(line: number): number | undefined;
  /**
   * 1-based image lines that this patch removed (pre-image) or added (post-image), plus, for a
   * pure deletion, the line after it in the post-image (the last line when it was at the end).
   * Sorted, without duplicates.
   */
  changedLines: number[];
  /**
   * Partial images only: 1-based lines that hold text ptelint wrote itself (the synthetic
   * `void NAME(void) {` headers and the closing braces) rather than text of the patch. Sorted.
   */
  syntheticLines?: number[];
}

export interface FileImages {
  /** Post-image path (pre-image path for a deleted file). */
  path: string;
  oldPath: string | null;
  /** Absent for a new file. */
  pre?: SourceImage;
  /** Absent for a deleted file. */
  post?: SourceImage;
  /** When non-empty, `pre` and `post` are both absent. */
  errors: PatchError[];
  /** Where the pre-image came from (set by the tree and repository sources). */
  provenance?: ImageProvenance;
}

/**
 * Where a file's pre-image came from: `blob` (the `index` line's id, read from --repo),
 * `base-commit` (the mail's trailer, in --repo), `tree` (--tree), `tree-applied` (the hunks were
 * already in --tree: the pre-image is the tree with the hunks reversed, as GNU patch's "previously
 * applied"), `series` (an earlier patch of the same input), `new-file` (nothing before), `hunks` (rebuilt from the hunks alone).
 */
export interface ImageProvenance {
  source: 'blob' | 'base-commit' | 'tree' | 'tree-applied' | 'series' | 'new-file' | 'hunks';
  /** The blob id or commit used. */
  id?: string;
  /** Why the earlier sources of the fallback order were not used, in order. */
  skipped: string[];
}

/** Where pre-images come from: a repository (`--repo`), a kernel tree (`--tree DIR`) or nowhere (hunks alone). */
export interface ImageSource {
  readonly kind: 'repo' | 'tree' | 'hunks';
}
