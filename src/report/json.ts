// The `version: 1` JSON contract. Scripts diff these files between runs, so the bytes are fixed:
// keys in the documented order (objects are rebuilt field by field, so a field added to Finding
// later does not leak in), arrays sorted, 2-space indent, final newline, and no timing: the run's
// duration (`summary.durationMs`) is there only when asked for (`--timing`), since it alone would
// make two runs of the same input differ. `help` is left out on
// purpose: it is prose for people, and the rule id already identifies the fix.

import type { Finding, Incomplete, InputError, RunResult, RunSummary } from '../finding.js';
import { errorOrder, findingOrder, incompleteOrder } from '../result-order.js';

export const JSON_REPORT_VERSION = 1;

export interface JsonOptions {
  /** Add `durationMs` to the summary (`--timing`). */
  timing?: boolean;
}

export function formatJsonReport(result: RunResult, options: JsonOptions = {}): string {
  const report = {
    version: JSON_REPORT_VERSION,
    findings: [...result.findings].sort(findingOrder).map(findingObject),
    errors: [...result.errors].sort(errorOrder).map(errorObject),
    incomplete: [...result.incomplete].sort(incompleteOrder).map(incompleteObject),
    summary: summaryObject(result.summary, options),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

export function summaryObject(s: RunSummary, options: JsonOptions = {}) {
  return {
    files: s.files,
    functions: s.functions,
    findings: s.findings,
    ...(s.baseline !== undefined ? { baseline: s.baseline } : {}),
    ...(options.timing ? { durationMs: s.durationMs } : {}),
  };
}

export function findingObject(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    function: f.function,
    message: f.message,
    fingerprint: f.fingerprint,
    // Only in a run with --baseline, so the contract of runs without one is unchanged.
    ...(f.baseline !== undefined ? { status: f.baseline ? 'baseline' : 'new' } : {}),
  };
}

export function errorObject(e: InputError) {
  return { file: e.file, message: e.message };
}

export function incompleteObject(i: Incomplete) {
  return { file: i.file, function: i.function, line: i.line, reason: i.reason };
}
