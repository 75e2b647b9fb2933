// One verdict per patch for the per-patch check formats (b4's review checks, Patchwork): what the
// patch introduces and fixes, how bad the worst of it is, and a one-line count. Only introduced
// findings decide: a patch is not blamed for what it leaves unchanged.

import type { InputError, PatchFinding, PatchReport, PatchRunResult, Severity } from '../finding.js';
import { SEVERITY_RANK } from '../finding.js';
import { findingOrder } from '../result-order.js';

/** `pass` nothing introduced; `warn` something; `fail` an introduced error that reaches --fail-on. */
export type Verdict = 'pass' | 'warn' | 'fail';

export interface PatchVerdict {
  report: PatchReport;
  verdict: Verdict;
  introduced: PatchFinding[];
  fixed: PatchFinding[];
  /** The patch's own input errors (a hunk that does not apply, a truncated file). */
  errors: InputError[];
  /** `2 errors, 1 warning`, `no new findings`. */
  summary: string;
}

export function patchVerdicts(result: PatchRunResult, failOn: Severity | 'never'): PatchVerdict[] {
  return result.patches.map((report, i) => {
    const mine = result.findings.filter((f) => f.patch === i + 1);
    const introduced = mine.filter((f) => f.status === 'introduced').sort(findingOrder);
    const fixed = mine.filter((f) => f.status === 'fixed').sort(findingOrder);
    return { report, verdict: verdictOf(introduced, failOn), introduced, fixed, errors: report.errors, summary: countText(introduced) };
  });
}

/**
 * Errors fail and warnings and notes warn, as checkpatch's ERROR/WARNING/CHECK do in b4; --fail-on
 * can only lower that: an error below the threshold (`--fail-on never`) warns.
 */
function verdictOf(introduced: PatchFinding[], failOn: Severity | 'never'): Verdict {
  if (introduced.length === 0) return 'pass';
  const reaches = (f: PatchFinding) => failOn !== 'never' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn];
  return introduced.some((f) => f.severity === 'error' && reaches(f)) ? 'fail' : 'warn';
}

export function countText(findings: PatchFinding[]): string {
  if (findings.length === 0) return 'no new findings';
  const parts = (['error', 'warning', 'note'] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** A message as one line: the per-line formats must not be split by a stray newline. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Errors of the run that belong to no patch (an unreadable input, a mail without a diff). */
export function runLevelErrors(result: PatchRunResult): InputError[] {
  const own = new Set(result.patches.flatMap((p) => p.errors));
  return result.errors.filter((e) => !own.has(e));
}
