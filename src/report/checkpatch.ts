// `ptelint patch --format checkpatch`: checkpatch.pl's `--terse --showfile` lines, one per finding
// the patch introduces, `FILE:LINE: ERROR|WARNING|CHECK: message [rule-id]`, and nothing else.
// This is what b4 reads from `b4.prep-perpatch-check-cmd` / `b4.am-perpatch-check-cmd`
// (b4 LoreMessage.run_local_check(), src/b4/__init__.py): every stdout line is a finding, `fail`
// when it contains `ERROR:`, a warning otherwise; every stderr line a failure; no output at all
// with exit status 0 is a pass. So a clean patch prints nothing, and input errors go to stderr.

import type { PatchRunResult, Severity } from '../finding.js';
import { findingOrder } from '../result-order.js';
import { oneLine } from './patch-verdict.js';

/** checkpatch's three levels; CHECK is what `--strict` adds, the level of a note. */
const LEVEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARNING', note: 'CHECK' };

export function formatCheckpatchReport(result: PatchRunResult): string {
  return result.findings
    .filter((f) => f.status === 'introduced')
    .sort(findingOrder)
    .map((f) => `${f.file}:${f.line}: ${LEVEL[f.severity]}: ${oneLine(f.message)} [${f.rule}]\n`)
    .join('');
}
