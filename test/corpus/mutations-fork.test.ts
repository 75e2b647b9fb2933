// Mutation tests for the fork-copy rules (R7 cow-copy-wrprotect, R8 fork-exclusive-clear) on real
// kernel functions (6.12 and 6.1 trees from ../shared/corpus/kernel.sh), modelled on
// mutations.test.ts. Each case edits one fork-copy function in memory (an exact snippet that must
// occur once inside it) and checks that the rule reports it in that function at the line of the
// surviving half of the pairing (or the narrowed guard), while the pristine function is clean for
// that rule and no other rule newly fires there. Kernel text is read at test time only.

import { describe, expect, test } from 'vitest';
import { allRules } from '../../rules/index.js';
import { brief, describeMutations, expectAnalyzed, inFunction, pristine, type MutationCase, type Version } from './mutation-harness.js';

const R7 = 'cow-copy-wrprotect';
const R8 = 'fork-exclusive-clear';

const cases: MutationCase[] = [
  // R7: the parent's in-place write-protect without the child's value write-protect, and back.
  {
    name: 'R7 6.12 __copy_present_ptes: wrprotect_ptes() dropped (parent stays writable)',
    version: '6.12',
    file: 'mm/memory.c',
    fn: '__copy_present_ptes',
    find: 'wrprotect_ptes(src_mm, addr, src_pte, nr);',
    replace: ';',
    rule: R7,
    at: { needle: 'pte_wrprotect(' },
  },
  {
    name: 'R7 6.12 __copy_present_ptes: pte_wrprotect() dropped (child writable)',
    version: '6.12',
    file: 'mm/memory.c',
    fn: '__copy_present_ptes',
    find: 'pte = pte_wrprotect(pte);',
    replace: ';',
    rule: R7,
    at: { needle: 'wrprotect_ptes(', direction: 'backward' },
  },
  {
    name: 'R7 6.1 copy_present_pte: ptep_set_wrprotect() dropped',
    version: '6.1',
    file: 'mm/memory.c',
    fn: 'copy_present_pte',
    find: 'ptep_set_wrprotect(src_mm, addr, src_pte);',
    replace: ';',
    rule: R7,
    at: { needle: 'pte_wrprotect(' },
  },
  {
    name: 'R7 6.12 copy_huge_pmd: pmd_wrprotect() dropped',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pmd',
    find: 'pmd = pmd_wrprotect(pmd);',
    replace: ';',
    rule: R7,
    at: { needle: 'pmdp_set_wrprotect(', direction: 'backward' },
  },
  {
    name: 'R7 6.1 copy_huge_pmd: pmd_wrprotect() dropped',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pmd',
    find: 'pmd_mkold(pmd_wrprotect(pmd))',
    replace: 'pmd_mkold(pmd)',
    rule: R7,
    at: { needle: 'pmdp_set_wrprotect(', direction: 'backward' },
  },
  {
    name: 'R7 6.1 copy_huge_pud: pudp_set_wrprotect() dropped',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pud',
    find: 'pudp_set_wrprotect(src_mm, addr, src_pud);',
    replace: ';',
    rule: R7,
    at: { needle: 'pud_wrprotect(' },
  },
  {
    name: 'R7 6.12 copy_hugetlb_page_range: huge_pte_wrprotect() dropped',
    version: '6.12',
    file: 'mm/hugetlb.c',
    fn: 'copy_hugetlb_page_range',
    find: 'entry = huge_pte_wrprotect(entry);',
    replace: ';',
    rule: R7,
    at: { needle: 'huge_ptep_set_wrprotect(', direction: 'backward' },
  },
  {
    name: 'R7 6.1 copy_hugetlb_page_range: huge_ptep_set_wrprotect() dropped',
    version: '6.1',
    file: 'mm/hugetlb.c',
    fn: 'copy_hugetlb_page_range',
    find: 'huge_ptep_set_wrprotect(src, addr, src_pte);',
    replace: ';',
    rule: R7,
    at: { needle: 'huge_pte_wrprotect(' },
  },
  {
    name: 'R7 6.12 copy_huge_pud: the whole COW write-protect block dropped (neither side)',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pud',
    find: 'if (is_cow_mapping(vma->vm_flags) && pud_write(pud)) {\n\t\tpudp_set_wrprotect(src_mm, addr, src_pud);\n\t\tpud = pud_wrprotect(pud);\n\t}\n',
    replace: '',
    rule: R7,
    at: { needle: 'set_pud_at(' },
  },
  // R8: exclusivity left in parent or child.
  {
    name: 'R8 6.12 copy_nonpresent_pte: downgrade only for WRITE (READ_EXCLUSIVE stays exclusive)',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: '!is_readable_migration_entry(entry)',
    replace: 'is_writable_migration_entry(entry)',
    rule: R8,
    at: { needle: 'is_writable_migration_entry(' },
  },
  {
    name: 'R8 6.12 copy_nonpresent_pte: pte_swp_clear_exclusive() dropped',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: 'pte_swp_clear_exclusive(orig_pte)',
    replace: 'orig_pte',
    rule: R8,
    at: { needle: 'set_pte_at(src_mm' },
  },
  {
    name: 'R8 6.12 copy_nonpresent_pte: child installs the original entry',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: 'pte = pte_swp_clear_uffd_wp(pte);\n\tset_pte_at(dst_mm, addr, dst_pte, pte);',
    replace: 'orig_pte = pte_swp_clear_uffd_wp(orig_pte);\n\tset_pte_at(dst_mm, addr, dst_pte, orig_pte);',
    rule: R8,
    at: { needle: 'set_pte_at(dst_mm' },
  },
  {
    name: 'R8 6.12 copy_huge_pmd: downgrade only for WRITE',
    version: '6.12',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pmd',
    find: '!is_readable_migration_entry(entry)',
    replace: 'is_writable_migration_entry(entry)',
    rule: R8,
    at: { needle: 'is_writable_migration_entry(' },
  },
  {
    name: 'R8 6.12 copy_hugetlb_page_range: downgrade only for WRITE',
    version: '6.12',
    file: 'mm/hugetlb.c',
    fn: 'copy_hugetlb_page_range',
    find: '!is_readable_migration_entry(swp_entry)',
    replace: 'is_writable_migration_entry(swp_entry)',
    rule: R8,
    at: { needle: 'is_writable_migration_entry(' },
  },
  {
    name: 'R8 6.1 copy_nonpresent_pte: pte_swp_clear_exclusive() dropped',
    version: '6.1',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: 'pte = pte_swp_clear_exclusive(*src_pte);',
    replace: 'pte = *src_pte;',
    rule: R8,
    at: { needle: 'set_pte_at(src_mm' },
  },
  {
    name: 'R8 6.1 copy_huge_pmd: downgrade only for WRITE',
    version: '6.1',
    file: 'mm/huge_memory.c',
    fn: 'copy_huge_pmd',
    find: '!is_readable_migration_entry(entry)',
    replace: 'is_writable_migration_entry(entry)',
    rule: R8,
    at: { needle: 'is_writable_migration_entry(' },
  },
  {
    name: 'R8 6.12 copy_nonpresent_pte: device-private arm without the readable downgrade',
    version: '6.12',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: 'entry = make_readable_device_private_entry(',
    replace: 'entry = make_writable_device_private_entry(',
    rule: R8,
    at: { needle: 'is_device_private_entry(entry)', direction: 'backward' },
  },
  {
    name: 'R8 6.1 copy_nonpresent_pte: downgrade only for WRITE',
    version: '6.1',
    file: 'mm/memory.c',
    fn: 'copy_nonpresent_pte',
    find: '!is_readable_migration_entry(entry)',
    replace: 'is_writable_migration_entry(entry)',
    rule: R8,
    at: { needle: 'is_writable_migration_entry(' },
  },
];

// The whole catalogue, off-by-default rules included: none of them may newly fire either.
describeMutations('fork-copy mutations of real kernel functions', cases, { rules: allRules });

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
    test(`${version}: no ${R7} / ${R8} finding in the fork-copy functions`, () => {
      for (const { file, fn } of tn[version]) {
        const a = pristine(version, file, { rules: allRules });
        expectAnalyzed(a.result, fn);
        const got = inFunction(a.result.findings, fn).filter((f) => f.rule === R7 || f.rule === R8);
        expect(brief(got), `${file} ${fn}`).toEqual([]);
      }
    });
  }
});
