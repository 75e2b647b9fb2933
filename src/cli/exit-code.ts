// Results -> exit status (docs/architecture.md, "Errors"): 0 clean, 1 findings at or above --fail-on,
// 2 unusable input or usage.

import type { PatchRunResult, RunResult } from '../finding.js';
import { SEVERITY_RANK } from '../finding.js';
import type { FailOn } from './options.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(result: RunResult, failOn: FailOn): number {
  // Some unreadable files among many readable ones still make a meaningful run (their errors are
  // printed); only a run with nothing at all to analyze cannot vouch for anything.
  if (result.errors.length > 0 && result.summary.files === 0) return EXIT_USAGE;
  if (failOn === 'never') return EXIT_CLEAN;
  const threshold = SEVERITY_RANK[failOn];
  // A finding in the baseline is known and accepted: it never fails the run.
  return result.findings.some((f) => f.baseline !== true && SEVERITY_RANK[f.severity] >= threshold) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Patch mode: only what a patch introduces gates (issue "Patch review"); no patch at all is 2. */
export function exitCodeForPatch(result: PatchRunResult, failOn: FailOn): number {
  // Nothing analyzed and something refused: the run cannot vouch for anything.
  if (result.patches.length === 0 || (result.summary.files === 0 && result.errors.length > 0)) return EXIT_USAGE;
  if (failOn === 'never') return EXIT_CLEAN;
  const threshold = SEVERITY_RANK[failOn];
  if (result.findings.some((f) => f.status === 'introduced' && SEVERITY_RANK[f.severity] >= threshold)) return EXIT_FINDINGS;
  // A function the patch leaves unparsable can hide anything: it gates like an introduced warning.
  return threshold <= SEVERITY_RANK.warning && result.incomplete.some((i) => i.introduced) ? EXIT_FINDINGS : EXIT_CLEAN;
}
