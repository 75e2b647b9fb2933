import { describe, expect, it } from 'vitest';
import type { Finding, RunResult } from '../../src/finding.js';
import { shouldUseColor } from '../../src/report/color.js';
import { displayOffset, expandTabs } from '../../src/report/code-frame.js';
import { formatSummary, formatTextErrors, formatTextFindings, formatTextFooter } from '../../src/report/text.js';

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'batched-restore-without-wrprotect',
    severity: 'warning',
    file: 'mm/rmap.c',
    line: 3,
    column: 2,
    function: 'try_to_unmap_one',
    message: 'merged PTE restored without pte_wrprotect()',
    help: 'apply pte_wrprotect() to the merged value before set_ptes()',
    fingerprint: 'fp1',
    ...over,
  };
}

function result(over: Partial<RunResult> = {}): RunResult {
  return {
    findings: [],
    errors: [],
    incomplete: [],
    summary: { files: 2, functions: 5, findings: 0, durationMs: 12.4 },
    ...over,
  };
}

const SOURCE: Record<string, string[]> = {
  'mm/rmap.c': ['static void f(void)', '{', '\tset_ptes(mm, addr, ptep, pte, nr);', '\t\tif (x)\tfoo();', '}'],
};
const sourceLine = (file: string, line: number) => SOURCE[file]?.[line - 1];
const ANSI = /\u001b\[/;

describe('formatTextFindings', () => {
  it('prints the compiler-style header, the code frame and the help line', () => {
    const text = formatTextFindings([finding()], { color: false, sourceLine });
    expect(text).toBe(
      'mm/rmap.c:3:2: warning: merged PTE restored without pte_wrprotect() [batched-restore-without-wrprotect]\n' +
        ' 3 |         set_ptes(mm, addr, ptep, pte, nr);\n' +
        '   |         ^\n' +
        '  = help: apply pte_wrprotect() to the merged value before set_ptes()\n' +
        '\n',
    );
  });

  it('puts the caret under the reported token after a tab in the middle of the line', () => {
    // Columns count characters: \t \t i f ' ' ( x ) \t f -> `foo` is column 10.
    const text = formatTextFindings([finding({ line: 4, column: 10 })], { color: false, sourceLine });
    const [, sourceRow, caretRow] = text.split('\n');
    expect(sourceRow).not.toContain('\t');
    expect(caretRow.indexOf('^')).toBe(sourceRow.indexOf('foo'));
    // Two tabs (16) + "if (x)" (22) -> next tab stop 24, after the 5-character gutter " 4 | ".
    expect(sourceRow.indexOf('foo')).toBe(' 4 | '.length + 24);
  });

  it('omits the code frame when the line is not available, and the help line when empty', () => {
    const text = formatTextFindings([finding({ file: 'gone.c', help: '' })], { color: false, sourceLine });
    expect(text).toBe('gone.c:3:2: warning: merged PTE restored without pte_wrprotect() [batched-restore-without-wrprotect]\n\n');
  });

  it('sorts findings by file, line, column, rule whatever the input order', () => {
    const a = finding({ file: 'mm/a.c', line: 9, rule: 'z' });
    const b = finding({ file: 'mm/b.c', line: 1, rule: 'a' });
    const c = finding({ file: 'mm/a.c', line: 9, rule: 'a' });
    const headers = (fs: Finding[]) =>
      formatTextFindings(fs, { color: false, sourceLine: () => undefined })
        .split('\n')
        .filter((l) => l.includes(': warning: '));
    expect(headers([a, b, c])).toEqual(headers([b, c, a]));
    expect(headers([a, b, c]).map((h) => h.slice(0, h.indexOf(':', 8)) + h.slice(h.lastIndexOf(' ')))).toEqual([
      'mm/a.c:9 [a]',
      'mm/a.c:9 [z]',
      'mm/b.c:1 [a]',
    ]);
  });

  it('colours the severity and dims the rule id only when asked', () => {
    const plain = formatTextFindings([finding({ severity: 'error' })], { color: false, sourceLine });
    expect(plain).not.toMatch(ANSI);
    const coloured = formatTextFindings([finding({ severity: 'error' })], { color: true, sourceLine });
    expect(coloured).toContain('\u001b[31m');
    expect(coloured).toContain('\u001b[2m[batched-restore-without-wrprotect]\u001b[22m');
    expect(formatTextFindings([finding({ severity: 'note' })], { color: true, sourceLine })).toContain('\u001b[36m');
    expect(formatTextFindings([finding({ severity: 'warning' })], { color: true, sourceLine })).toContain('\u001b[33m');
  });

  it('never lets escape sequences from the source reach the terminal', () => {
    const text = formatTextFindings([finding({ line: 1 })], {
      color: false,
      sourceLine: () => 'x = 1; /* \u001b[2J */',
    });
    expect(text).not.toMatch(ANSI);
  });
});

describe('code frame arithmetic', () => {
  it('expands tabs to the next multiple of 8', () => {
    expect(expandTabs('\tx')).toBe('        x');
    expect(expandTabs('abc\tx')).toBe('abc     x');
    expect(expandTabs('abcdefgh\tx')).toBe('abcdefgh        x');
    expect(expandTabs('a\r')).toBe('a');
  });

  it('maps a 1-based character column to a display offset', () => {
    expect(displayOffset('abc', 1)).toBe(0);
    expect(displayOffset('\tx', 2)).toBe(8);
    expect(displayOffset('ab\tx', 4)).toBe(8);
    expect(displayOffset('ab', 5)).toBe(4);
    expect(displayOffset('é\tx', 3)).toBe(8);
  });
});

describe('formatTextErrors', () => {
  it('prints path: error: message, sorted by path', () => {
    const text = formatTextErrors(
      [
        { file: 'mm/z.c', message: 'binary file (contains a NUL byte)' },
        { file: 'mm/a.c', message: 'not valid UTF-8 (first bad byte on line 2)' },
      ],
      { color: false },
    );
    expect(text).toBe('mm/a.c: error: not valid UTF-8 (first bad byte on line 2)\nmm/z.c: error: binary file (contains a NUL byte)\n');
  });
});

describe('formatTextFooter', () => {
  const incomplete = [
    { file: 'mm/b.c', function: 'g', line: 7, reason: 'parse error at line 9' },
    { file: 'mm/a.c', function: 'f', line: 3, reason: 'unbalanced #if' },
  ];

  it('counts incomplete functions unless verbose', () => {
    const text = formatTextFooter(result({ incomplete }), { color: false, verbose: false });
    expect(text).toBe(
      'note: 2 functions not fully analyzed (--verbose lists them)\n' +
        '2 files, 5 functions, 0 findings (0 errors, 0 warnings, 0 notes) in 12 ms\n',
    );
  });

  it('lists incomplete functions sorted by file and line when verbose', () => {
    const text = formatTextFooter(result({ incomplete }), { color: false, verbose: true });
    expect(text.split('\n').slice(0, 2)).toEqual([
      "mm/a.c:3: note: function 'f' not fully analyzed: unbalanced #if",
      "mm/b.c:7: note: function 'g' not fully analyzed: parse error at line 9",
    ]);
  });

  it('prints only the summary line when everything was analyzed', () => {
    expect(formatTextFooter(result(), { color: false, verbose: true })).toBe(
      '2 files, 5 functions, 0 findings (0 errors, 0 warnings, 0 notes) in 12 ms\n',
    );
  });
});

describe('formatSummary', () => {
  it('counts findings by severity and uses singulars', () => {
    const findings = [finding({ severity: 'error' }), finding({ severity: 'warning' }), finding({ severity: 'note' })];
    expect(formatSummary({ files: 1, functions: 1, findings: 3, durationMs: 1 }, findings)).toBe(
      '1 file, 1 function, 3 findings (1 error, 1 warning, 1 note) in 1 ms',
    );
  });
});

describe('shouldUseColor', () => {
  it('colours a TTY only', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });

  it('honours NO_COLOR when it is non-empty', () => {
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('does not colour a dumb terminal', () => {
    expect(shouldUseColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
