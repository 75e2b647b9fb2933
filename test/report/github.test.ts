import { describe, expect, it } from 'vitest';
import type { Finding, PatchFinding } from '../../src/finding.js';
import { makeFinding, makePatchFinding, makeResult, makePatchResult } from './builders.js';
import { escapeData, escapeProperty, formatGithubReport } from '../../src/report/github.js';

const finding = (over: Partial<Finding> = {}): Finding => makeFinding({ rule: 'some-rule' }, over);
const patchFinding = (over: Partial<PatchFinding> = {}): PatchFinding => makePatchFinding(finding(), over);
const result = makeResult;
const patchResult = makePatchResult;

describe('formatGithubReport (check)', () => {
  it('prints one workflow command per finding, sorted, then errors, then the summary', () => {
    const out = formatGithubReport(
      result({
        findings: [
          finding({ file: 'mm/b.c', line: 3, column: 2, severity: 'note', message: 'third' }),
          finding({ line: 10, column: 5, severity: 'error', rule: 'r-err', message: 'second' }),
          finding({ line: 4, column: 9, message: 'first' }),
        ],
        errors: [{ file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' }],
        summary: { files: 3, functions: 10, findings: 3, durationMs: 42 },
      }),
    );
    expect(out).toBe(
      '::warning file=mm/a.c,line=4,col=9,title=some-rule::first%0Ahelp: h\n' +
        '::error file=mm/a.c,line=10,col=5,title=r-err::second%0Ahelp: h\n' +
        '::notice file=mm/b.c,line=3,col=2,title=some-rule::third%0Ahelp: h\n' +
        '::error file=mm/bin.c::binary file (contains a NUL byte)\n' +
        '3 files, 10 functions, 3 findings (1 error, 1 warning, 1 note) in 42 ms\n',
    );
  });

  it('prints only the summary for a clean run, and counts incomplete functions before it', () => {
    expect(formatGithubReport(result())).toBe('1 file, 2 functions, 0 findings (0 errors, 0 warnings, 0 notes) in 7 ms\n');
    const out = formatGithubReport(result({ incomplete: [{ file: 'mm/a.c', function: 'g', line: 3, reason: 'parse error' }] }));
    expect(out.split('\n')).toEqual([
      'note: 1 function not fully analyzed (--format text --verbose lists them)',
      '1 file, 2 functions, 0 findings (0 errors, 0 warnings, 0 notes) in 7 ms',
      '',
    ]);
  });

  it('escapes data and property values by the workflow-command rules', () => {
    expect(escapeData('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab: c, d');
    expect(escapeProperty('C:\\a,b%c\nd')).toBe('C%3A\\a%2Cb%25c%0Ad');
    const out = formatGithubReport(
      result({
        findings: [finding({ file: 'dir,x/a:b %.c', rule: 'r:1,2', message: 'two\nlines: 50%, ok\r', help: 'use `x`: 100%' })],
        errors: [{ file: 'git:abc,1', message: 'bad\nthing: %' }],
      }),
    );
    const [first, second] = out.split('\n');
    expect(first).toBe('::warning file=dir%2Cx/a%3Ab %25.c,line=1,col=1,title=r%3A1%2C2::two%0Alines: 50%25, ok%0D%0Ahelp: use `x`: 100%25');
    expect(second).toBe('::error file=git%3Aabc%2C1::bad%0Athing: %25');
  });

  it('puts the help on a second line of the annotation (%0A), and nothing when a finding has none', () => {
    const out = formatGithubReport(result({ findings: [finding({ message: 'lost', help: 'carry it' }), finding({ line: 2, message: 'bare', help: '' })] }));
    expect(out.split('\n').slice(0, 2)).toEqual([
      '::warning file=mm/a.c,line=1,col=1,title=some-rule::lost%0Ahelp: carry it',
      '::warning file=mm/a.c,line=2,col=1,title=some-rule::bare',
    ]);
  });

  it('never lets a message break out of its line', () => {
    const out = formatGithubReport(result({ findings: [finding({ message: 'a\n::error::injected', help: '\n::warning::again' })] }));
    expect(out.split('\n')[0]).toBe('::warning file=mm/a.c,line=1,col=1,title=some-rule::a%0A::error::injected%0Ahelp: %0A::warning::again');
    expect(out.split('\n')).toHaveLength(3);
  });
});

describe('formatGithubReport (patch)', () => {
  const findings = [
    patchFinding({ line: 5, status: 'unchanged', message: 'old' }),
    patchFinding({ line: 3, status: 'fixed', severity: 'error', message: 'gone' }),
    patchFinding({ line: 1, status: 'introduced', severity: 'error', message: 'new', partial: true }),
  ];

  it('annotates introduced findings at their severity and fixed ones as notices; unchanged only with --all', () => {
    const r = patchResult({ findings, errors: [{ file: 'p.patch', message: 'line 9, mm/a.c, hunk 2: malformed hunk' }] });
    expect(formatGithubReport(r)).toBe(
      '::error file=mm/a.c,line=1,col=1,title=some-rule::new%0Ahelp: h\n' +
        '::notice file=mm/a.c,line=3,col=1,title=some-rule::this patch resolves: gone\n' +
        '::error file=p.patch::line 9, mm/a.c, hunk 2: malformed hunk\n' +
        '1 patch, 1 file, 1 introduced, 1 fixed in 7 ms\n',
    );
    expect(formatGithubReport(r, { all: true })).toBe(
      '::error file=mm/a.c,line=1,col=1,title=some-rule::new%0Ahelp: h\n' +
        '::notice file=mm/a.c,line=3,col=1,title=some-rule::this patch resolves: gone\n' +
        '::warning file=mm/a.c,line=5,col=1,title=some-rule::old%0Ahelp: h\n' +
        '::error file=p.patch::line 9, mm/a.c, hunk 2: malformed hunk\n' +
        '1 patch, 1 file, 1 introduced, 1 fixed in 7 ms\n',
    );
  });

  it('pluralizes the summary and is deterministic whatever the input order', () => {
    const r = patchResult({
      findings,
      patches: [...patchResult().patches, { input: 'q.patch', index: 2, subject: 't', files: [], hunks: 0, errors: [] }],
      summary: { files: 2, functions: 3, findings: 3, durationMs: 1 },
    });
    const out = formatGithubReport(r, { all: true });
    expect(out.endsWith('2 patches, 2 files, 1 introduced, 1 fixed in 1 ms\n')).toBe(true);
    expect(formatGithubReport({ ...r, findings: [...findings].reverse() }, { all: true })).toBe(out);
    expect(findings.map((f) => f.line)).toEqual([5, 3, 1]);
  });
});
