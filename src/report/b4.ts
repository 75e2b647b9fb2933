// `ptelint patch --format b4`: the JSON that b4's review checks read from an external
// `b4.review-perpatch-check-cmd` (b4 _run_external_cmd(), src/b4/review/checks.py): a list of
// `{tool, status, summary, url, details}` objects, `status` one of pass|warn|fail, `details`
// multi-line text for the detail view (docs/maintainer/review.rst, "Writing an external check
// script"). One object per patch of the input; b4 pipes one patch mail, so one object.

import type { InputError, PatchFinding, PatchRunResult, Severity } from '../finding.js';
import { errorOrder } from '../result-order.js';
import type { PatchVerdict } from './patch-verdict.js';
import { oneLine, patchVerdicts, runLevelErrors } from './patch-verdict.js';

export interface B4CheckResult {
  tool: string;
  status: 'pass' | 'warn' | 'fail';
  summary: string;
  url: string;
  details: string;
}

export const B4_TOOL = 'ptelint';

export function formatB4Report(result: PatchRunResult, failOn: Severity | 'never'): string {
  // Errors of the input as a whole (a mail of the series without its diff) concern every patch.
  const loose = runLevelErrors(result);
  const objects = patchVerdicts(result, failOn).map((v) => checkResult({ ...v, errors: [...v.errors, ...loose] }));
  // An input that gave no patch at all (unreadable, no diff) still answers: b4 shows the reason.
  if (objects.length === 0) {
    objects.push({ tool: B4_TOOL, status: 'fail', summary: 'not analyzed: no usable patch', url: '', details: errorLines(loose).join('\n') });
  }
  return JSON.stringify(objects, null, 2) + '\n';
}

function checkResult(v: PatchVerdict): B4CheckResult {
  const details = [
    ...v.introduced.flatMap(findingLines),
    ...v.fixed.map((f) => `${f.file}:${f.line}: resolved by this patch: ${oneLine(f.message)} [${f.rule}]`),
    ...errorLines(v.errors),
  ];
  // A patch ptelint could only partly analyze is not a pass: say so, as a warning.
  const status = v.verdict === 'pass' && v.errors.length > 0 ? 'warn' : v.verdict;
  const summary = v.errors.length > 0 ? `${v.summary}; ${v.errors.length} input error${v.errors.length === 1 ? '' : 's'}` : v.summary;
  return { tool: B4_TOOL, status, summary, url: '', details: details.join('\n') };
}

function findingLines(f: PatchFinding): string[] {
  const lines = [`${f.file}:${f.line}: ${f.severity}: ${oneLine(f.message)} [${f.rule}]`];
  if (f.help) lines.push(`  help: ${oneLine(f.help)}`);
  if (f.partial) lines.push('  (function rebuilt from the hunks alone)');
  return lines;
}

function errorLines(errors: InputError[]): string[] {
  return [...errors].sort(errorOrder).map((e) => `${e.file}: error: ${oneLine(e.message)}`);
}
