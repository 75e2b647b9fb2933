// Mutation tests for the fork-copy rules (R7 cow-copy-wrprotect, R8 fork-exclusive-clear) on real
// kernel functions (6.12 and 6.1 trees from scripts/kernel-corpus.sh), modelled on
// mutations.test.ts. Each case edits one fork-copy function in memory (an exact snippet that must
// occur once inside it) and checks that the rule reports it in that function at the line of the
// surviving half of the pairing (or the narrowed guard), while the pristine function is clean for
// that rule and no other rule newly fires there. Kernel text is read at test time only; the cases
// are in cases/fork.ts.

import { describe, expect, test } from 'vitest';
import { cases, R7, R8, rules } from './cases/fork.js';
import { missingKernelTree } from '../inputs.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type Version } from './mutation-harness.js';

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('fork-copy mutations of real kernel functions', cases, { rules });

describe('fork-copy functions are clean in the pristine trees', () => {
  const tn: Record<Version, Array<{ file: string; fn: string }>> = {
    '6.12': [
      { file: 'mm/memory.c', fn: '__copy_present_ptes' },
      { file: 'mm/memory.c', fn: 'copy_present_ptes' },
      { file: 'mm/memory.c', fn: 'copy_present_page' },
      { file: 'mm/memory.c', fn: 'copy_nonpresent_pte' },
      { file: 'mm/huge_memory.c', fn: 'copy_huge_pmd' },
      { file: 'mm/huge_memory.c', fn: 'copy_huge_pud' },
      { file: 'mm/hugetlb.c', fn: 'copy_hugetlb_page_range' },
      { file: 'mm/hugetlb.c', fn: 'hugetlb_install_folio' },
    ],
    '6.1': [
      { file: 'mm/memory.c', fn: 'copy_present_pte' },
      { file: 'mm/memory.c', fn: 'copy_present_page' },
      { file: 'mm/memory.c', fn: 'copy_nonpresent_pte' },
      { file: 'mm/huge_memory.c', fn: 'copy_huge_pmd' },
      { file: 'mm/huge_memory.c', fn: 'copy_huge_pud' },
      { file: 'mm/hugetlb.c', fn: 'copy_hugetlb_page_range' },
      { file: 'mm/hugetlb.c', fn: 'hugetlb_install_page' },
    ],
  };
  for (const version of ['6.12', '6.1'] as Version[]) {
    test.skipIf(missingKernelTree(version))(`${version}: no ${R7} / ${R8} finding in the fork-copy functions`, () => {
      for (const { file, fn } of tn[version]) {
        const a = pristine(version, file, { rules });
        expectAnalyzed(a.result, fn);
        const got = inFunction(a.result.findings, fn).filter((f) => f.rule === R7 || f.rule === R8);
        expect(brief(got), `${file} ${fn}`).toEqual([]);
      }
    });
  }
});
