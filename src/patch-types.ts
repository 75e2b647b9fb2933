// What a patch input is, once read: the shared vocabulary of the patch reader (src/input/patch/),
// the pre/post-image builder and delta (src/input/images.ts, src/engine/patch-mode/delta.ts) and the patch
// reporters (src/report/patch-mail.ts), which see patches but not the code that reads them.

export type HunkLineKind = ' ' | '-' | '+';

export interface HunkLine {
  kind: HunkLineKind;
  /** The line's text without its prefix and without a line end. */
  text: string;
  /** 1-based line in the input (mail or diff file) where this line was read, for reviewers. */
  inputLine: number;
}

export interface Hunk {
  /** From the hunk header `@@ -oldStart,oldLines +newStart,newLines @@ section`. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@` (git's funcname), possibly empty. Never trusted for the function: `diff -p` names a column-0 label as often as the function. */
  section: string;
  lines: HunkLine[];
  /** 1-based input line of the `@@` header. */
  inputLine: number;
}

export interface FilePatch {
  /** Path before the change, without the a/ prefix; null for a new file. */
  oldPath: string | null;
  /** Path after the change, without the b/ prefix; null for a deleted file. */
  newPath: string | null;
  hunks: Hunk[];
  binary: boolean;
  /**
   * The blob ids of git's `index <old>..<new>` line (abbreviated, lower-case hex), when the diff
   * has one; an all-zero id (the side of a new or deleted file) is left out.
   */
  blobs?: { old?: string; new?: string };
  /** 1-based input line of the `diff --git` / `---` header. */
  inputLine: number;
  /** A plain `diff -u` header (no `diff --git`): its names as written, for `patch -p N`. */
  plainNames?: { old: string; new: string };
}

export interface PatchError {
  /** The input (file name, or `-` for stdin). */
  input: string;
  /** 1-based input line, when known. */
  line?: number;
  /** The patched file and hunk concerned, when known. */
  file?: string;
  hunk?: number;
  message: string;
}

export interface Patch {
  /** The input it came from (file name, or `-`). */
  input: string;
  /** Mail subject without `Re:`, or the first line of a git commit message, or '' for a bare diff. */
  subject: string;
  /** Position in a series: 1-based index among the patches of one input, in order. */
  index: number;
  files: FilePatch[];
  errors: PatchError[];
  /** Commit id for --git ranges. */
  commit?: string;
  /** The `base-commit:` trailer of the mail (git format-patch --base, b4), or of the input's cover letter. */
  baseCommit?: string;
  /** The mail's own headers, for answering it (absent for bare diffs and git objects). */
  mail?: MailHeaders;
}

/** What a reply to a patch mail or a check on it needs: its id and whom it went to. */
export interface MailHeaders {
  /** Message-ID as written, angle brackets included (`<id@host>`), or '' when the mail had none. */
  messageId: string;
  /** The References header as written ('' when absent). */
  references: string;
  /** The subject as sent (RFC 2047 decoded, unfolded), `[PATCH v2 1/3]` prefix and `Re:` included. */
  subject: string;
  /** From, To and Cc as written (unfolded, RFC 2047 encoded words kept), '' when absent. */
  from: string;
  to: string;
  cc: string;
}

export interface PatchInput {
  patches: Patch[];
  /** Errors that concern the whole input (no diff found, unreadable). */
  errors: PatchError[];
}
