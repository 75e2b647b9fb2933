import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/finding.js';
import { makeFinding, makeResult } from './builders.js';
import { formatJsonReport } from '../../src/report/json.js';

const finding = (over: Partial<Finding> = {}): Finding => makeFinding({ rule: 'r', help: 'not in the JSON' }, over);
const result = makeResult;

describe('formatJsonReport', () => {
  it('prints exactly the version 1 contract', () => {
    const json = formatJsonReport(
      result({
        findings: [finding({ severity: 'error', line: 4, column: 9, fingerprint: 'abc123' })],
        errors: [{ file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' }],
        incomplete: [{ file: 'mm/a.c', function: 'g', line: 20, reason: 'parse error' }],
        summary: { files: 3, functions: 10, findings: 1, durationMs: 42 },
      }),
    );
    expect(json).toBe(`{
  "version": 1,
  "findings": [
    {
      "rule": "r",
      "severity": "error",
      "file": "mm/a.c",
      "line": 4,
      "column": 9,
      "function": "f",
      "message": "m",
      "fingerprint": "abc123"
    }
  ],
  "errors": [
    {
      "file": "mm/bin.c",
      "message": "binary file (contains a NUL byte)"
    }
  ],
  "incomplete": [
    {
      "file": "mm/a.c",
      "function": "g",
      "line": 20,
      "reason": "parse error"
    }
  ],
  "summary": {
    "files": 3,
    "functions": 10,
    "findings": 1
  }
}
`);
  });

  it('keeps the key order even when the input objects are built in another order, and drops unknown fields', () => {
    const shuffled = {
      fingerprint: 'fp',
      help: 'h',
      status: 'introduced',
      message: 'm',
      function: 'f',
      column: 2,
      line: 1,
      file: 'mm/a.c',
      severity: 'note',
      rule: 'r',
    } as Finding;
    const parsed = JSON.parse(formatJsonReport(result({ findings: [shuffled] })));
    expect(Object.keys(parsed)).toEqual(['version', 'findings', 'errors', 'incomplete', 'summary']);
    expect(Object.keys(parsed.findings[0])).toEqual(['rule', 'severity', 'file', 'line', 'column', 'function', 'message', 'fingerprint']);
    expect(Object.keys(parsed.summary)).toEqual(['files', 'functions', 'findings']);
  });

  it('has the run duration only with timing (--timing), last in the summary', () => {
    const timed = JSON.parse(formatJsonReport(result({ summary: { files: 1, functions: 2, findings: 0, durationMs: 42, baseline: 0 } }), { timing: true }));
    expect(timed.summary).toEqual({ files: 1, functions: 2, findings: 0, baseline: 0, durationMs: 42 });
    const untimed = formatJsonReport(result({ summary: { files: 1, functions: 2, findings: 0, durationMs: 42 } }));
    expect(untimed).not.toContain('durationMs');
    expect(untimed).toBe(formatJsonReport(result({ summary: { files: 1, functions: 2, findings: 0, durationMs: 7 } })));
  });

  it('sorts findings by file, line, column, rule; errors by file; incomplete by file, line', () => {
    const findings = [
      finding({ file: 'mm/b.c', line: 1 }),
      finding({ file: 'mm/a.c', line: 10 }),
      finding({ file: 'mm/a.c', line: 2, column: 5 }),
      finding({ file: 'mm/a.c', line: 2, column: 5, rule: 'a' }),
      finding({ file: 'mm/a.c', line: 2, column: 1 }),
    ];
    const errors = [
      { file: 'z.c', message: 'x' },
      { file: 'a.c', message: 'x' },
    ];
    const incomplete = [
      { file: 'b.c', function: 'f', line: 1, reason: 'r' },
      { file: 'a.c', function: 'f', line: 30, reason: 'r' },
      { file: 'a.c', function: 'f', line: 4, reason: 'r' },
    ];
    const parsed = JSON.parse(formatJsonReport(result({ findings, errors, incomplete })));
    expect(parsed.findings.map((f: Finding) => `${f.file}:${f.line}:${f.column}:${f.rule}`)).toEqual([
      'mm/a.c:2:1:r',
      'mm/a.c:2:5:a',
      'mm/a.c:2:5:r',
      'mm/a.c:10:1:r',
      'mm/b.c:1:1:r',
    ]);
    expect(parsed.errors.map((e: { file: string }) => e.file)).toEqual(['a.c', 'z.c']);
    expect(parsed.incomplete.map((i: { file: string; line: number }) => `${i.file}:${i.line}`)).toEqual(['a.c:4', 'a.c:30', 'b.c:1']);
  });

  it('gives the same bytes whatever order the results arrive in', () => {
    const findings = [
      finding({ file: 'mm/a.c', fingerprint: 'x' }),
      finding({ file: 'mm/a.c', fingerprint: 'y' }),
      finding({ file: 'mm/a.c', function: 'e' }),
      finding({ file: 'mm/c.c', severity: 'error' }),
    ];
    const errors = [
      { file: 'a.c', message: 'two' },
      { file: 'a.c', message: 'one' },
    ];
    const one = formatJsonReport(result({ findings, errors }));
    const two = formatJsonReport(result({ findings: [...findings].reverse(), errors: [...errors].reverse() }));
    expect(two).toBe(one);
  });

  it('does not reorder the caller arrays', () => {
    const findings = [finding({ file: 'b.c' }), finding({ file: 'a.c' })];
    formatJsonReport(result({ findings }));
    expect(findings.map((f) => f.file)).toEqual(['b.c', 'a.c']);
  });

  it('prints empty arrays and ends with a newline', () => {
    const json = formatJsonReport(result());
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('"findings": [],');
    expect(json).not.toContain('help');
  });
});
