// Hand-made results for the reporter tests: the same shapes for every format, each test file
// choosing only the defaults its expected output spells out.

import type { Finding, PatchFinding, PatchRunResult, RunResult } from '../../src/finding.js';

export function makeFinding(defaults: Partial<Finding>, over: Partial<Finding> = {}): Finding {
  return {
    rule: 'some-rule',
    severity: 'warning',
    file: 'mm/a.c',
    line: 1,
    column: 1,
    function: 'f',
    message: 'm',
    help: 'h',
    fingerprint: 'fp',
    ...defaults,
    ...over,
  };
}

export function makePatchFinding(base: Finding, over: Partial<PatchFinding> = {}): PatchFinding {
  return { ...base, status: 'introduced', partial: false, patch: 1, ...over };
}

export function makeResult(over: Partial<RunResult> = {}): RunResult {
  return { findings: [], errors: [], incomplete: [], summary: { files: 1, functions: 2, findings: 0, durationMs: 7 }, ...over };
}

export function makePatchResult(over: Partial<PatchRunResult> = {}): PatchRunResult {
  return {
    findings: [],
    errors: [],
    incomplete: [],
    patches: [{ input: 'p.patch', index: 1, subject: 's', files: ['mm/a.c'], hunks: 1, errors: [] }],
    summary: { files: 1, functions: 2, findings: 0, durationMs: 7 },
    ...over,
  };
}
