// Mutation tests for write-upgrade-predicate-complete (R12) and readonly-restore-after-mkdirty
// (R15) on real kernel functions (6.12 and 6.1 trees from ../shared/corpus/kernel.sh), in the
// manner of test/corpus/mutations.test.ts: each case edits one function of a real mm/ file in
// memory, the pristine function is silent for the rule, the mutated one reports it where the
// broken invariant shows (R12: the `return` that can now yield true without the dropped check,
// which is the edited line when the edit is in the return; R15: the *_mkdirty() left without a
// write-protect after it), and no other rule newly fires there. Kernel text is read at test time
// only; the snippets below are single conditions or statements.

import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { allRules } from '../../rules/index.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type MutationCase, type Result, type Version } from './mutation-harness.js';

const R12 = 'write-upgrade-predicate-complete';
const R13 = 'softdirty-tracking-predicate';
const R15 = 'readonly-restore-after-mkdirty';

// The rule fires at exactly the `at` lines (`exact`), each message naming the missing check
// (`message`); other rules listed in `mayAlsoFire` may rightly fire on the edit too (not required).
const cases: MutationCase[] = [
  {
    name: 'R12-1. can_change_pte_writable: uffd-wp condition edited away',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'if (userfaultfd_pte_wp(vma, pte))',
    replace: 'if (pte_none(pte))',
    rule: R12,
    exact: true,
    // Both returns (private and shared) can now make a uffd-wp'd PTE writable.
    at: [{ needle: 'return page && PageAnon(page)' }, { needle: 'return pte_dirty(pte);' }],
    message: /userfaultfd_pte_wp/,
  },
  {
    name: 'R12-2. can_change_pte_writable: pte_protnone() check dropped',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: '\tif (pte_protnone(pte))\n\t\treturn false;\n',
    replace: '',
    rule: R12,
    exact: true,
    at: [{ needle: 'return page && PageAnon(page)' }, { needle: 'return pte_dirty(pte);' }],
    message: /pte_protnone/,
  },
  {
    name: 'R12-3. can_change_pte_writable: PageAnonExclusive() requirement dropped',
    version: '6.12',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'return page && PageAnon(page) && PageAnonExclusive(page);',
    replace: 'return page && PageAnon(page);',
    rule: R12,
    exact: true,
    at: [{ needle: 'return page && PageAnon(page);', direction: 'forward' }],
    message: /PageAnonExclusive/,
  },
  {
    name: 'R12-4. can_follow_write_pte: exclusivity check dropped (Dirty COW shape)',
    version: '6.12',
    file: 'mm/gup.c',
    fn: 'can_follow_write_pte',
    find: 'if (!page || !PageAnon(page) || !PageAnonExclusive(page))',
    replace: 'if (!page || !PageAnon(page))',
    rule: R12,
    exact: true,
    at: [{ needle: 'return !userfaultfd_pte_wp(vma, pte);' }],
    message: /PageAnonExclusive/,
  },
  {
    name: 'R12-5. can_change_pmd_writable: shared path without pmd_dirty()',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'can_change_pmd_writable',
    find: 'return pmd_dirty(pmd);',
    replace: 'return true;',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /pmd_dirty/,
  },
  {
    name: 'R12-6. 6.1 can_follow_write_pmd: uffd-wp check dropped',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'can_follow_write_pmd',
    find: 'return !userfaultfd_huge_pmd_wp(vma, pmd);',
    replace: 'return true;',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /userfaultfd_huge_pmd_wp/,
  },
  {
    name: 'R12-7. 6.1 can_change_pte_writable: raw VM_SOFTDIRTY test (the 76aefad628aa bug)',
    version: '6.1',
    file: 'mm/mprotect.c',
    fn: 'can_change_pte_writable',
    find: 'if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))',
    replace: 'if ((vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))',
    rule: R12,
    exact: true,
    at: [{ needle: 'return true;' }],
    message: /soft-dirty/,
    mayAlsoFire: [R13],
  },
  {
    name: 'R15-1. 6.1 remove_migration_pte: sparc64 else pte_wrprotect() removed',
    version: '6.1',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: '\t\telse\n\t\t\tpte = pte_wrprotect(pte);\n',
    replace: '',
    rule: R15,
    exact: true,
    legacyArch: true,
    at: [{ needle: 'pte_mkdirty(', direction: 'backward' }],
    message: /pte_wrprotect/,
  },
  {
    name: 'R15-2. 6.1 remove_migration_pmd: sparc64 else pmd_wrprotect() removed',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'remove_migration_pmd',
    find: '\telse\n\t\tpmde = pmd_wrprotect(pmde);\n',
    replace: '',
    rule: R15,
    exact: true,
    legacyArch: true,
    at: [{ needle: 'pmd_mkdirty(', direction: 'backward' }],
    message: /pmd_wrprotect/,
  },
];

// The whole catalogue: R15 is off by default, and it runs here (with --legacy-arch per case) as
// every other rule does when "no other rule newly fires" is checked.
const rules = allRules;

describeMutations('write-upgrade and legacy-arch mutations of real kernel functions', cases, { rules });

describe('readonly-restore-after-mkdirty on pristine trees', () => {
  const r15 = (result: Result): string[] =>
    result.findings.filter((f) => f.rule === R15).map((f) => `${path.basename(f.file)} ${f.function}`);

  test('6.1 with --legacy-arch: remove_migration_pte and remove_migration_pmd are silent (§9 A13)', () => {
    for (const [file, fn] of [['mm/migrate.c', 'remove_migration_pte'], ['mm/huge_memory.c', 'remove_migration_pmd']]) {
      const a = pristine('6.1', file, { rules, legacyArch: true });
      expectAnalyzed(a.result, fn);
      expect(r15(a.result), file).toEqual([]);
    }
  });

  test('6.12: silent without --legacy-arch, the three documented restores with it', () => {
    const files = ['mm/migrate.c', 'mm/huge_memory.c'];
    expect(files.flatMap((f) => r15(pristine('6.12', f, { rules, legacyArch: false }).result))).toEqual([]);
    expect(files.flatMap((f) => r15(pristine('6.12', f, { rules, legacyArch: true }).result)).sort()).toEqual([
      'huge_memory.c __split_huge_pmd_locked',
      'huge_memory.c remove_migration_pmd',
      'migrate.c remove_migration_pte',
    ]);
  });
});

describe('write-upgrade-predicate-complete on the pristine predicates (DESIGN R12 TN)', () => {
  const tn: Array<[Version, string, string]> = [
    ['6.12', 'mm/mprotect.c', 'can_change_pte_writable'],
    ['6.12', 'mm/huge_memory.c', 'can_change_pmd_writable'],
    ['6.12', 'mm/gup.c', 'can_follow_write_pte'],
    ['6.12', 'mm/gup.c', 'can_follow_write_pmd'],
    ['6.12', 'mm/memory.c', 'do_swap_page'],
    ['6.1', 'mm/mprotect.c', 'can_change_pte_writable'],
    ['6.1', 'mm/gup.c', 'can_follow_write_pte'],
    ['6.1', 'mm/huge_memory.c', 'can_follow_write_pmd'],
  ];
  for (const [version, file, fn] of tn) {
    test(`${version} ${file} ${fn}`, () => {
      const a = pristine(version, file, { rules, legacyArch: false });
      expectAnalyzed(a.result, fn);
      expect(brief(inFunction(a.result.findings, fn).filter((f) => f.rule === R12))).toEqual([]);
    });
  }
});
