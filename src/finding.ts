// The finding contract shared by the engine and the reporters. Reporters import only this file
// (docs/architecture.md, "Layers"), and the JSON reporter prints these fields as they are: scripts rely
// on them, so a change here is a change of the `version: 1` JSON contract.

export type Severity = 'error' | 'warning' | 'note';

export const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

export interface Finding {
  rule: string;
  severity: Severity;
  /** The path as the user passed it joined with the file's path below it, as compilers print. */
  file: string;
  /** 1-based line and column of the reported expression in `file`. */
  line: number;
  column: number;
  /** The enclosing kernel function. */
  function: string;
  message: string;
  /** How to fix it; printed as `help:` by the text reporter. */
  help: string;
  /** Survives line shifts: hash of rule + file + function + normalized statement. */
  fingerprint: string;
  /**
   * Set only when the run has a baseline (--baseline): true when the fingerprint is in it. Such a
   * finding is known, printed only on request, and never fails the run.
   */
  baseline?: boolean;
}

/** A unit (file, patch) that could not be used at all. */
export interface InputError {
  file: string;
  message: string;
}

/** A function that was found but could not be analyzed completely (parse errors left). */
export interface Incomplete {
  file: string;
  function: string;
  line: number;
  reason: string;
  /** Patch mode: the patch (as PatchFinding.patch) whose image this is. */
  patch?: number;
  /** Patch mode: the function parsed before the patch and does not after it. */
  introduced?: boolean;
}

export interface RunSummary {
  files: number;
  functions: number;
  findings: number;
  durationMs: number;
  /** With a baseline: how many of `findings` are in it. */
  baseline?: number;
  /** Inputs that could not be used (`errors`), for the summary line. */
  inputErrors?: number;
}

export interface RunResult {
  findings: Finding[];
  errors: InputError[];
  incomplete: Incomplete[];
  summary: RunSummary;
}

/** Sort order of the JSON contract: file, line, column, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

// ---- Patch mode (`ptelint patch`): the same contract plus what a delta needs. ----

/** baseline: would be introduced, but its fingerprint is in the --baseline file. */
export type PatchStatus = 'introduced' | 'fixed' | 'unchanged' | 'baseline';

export interface PatchFinding extends Finding {
  /** introduced: in the post-image only; fixed: in the pre-image only; unchanged: in both. */
  status: PatchStatus;
  /** Found on text rebuilt from the hunks alone (no --tree, no git): the function was partly visible. */
  partial: boolean;
  /** Where the reported line sits in the patch input (the mail or diff file), for reviewers. */
  input?: { file: string; line: number };
  /** 1-based position in PatchRunResult.patches of the patch this delta belongs to. */
  patch: number;
}

/** One patch of the input (one mail of a series, one commit of a range). */
export interface PatchReport {
  input: string;
  /** 1-based position of the patch in the run: PatchFinding.patch of its findings. */
  index: number;
  subject: string;
  commit?: string;
  /** The mail's Message-ID as written (`<id@host>`), when the patch came as a mail that had one. */
  messageId?: string;
  /** Paths the patch touches (post-image paths; the old path of a deleted file). */
  files: string[];
  hunks: number;
  errors: InputError[];
  /** Where each file's pre-image came from (`--repo`, `--tree`), in patch order. */
  sources?: FileSource[];
  /** The kernel semantics applied to this patch, `x.y`. */
  kernelVersion?: string;
}

/** One file of a patch and the source of its pre-image (see ImageProvenance). */
export interface FileSource {
  file: string;
  source: string;
  /** Blob id or commit. */
  id?: string;
  /** Why earlier sources of the fallback order were not used. */
  skipped: string[];
}

export interface PatchRunResult {
  findings: PatchFinding[];
  errors: InputError[];
  incomplete: Incomplete[];
  patches: PatchReport[];
  summary: RunSummary;
}
