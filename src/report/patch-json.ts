// JSON for `ptelint patch`: the `version: 1` contract of `check` plus, per finding, `status`,
// `partial`, `patch` and `input` (where the line sits in the mail), and a `patches` array.

import type { PatchFinding, PatchReport, PatchRunResult } from '../finding.js';
import { errorOrder, findingOrder, incompleteOrder } from '../result-order.js';
import { errorObject, findingObject as baseFindingObject, incompleteObject, summaryObject, type JsonOptions } from './json.js';

export function formatPatchJsonReport(result: PatchRunResult, options: JsonOptions = {}): string {
  const report = {
    version: 1,
    findings: [...result.findings].sort(findingOrder).map(findingObject),
    errors: [...result.errors].sort(errorOrder).map(errorObject),
    incomplete: [...result.incomplete].sort(incompleteOrder).map(incompleteObject),
    patches: result.patches.map(patchObject),
    summary: summaryObject(result.summary, options),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

function findingObject(f: PatchFinding) {
  return {
    ...baseFindingObject(f),
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
    ...(p.kernelVersion ? { kernelVersion: p.kernelVersion } : {}),
    ...(p.sources ? { sources: p.sources } : {}),
    errors: p.errors.map(errorObject),
  };
}
