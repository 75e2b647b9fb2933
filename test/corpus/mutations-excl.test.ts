// Mutation tests for the PG_anon_exclusive rules (R9 swp-exclusive-decode, R10
// unmap-exclusive-pairing, R10b try-share-result-checked) on real kernel functions (6.12 and 6.1
// trees from ../shared/corpus/kernel.sh). Each case edits one function in memory
// (test/corpus/mutate.ts) and checks that the pristine function is silent for the rule, the
// mutated one reports it at the expected line, and no other rule newly fires there. Kernel text
// is read at test time only; the snippets below are single conditions or statements.

import { describe, expect, test } from 'vitest';
import { allRules } from '../../rules/index.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type MutationCase, type Version } from './mutation-harness.js';

const R9 = 'swp-exclusive-decode';
const R10 = 'unmap-exclusive-pairing';
const R10B = 'try-share-result-checked';

const cases: MutationCase[] = [
  {
    name: 'R9 unuse_pte: RMAP_EXCLUSIVE without pte_swp_exclusive(old_pte)',
    version: '6.12',
    file: 'mm/swapfile.c',
    fn: 'unuse_pte',
    find: 'if (pte_swp_exclusive(old_pte))',
    replace: 'if (1)',
    rule: R9,
    at: { needle: 'RMAP_EXCLUSIVE', direction: 'forward' },
  },
  {
    name: 'R9 remove_migration_pte: RMAP_EXCLUSIVE without !is_readable_migration_entry(entry)',
    version: '6.12',
    file: 'mm/migrate.c',
    fn: 'remove_migration_pte',
    find: 'folio_test_anon(folio) && !is_readable_migration_entry(entry)',
    replace: 'folio_test_anon(folio)',
    rule: R9,
    at: { needle: 'rmap_flags |= RMAP_EXCLUSIVE', direction: 'forward' },
  },
  {
    name: 'R9 6.1 unuse_pte: RMAP_EXCLUSIVE without pte_swp_exclusive(*pte)',
    version: '6.1',
    file: 'mm/swapfile.c',
    fn: 'unuse_pte',
    find: 'if (pte_swp_exclusive(*pte))',
    replace: 'if (PageAnon(page))',
    rule: R9,
    at: { needle: 'RMAP_EXCLUSIVE', direction: 'forward' },
  },
  {
    name: 'R9 do_swap_page: RMAP_EXCLUSIVE for any swap-cache folio instead of a refcount of 1',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'do_swap_page',
    find: '(exclusive || folio_ref_count(folio) == 1)',
    replace: '(exclusive || folio_test_swapcache(folio))',
    rule: R9,
    at: { needle: 'rmap_flags |= RMAP_EXCLUSIVE', direction: 'forward' },
  },
  {
    name: 'R9 remove_migration_pmd: RMAP_EXCLUSIVE for every migration entry',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'remove_migration_pmd',
    find: 'if (!is_readable_migration_entry(entry))',
    replace: 'if (is_migration_entry(entry))',
    rule: R9,
    at: { needle: 'rmap_flags |= RMAP_EXCLUSIVE', direction: 'forward' },
  },
  {
    name: 'R10 6.1 try_to_migrate_one: readable instead of readable-exclusive migration entry',
    version: '6.1',
    file: 'mm/rmap.c',
    fn: 'try_to_migrate_one',
    find: 'entry = make_readable_exclusive_migration_entry(\n\t\t\t\t\t\t\tpage_to_pfn(subpage));',
    replace: 'entry = make_readable_migration_entry(\n\t\t\t\t\t\t\tpage_to_pfn(subpage));',
    rule: R10,
    at: { needle: 'set_huge_pte_at(mm, address, pvmw.pte, swp_pte', direction: 'forward' },
  },
  {
    name: 'R10 try_to_unmap_one: swap PTE without pte_swp_mkexclusive()',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_unmap_one',
    find: 'swp_pte = pte_swp_mkexclusive(swp_pte);',
    replace: ';',
    rule: R10,
    at: { needle: 'set_pte_at(mm, address, pvmw.pte, swp_pte)', direction: 'forward' },
  },
  {
    name: 'R10 try_to_unmap_one: swap PTE marked exclusive unconditionally',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_unmap_one',
    find: 'if (anon_exclusive)\n\t\t\t\tswp_pte = pte_swp_mkexclusive(swp_pte);',
    replace: 'if (folio_test_anon(folio))\n\t\t\t\tswp_pte = pte_swp_mkexclusive(swp_pte);',
    rule: R10,
    at: { needle: 'pte_swp_mkexclusive(', direction: 'forward' },
  },
  {
    name: 'R10 try_to_migrate_one: readable instead of readable-exclusive migration entry',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_migrate_one',
    find: 'entry = make_readable_exclusive_migration_entry(\n\t\t\t\t\t\t\tpage_to_pfn(subpage));',
    replace: 'entry = make_readable_migration_entry(\n\t\t\t\t\t\t\tpage_to_pfn(subpage));',
    rule: R10,
    at: { needle: 'set_huge_pte_at(mm, address, pvmw.pte, swp_pte', direction: 'forward' },
  },
  {
    name: 'R10 set_pmd_migration_entry: readable instead of readable-exclusive migration entry',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'set_pmd_migration_entry',
    find: 'make_readable_exclusive_migration_entry(page_to_pfn(page))',
    replace: 'make_readable_migration_entry(page_to_pfn(page))',
    rule: R10,
    at: { needle: 'set_pmd_at(mm, address, pvmw->pmd, pmdswp)', direction: 'forward' },
  },
  {
    name: 'R10 set_pmd_migration_entry: try-share before pmdp_invalidate()',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'set_pmd_migration_entry',
    find: 'pmdval = pmdp_invalidate(vma, address, pvmw->pmd);',
    replace: 'pmdval = pmdp_get(pvmw->pmd);',
    rule: R10,
    at: { needle: 'anon_exclusive && folio_try_share_anon_rmap_pmd(', direction: 'forward' },
  },
  {
    name: 'R10 6.1 try_to_unmap_one: swap PTE without pte_swp_mkexclusive()',
    version: '6.1',
    file: 'mm/rmap.c',
    fn: 'try_to_unmap_one',
    find: 'swp_pte = pte_swp_mkexclusive(swp_pte);',
    replace: ';',
    rule: R10,
    at: { needle: 'set_pte_at(mm, address, pvmw.pte, swp_pte)', direction: 'forward' },
  },
  {
    name: 'R10b try_to_unmap_one: share failure without restoring pteval',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_unmap_one',
    find: 'folio_try_share_anon_rmap_pte(folio, subpage)) {\n\t\t\t\tswap_free(entry);\n\t\t\t\tset_pte_at(mm, address, pvmw.pte, pteval);\n',
    replace: 'folio_try_share_anon_rmap_pte(folio, subpage)) {\n\t\t\t\tswap_free(entry);\n',
    rule: R10B,
    at: { needle: 'folio_try_share_anon_rmap_pte(', direction: 'forward' },
  },
  {
    name: 'R10b try_to_unmap_one: share result ignored',
    version: '6.12',
    file: 'mm/rmap.c',
    fn: 'try_to_unmap_one',
    find: 'if (anon_exclusive &&\n\t\t\t    folio_try_share_anon_rmap_pte(folio, subpage)) {',
    replace: 'if (anon_exclusive)\n\t\t\t\tfolio_try_share_anon_rmap_pte(folio, subpage);\n\t\t\tif (0) {',
    rule: R10B,
    at: { needle: 'folio_try_share_anon_rmap_pte(', direction: 'forward' },
  },
  {
    name: 'R10b set_pmd_migration_entry: share failure without restoring pmdval',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'set_pmd_migration_entry',
    find: '\t\tset_pmd_at(mm, address, pvmw->pmd, pmdval);\n\t\treturn -EBUSY;',
    replace: '\t\treturn -EBUSY;',
    rule: R10B,
    at: { needle: 'folio_try_share_anon_rmap_pmd(', direction: 'backward' },
  },
  {
    name: 'R10b 6.1 set_pmd_migration_entry: page_try_share_anon_rmap() failure without restore',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'set_pmd_migration_entry',
    find: '\t\tset_pmd_at(mm, address, pvmw->pmd, pmdval);\n\t\treturn -EBUSY;',
    replace: '\t\treturn -EBUSY;',
    rule: R10B,
    at: { needle: 'page_try_share_anon_rmap(', direction: 'backward' },
  },
  {
    name: 'R10b 6.1 migrate_vma_collect_pmd: page_try_share_anon_rmap() failure does not abort',
    version: '6.1',
    file: 'mm/migrate_device.c',
    fn: 'migrate_vma_collect_pmd',
    find: '\t\t\t\t\tmpfn = 0;\n\t\t\t\t\tgoto next;\n',
    replace: '',
    rule: R10B,
    at: { needle: 'page_try_share_anon_rmap(', direction: 'backward' },
  },
  {
    name: 'R10b copy_huge_pmd: try-dup failure falls through',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pmd',
    find: '\t\treturn -EAGAIN;\n\t}\n\tadd_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);',
    replace: '\t}\n\tadd_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);',
    rule: R10B,
    at: { needle: 'folio_try_dup_anon_rmap_pmd(', direction: 'backward' },
  },
];

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('PG_anon_exclusive mutations of real kernel functions', cases, { rules: allRules });

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
    test(`${version}: silent`, () => {
      for (const { file, fns } of tn[version]) {
        const a = pristine(version, file, { rules: allRules });
        for (const fn of fns) {
          expectAnalyzed(a.result, fn);
          const mine = inFunction(a.result.findings, fn).filter((f) => f.rule === R9 || f.rule === R10 || f.rule === R10B);
          expect(brief(mine), `${version} ${fn}`).toEqual([]);
        }
      }
    });
  }
});
