// The finding contract shared by the engine and the reporters. Reporters import only this file
// (DESIGN Part 1, Boundaries), and the JSON reporter prints these fields as they are: scripts rely
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
}

export interface RunSummary {
  files: number;
  functions: number;
  findings: number;
  durationMs: number;
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
