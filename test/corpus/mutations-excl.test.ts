// Mutation tests for the PG_anon_exclusive rules (R9 swp-exclusive-decode, R10
// unmap-exclusive-pairing, R10b try-share-result-checked) on real kernel functions (6.12 and 6.1
// trees from scripts/kernel-corpus.sh). Each case edits one function in memory
// (test/corpus/mutate.ts) and checks that the pristine function is silent for the rule, the
// mutated one reports it at the expected line, and no other rule newly fires there. Kernel text
// is read at test time only; the snippets (cases/excl.ts) are single conditions or statements.

import { describe, expect, test } from 'vitest';
import { cases, R10, R10B, R9, rules } from './cases/excl.js';
import { missingKernelTree } from '../inputs.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type Version } from './mutation-harness.js';

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('PG_anon_exclusive mutations of real kernel functions', cases, { rules });

describe('PG_anon_exclusive rules on pristine must-not-flag functions', () => {
  const tn: Record<Version, Array<{ file: string; fns: string[] }>> = {
    '6.12': [
      { file: 'mm/memory.c', fns: ['do_swap_page', 'restore_exclusive_pte', 'do_wp_page', 'copy_present_ptes', 'copy_nonpresent_pte'] },
      { file: 'mm/swapfile.c', fns: ['unuse_pte'] },
      { file: 'mm/migrate.c', fns: ['remove_migration_pte'] },
      { file: 'mm/huge_memory.c', fns: ['remove_migration_pmd', '__split_huge_pmd_locked', 'set_pmd_migration_entry', 'copy_huge_pmd'] },
      { file: 'mm/rmap.c', fns: ['try_to_unmap_one', 'try_to_migrate_one', 'page_make_device_exclusive_one'] },
      { file: 'mm/migrate_device.c', fns: ['migrate_vma_collect_pmd'] },
      { file: 'mm/ksm.c', fns: ['write_protect_page'] },
      { file: 'mm/hugetlb.c', fns: ['copy_hugetlb_page_range'] },
      { file: 'mm/userfaultfd.c', fns: ['move_present_pte'] },
    ],
    '6.1': [
      { file: 'mm/memory.c', fns: ['do_swap_page', 'restore_exclusive_pte', 'do_wp_page', 'copy_present_pte', 'copy_nonpresent_pte'] },
      { file: 'mm/swapfile.c', fns: ['unuse_pte'] },
      { file: 'mm/migrate.c', fns: ['remove_migration_pte'] },
      { file: 'mm/huge_memory.c', fns: ['remove_migration_pmd', '__split_huge_pmd_locked', 'set_pmd_migration_entry', 'copy_huge_pmd'] },
      { file: 'mm/rmap.c', fns: ['try_to_unmap_one', 'try_to_migrate_one', 'page_make_device_exclusive_one'] },
      { file: 'mm/migrate_device.c', fns: ['migrate_vma_collect_pmd'] },
      { file: 'mm/ksm.c', fns: ['write_protect_page'] },
      { file: 'mm/hugetlb.c', fns: ['copy_hugetlb_page_range'] },
    ],
  };
  for (const version of ['6.12', '6.1'] as const) {
    test.skipIf(missingKernelTree(version))(`${version}: silent`, () => {
      for (const { file, fns } of tn[version]) {
        const a = pristine(version, file, { rules });
        for (const fn of fns) {
          expectAnalyzed(a.result, fn);
          const mine = inFunction(a.result.findings, fn).filter((f) => f.rule === R9 || f.rule === R10 || f.rule === R10B);
          expect(brief(mine), `${version} ${fn}`).toEqual([]);
        }
      }
    });
  }
});
