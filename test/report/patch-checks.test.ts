// The per-patch check reporters on hand-made results: the verdict against --fail-on, the count
// summary, Patchwork's 255-character description, checkpatch's one line per introduced finding.

import { describe, expect, it } from 'vitest';
import type { PatchFinding } from '../../src/finding.js';
import { formatB4Report } from '../../src/report/b4.js';
import { formatCheckpatchReport } from '../../src/report/checkpatch.js';
import { countText, patchVerdicts } from '../../src/report/patch-verdict.js';
import { DESCRIPTION_MAX, formatPatchworkReport, truncate } from '../../src/report/patchwork.js';
import { makeFinding, makePatchFinding, makePatchResult } from './builders.js';

const f = (over: Partial<PatchFinding>): PatchFinding => makePatchFinding(makeFinding({ rule: 'r' }), over);

describe('patchVerdicts', () => {
  const findings = [f({ severity: 'error', line: 9 }), f({ severity: 'warning', line: 3 }), f({ severity: 'note', status: 'fixed' }), f({ severity: 'error', status: 'unchanged' })];
  it('counts what the patch introduces, worst first', () => {
    const [v] = patchVerdicts(makePatchResult({ findings }), 'warning');
    expect(v.summary).toBe('1 error, 1 warning');
    expect(v.verdict).toBe('fail');
    expect(v.introduced.map((x) => x.line)).toEqual([3, 9]);
    expect(v.fixed).toHaveLength(1);
  });
  it('an error fails only when it reaches --fail-on; warnings and notes warn', () => {
    expect(patchVerdicts(makePatchResult({ findings }), 'never')[0].verdict).toBe('warn');
    expect(patchVerdicts(makePatchResult({ findings: [f({ severity: 'warning' })] }), 'note')[0].verdict).toBe('warn');
    expect(patchVerdicts(makePatchResult({ findings: [f({ status: 'unchanged' })] }), 'note')[0].verdict).toBe('pass');
  });
  it('says "no new findings" when nothing is introduced', () => {
    expect(countText([])).toBe('no new findings');
    expect(countText([f({ severity: 'note' }), f({ severity: 'note' })])).toBe('2 notes');
  });
});

describe('formatCheckpatchReport', () => {
  it('one line per introduced finding, ERROR/WARNING/CHECK, newlines in a message folded', () => {
    const out = formatCheckpatchReport(
      makePatchResult({
        findings: [f({ severity: 'note', line: 2, message: 'a\nb' }), f({ severity: 'error', line: 1 }), f({ severity: 'warning', line: 3 }), f({ status: 'fixed' })],
      }),
    );
    expect(out).toBe('mm/a.c:1: ERROR: m [r]\nmm/a.c:2: CHECK: a b [r]\nmm/a.c:3: WARNING: m [r]\n');
  });
  it('prints nothing for a clean patch', () => {
    expect(formatCheckpatchReport(makePatchResult())).toBe('');
  });
});

describe('formatB4Report', () => {
  it('a patch with an input error is not a pass', () => {
    const error = { file: 'p.patch', message: 'mm/a.c hunk 1: does not apply' };
    const result = makePatchResult({ errors: [error] });
    result.patches[0].errors.push(error);
    const [obj] = JSON.parse(formatB4Report(result, 'warning'));
    expect(obj).toEqual({ tool: 'ptelint', status: 'warn', summary: 'no new findings; 1 input error', url: '', details: 'p.patch: error: mm/a.c hunk 1: does not apply' });
  });
});

describe('Patchwork description', () => {
  it('is cut to 255 characters, at a code point, with an ellipsis', () => {
    const many = Array.from({ length: 40 }, (_, i) => f({ severity: 'error', line: i + 1, rule: 'pte-write-grant-unjustified' }));
    const [entry] = JSON.parse(formatPatchworkReport(makePatchResult({ findings: many }), 'warning'));
    expect(entry.check.description.length).toBe(DESCRIPTION_MAX);
    expect(entry.check.description.startsWith('40 errors: mm/a.c:1 pte-write-grant-unjustified; mm/a.c:2 ')).toBe(true);
    expect(entry.check.description.endsWith('…')).toBe(true);
    const astral = '\u{1F600}'.repeat(10);
    const cut = truncate(astral, 6);
    expect(cut).toBe('\u{1F600}\u{1F600}…');
  });
});

describe('formatB4Report, errors of the whole input', () => {
  it('an input without any patch answers with one fail object naming the reason', () => {
    const result = makePatchResult({ patches: [], errors: [{ file: '-', message: 'no diff found in standard input' }] });
    expect(JSON.parse(formatB4Report(result, 'warning'))).toEqual([
      { tool: 'ptelint', status: 'fail', summary: 'not analyzed: no usable patch', url: '', details: '-: error: no diff found in standard input' },
    ]);
  });
  it('an error of the input beside a clean patch turns its pass into a warning that says why', () => {
    const result = makePatchResult({ errors: [{ file: 's.mbox', message: 'mail 3 of s.mbox ("[PATCH 2/2] x") has no diff' }] });
    const [obj] = JSON.parse(formatB4Report(result, 'warning'));
    expect(obj.status).toBe('warn');
    expect(obj.details).toContain('has no diff');
  });
});
