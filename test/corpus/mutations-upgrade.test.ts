// Mutation tests for write-upgrade-predicate-complete (R12) and readonly-restore-after-mkdirty
// (R15) on real kernel functions (6.12 and 6.1 trees from scripts/kernel-corpus.sh), in the
// manner of test/corpus/mutations.test.ts: each case edits one function of a real mm/ file in
// memory, the pristine function is silent for the rule, the mutated one reports it where the
// broken invariant shows (R12: the `return` that can now yield true without the dropped check,
// which is the edited line when the edit is in the return; R15: the *_mkdirty() left without a
// write-protect after it), and no other rule newly fires there. Kernel text is read at test time
// only; the snippets (cases/upgrade.ts) are single conditions or statements.

import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cases, R12, R15, rules } from './cases/upgrade.js';
import { missingKernelTree } from '../inputs.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type Result, type Version } from './mutation-harness.js';

// The whole catalogue (cases/upgrade.ts): R15 is off by default and runs with --legacy-arch per case.
describeMutations('write-upgrade and legacy-arch mutations of real kernel functions', cases, { rules });

describe('readonly-restore-after-mkdirty on pristine trees', () => {
  const r15 = (result: Result): string[] =>
    result.findings.filter((f) => f.rule === R15).map((f) => `${path.basename(f.file)} ${f.function}`);

  test.skipIf(missingKernelTree('6.1'))('6.1 with --legacy-arch: remove_migration_pte and remove_migration_pmd are silent (the uffd-wp arm is out of scope)', () => {
    for (const [file, fn] of [['mm/migrate.c', 'remove_migration_pte'], ['mm/huge_memory.c', 'remove_migration_pmd']]) {
      const a = pristine('6.1', file, { rules, legacyArch: true });
      expectAnalyzed(a.result, fn);
      expect(r15(a.result), file).toEqual([]);
    }
  });

  test.skipIf(missingKernelTree('6.12'))('6.12: silent without --legacy-arch, the three documented restores with it', () => {
    const files = ['mm/migrate.c', 'mm/huge_memory.c'];
    expect(files.flatMap((f) => r15(pristine('6.12', f, { rules, legacyArch: false }).result))).toEqual([]);
    expect(files.flatMap((f) => r15(pristine('6.12', f, { rules, legacyArch: true }).result)).sort()).toEqual([
      'huge_memory.c __split_huge_pmd_locked',
      'huge_memory.c remove_migration_pmd',
      'migrate.c remove_migration_pte',
    ]);
  });
});

describe('write-upgrade-predicate-complete on the pristine predicates (docs/invariants.md#write-upgrade-predicate-complete)', () => {
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
    test.skipIf(missingKernelTree(version))(`${version} ${file} ${fn}`, () => {
      const a = pristine(version, file, { rules, legacyArch: false });
      expectAnalyzed(a.result, fn);
      expect(brief(inFunction(a.result.findings, fn).filter((f) => f.rule === R12))).toEqual([]);
    });
  }
});
