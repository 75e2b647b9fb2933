// JSON for `ptelint patch`: the `version: 1` contract of `check` plus, per finding, `status`,
// `partial`, `patch` and `input` (where the line sits in the mail), and a `patches` array.

import type { PatchFinding, PatchReport, PatchRunResult } from '../finding.js';
import { errorOrder, findingOrder, incompleteOrder } from './order.js';

export function formatPatchJsonReport(result: PatchRunResult): string {
  const report = {
    version: 1,
    findings: [...result.findings].sort(findingOrder).map(findingObject),
    errors: [...result.errors].sort(errorOrder).map((e) => ({ file: e.file, message: e.message })),
    incomplete: [...result.incomplete].sort(incompleteOrder).map((i) => ({ file: i.file, function: i.function, line: i.line, reason: i.reason })),
    patches: result.patches.map(patchObject),
    summary: {
      files: result.summary.files,
      functions: result.summary.functions,
      findings: result.summary.findings,
      durationMs: result.summary.durationMs,
    },
  };
  return JSON.stringify(report, null, 2) + '\n';
}

function findingObject(f: PatchFinding) {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    function: f.function,
    message: f.message,
    fingerprint: f.fingerprint,
    status: f.status,
    partial: f.partial,
    patch: f.patch,
    input: f.input ?? null,
  };
}

function patchObject(p: PatchReport) {
  return {
    input: p.input,
    index: p.index,
    subject: p.subject,
    ...(p.commit ? { commit: p.commit } : {}),
    files: p.files,
    hunks: p.hunks,
    errors: p.errors.map((e) => ({ file: e.file, message: e.message })),
  };
}
