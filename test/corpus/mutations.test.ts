// Mutation tests on real kernel functions (6.12 and 6.1 trees from scripts/kernel-corpus.sh).
// Each case edits one function of a real mm/ file in memory (test/corpus/mutate.ts: an exact
// snippet that must occur once inside that function) and checks that the rule which guards the
// invariant the edit breaks reports it in that function, at the line of the offending call, while
// the pristine function is clean for that rule and no other rule newly fires there. Kernel text is
// read at test time only; the snippets (cases/core.ts) are single conditions or call expressions. The
// assertions are those of test/corpus/mutation-harness.ts, shared with the other mutations*.test.ts.

import { describe, expect, test } from 'vitest';
import { cases, R14, R2, rules } from './cases/core.js';
import { missingKernelTree } from '../inputs.js';
import { analyze, brief, describeMutations, expectAnalyzed, inFunction, pristine, type Version } from './mutation-harness.js';
import { lineAt, lineNear, locateFunction, mutateFunction } from './mutate.js';

describe('mutation helper', () => {
  const text = 'static int\nfoo(int a)\n{\n\treturn bar(a);\n}\n\nint bar(int a);\nint bar(int a)\n{\n\treturn a + a;\n}\n';

  test('locates definitions, not prototypes or calls', () => {
    expect(locateFunction(text, 'foo').line).toBe(2);
    expect(locateFunction(text, 'bar').line).toBe(8);
    expect(() => locateFunction(text, 'baz')).toThrow(/found 0/);
  });

  test('edits exactly one occurrence inside the function, and reports its line', () => {
    const m = mutateFunction(text, 'bar', 'a + a', 'a * 2');
    expect(m.text).toContain('return a * 2;');
    expect(m.line).toBe(10);
    expect(lineNear(m, 'return', 'backward')).toBe(10);
    expect(() => mutateFunction(text, 'foo', 'a + a', 'x')).toThrow(/exactly once.*found 0/);
    expect(() => mutateFunction(text, 'bar', 'a', 'x')).toThrow(/exactly once.*found \d+/);
    expect(lineAt(text, text.indexOf('bar(a)'))).toBe(4);
  });
});

// The default rule set, as a user runs it (cases/core.ts): off-by-default rules
// (soft-dirty-spurious-gain, readonly-restore-after-mkdirty) report pristine functions on purpose
// and have their own tests.
describeMutations('mutations of real kernel functions', cases, { rules });

describe('version knob', () => {
  // Mutations 9-11 are bugs only because 6.1's *_mkuffd_wp() leaves the write bit alone: the same
  // edited text read with 6.12 semantics (mkuffd_wp clears write) must not report R2 there.
  for (const c of cases.filter((x) => x.version === '6.1' && x.rule === R2)) {
    test.skipIf(missingKernelTree(c.version))(`${c.name}: silent under 6.12 semantics`, () => {
      const base = pristine(c.version, c.file);
      const m = mutateFunction(base.text, c.fn, c.find, c.replace);
      const line = lineNear(m, c.at.needle, c.at.direction);
      const result = analyze('6.12', base.path, m.text);
      expectAnalyzed(result, c.fn);
      expect(brief(inFunction(result.findings, c.fn).filter((f) => f.rule === R2 && f.line === line))).toEqual([]);
    });
  }
});

describe('pristine functions', () => {
  const fns: Record<Version, Array<{ file: string; fn: string }>> = { '6.12': [], '6.1': [] };
  for (const c of cases) {
    if (!fns[c.version].some((x) => x.file === c.file && x.fn === c.fn)) fns[c.version].push({ file: c.file, fn: c.fn });
  }

  test.skipIf(missingKernelTree('6.12'))('6.12: none of the mutated functions has a finding', () => {
    for (const { file, fn } of fns['6.12']) {
      const a = pristine('6.12', file);
      expectAnalyzed(a.result, fn);
      expect(brief(inFunction(a.result.findings, fn)), `${file} ${fn}`).toEqual([]);
    }
  });

  test.skipIf(missingKernelTree('6.1'))('6.1: only the redundant-maybe-mkwrite note in remove_migration_pte', () => {
    const got: Array<{ rule: string; file: string; function: string; line: number }> = [];
    for (const { file, fn } of fns['6.1']) {
      const a = pristine('6.1', file);
      expectAnalyzed(a.result, fn);
      for (const f of inFunction(a.result.findings, fn)) got.push({ rule: f.rule, file, function: f.function, line: f.line });
    }
    const migrate = pristine('6.1', 'mm/migrate.c');
    const span = locateFunction(migrate.text, 'remove_migration_pte');
    const body = migrate.text.slice(span.start, span.end);
    expect(body.split('maybe_mkwrite(').length - 1, 'one maybe_mkwrite in 6.1 remove_migration_pte').toBe(1);
    const line = lineAt(migrate.text, span.start + body.indexOf('maybe_mkwrite('));
    expect(got).toEqual([{ rule: R14, file: 'mm/migrate.c', function: 'remove_migration_pte', line }]);
  });
});
