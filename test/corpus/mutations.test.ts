// Mutation tests on real kernel functions (6.12 and 6.1 trees from ../shared/corpus/kernel.sh).
// Each case edits one function of a real mm/ file in memory (test/corpus/mutate.ts: an exact
// snippet that must occur once inside that function) and checks that the rule which guards the
// invariant the edit breaks reports it in that function, at the line of the offending call, while
// the pristine function is clean for that rule and no other rule newly fires there. Kernel text is
// read at test time only; the snippets below are single conditions or call expressions. The
// assertions are those of test/corpus/mutation-harness.ts, shared with the other mutations*.test.ts.

import { describe, expect, test } from 'vitest';
import { analyze, brief, describeMutations, expectAnalyzed, inFunction, pristine, type MutationCase, type Needle, type Version } from './mutation-harness.js';
import { lineAt, lineNear, locateFunction, mutateFunction } from './mutate.js';

const R1 = 'pte-write-grant-unjustified';
const R2 = 'uffd-wp-never-writable';
const R14 = 'redundant-maybe-mkwrite';

// Single-needle cases: the version knob below reads `c.at` as one needle.
const cases: Array<MutationCase & { at: Needle }> = [
  {
    name: '1. remove_migration_pte: pte_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.12',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    name: '2. remove_migration_pte: maybe_mkwrite under the writable migration entry',
    version: '6.12',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'pte_mkwrite(pte, vma)',
    replace: 'maybe_mkwrite(pte, vma)',
    rule: R14,
    at: { needle: 'maybe_mkwrite(' },
    extra: (mutated, _pristine, line) => {
      expect(mutated.filter((f) => f.rule === R1 && f.line === line)).toEqual([]);
    },
  },
  {
    name: '3. remove_migration_pmd: pmd_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'remove_migration_pmd',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'pmd_mkwrite(' },
  },
  {
    name: '4. try_to_migrate_one: writable migration entry from VM_WRITE instead of pte_write(pteval)',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_migrate_one',
    find: 'if (pte_write(pteval))',
    replace: 'if (vma->vm_flags & VM_WRITE)',
    rule: R1,
    at: { needle: 'make_writable_migration_entry(' },
  },
  {
    name: '5. migrate_vma_collect_pmd: MIGRATE_PFN_WRITE without pte_write(pte)',
    version: '6.12',
    file: 'mm/migrate_device.c',
    fn: 'migrate_vma_collect_pmd',
    find: 'mpfn |= pte_write(pte) ? MIGRATE_PFN_WRITE : 0;',
    replace: 'mpfn |= MIGRATE_PFN_WRITE;',
    rule: R1,
    at: { needle: 'mpfn |= MIGRATE_PFN_WRITE' },
  },
  {
    name: '6. change_pte_range: write upgrade from VM_WRITE instead of can_change_pte_writable()',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'change_pte_range',
    find: 'can_change_pte_writable(vma, addr, ptent)',
    replace: '(vma->vm_flags & VM_WRITE)',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
    // can_change_pte_writable() is also the uffd-wp guard of this grant (userfaultfd_pte_wp()
    // inside it), and the same loop sets uffd-wp when MM_CP_UFFD_WP is passed: without it the
    // upgrade can follow pte_mkuffd_wp(), so R2 rightly reports the same call.
    alsoAt: [R2],
  },
  {
    name: '7. do_swap_page: write grant without the !userfaultfd_pte_wp() guard',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'do_swap_page',
    find: '!userfaultfd_pte_wp(vma, pte) &&',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    name: '8. __split_huge_pmd_locked: pte_mkwrite under VM_WRITE instead of the PMD write bit',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: '__split_huge_pmd_locked',
    // `if (write)` occurs twice in the function (migration-entry and present arms): the condition
    // together with the call it guards is the unique snippet.
    find: 'if (write)\n\t\t\tentry = pte_mkwrite(entry, vma);',
    replace: 'if (vma->vm_flags & VM_WRITE)\n\t\t\tentry = pte_mkwrite(entry, vma);',
    rule: R1,
    at: { needle: 'pte_mkwrite(' },
  },
  {
    // The R2 form of mutation 8: grant write after uffd-wp is set. A grant that follows
    // pte_mkuffd_wp() and is justified for R1 can only be guarded by the source write bit, which
    // DESIGN R2 lets the rule assume never coexists with uffd-wp; so the grant must be
    // unjustified and R1 fires on the same call too.
    name: '8b. __split_huge_pmd_locked: write granted right after pte_mkuffd_wp()',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: '__split_huge_pmd_locked',
    find: 'entry = pte_mkuffd_wp(entry);',
    replace: 'entry = pte_mkwrite(pte_mkuffd_wp(entry), vma);',
    rule: R2,
    at: { needle: 'pte_mkwrite(pte_mkuffd_wp(' },
    alsoAt: [R1],
  },
  {
    name: '9. 6.1 do_swap_page: pte_mkuffd_wp() without the following pte_wrprotect()',
    version: '6.1',
    file: 'mm/memory.c',
    fn: 'do_swap_page',
    find: 'pte = pte_wrprotect(pte);',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkuffd_wp(', direction: 'backward' },
  },
  {
    name: '10. 6.1 change_pte_range: uffd_wp arm without pte_wrprotect() before pte_mkuffd_wp()',
    version: '6.1',
    file: 'mm/mprotect.c',
    fn: 'change_pte_range',
    find: 'ptent = pte_wrprotect(ptent);',
    replace: '',
    rule: R2,
    at: { needle: 'pte_mkuffd_wp(' },
  },
  {
    name: '11. 6.1 hugetlb_change_protection: huge_pte_mkuffd_wp() without huge_pte_wrprotect()',
    version: '6.1',
    file: 'mm/hugetlb.c',
    fn: 'hugetlb_change_protection',
    find: 'huge_pte_mkuffd_wp(huge_pte_wrprotect(pte))',
    replace: 'huge_pte_mkuffd_wp(pte)',
    rule: R2,
    at: { needle: 'huge_pte_mkuffd_wp(pte)' },
  },
  {
    name: '12. 6.1 remove_migration_pte: maybe_mkwrite under VM_WRITE instead of the writable migration entry',
    version: '6.1',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'is_writable_migration_entry(entry)',
    replace: 'vma->vm_flags & VM_WRITE',
    rule: R1,
    at: { needle: 'maybe_mkwrite(' },
    extra: (mutated, pristine, line) => {
      // The pristine note is there, and goes away with the source-write check.
      expect(pristine.filter((f) => f.rule === R14).length).toBe(1);
      expect(mutated.filter((f) => f.rule === R14 && f.line === line)).toEqual([]);
    },
  },
];

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

// The default rule set, as a user runs it: off-by-default rules (soft-dirty-spurious-gain,
// readonly-restore-after-mkdirty) report pristine functions on purpose and have their own tests.
describeMutations('mutations of real kernel functions', cases);

describe('version knob', () => {
  // Mutations 9-11 are bugs only because 6.1's *_mkuffd_wp() leaves the write bit alone: the same
  // edited text read with 6.12 semantics (mkuffd_wp clears write) must not report R2 there.
  for (const c of cases.filter((x) => x.version === '6.1' && x.rule === R2)) {
    test(`${c.name}: silent under 6.12 semantics`, () => {
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

  test('6.12: none of the mutated functions has a finding', () => {
    for (const { file, fn } of fns['6.12']) {
      const a = pristine('6.12', file);
      expectAnalyzed(a.result, fn);
      expect(brief(inFunction(a.result.findings, fn)), `${file} ${fn}`).toEqual([]);
    }
  });

  test('6.1: only the redundant-maybe-mkwrite note in remove_migration_pte', () => {
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
