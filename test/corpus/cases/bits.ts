// The case table of test/corpus/mutations-bits.test.ts (R3 uffd-wp-propagate, R5
// soft-dirty-propagate, soft-dirty-spurious-gain), in a module of its own so that other tests
// (test/patch-mode/mutation-patches.test.ts) replay the same edits. The table is written as `Case`s
// (with the words the message must contain) and exported adapted to MutationCase by asMutation().
// Kernel text is read at test time only.

import { expect } from 'vitest';
import { allRules } from '../../../rules/index.js';
import type { Rule } from '../../../src/engine/define-rule.js';
import type { MutationCase, Needle } from '../mutation-harness.js';

export const R3 = 'uffd-wp-propagate';
export const R5 = 'soft-dirty-propagate';
export const GAIN = 'soft-dirty-spurious-gain';

interface Case extends Pick<MutationCase, 'name' | 'version' | 'file' | 'fn' | 'find' | 'replace' | 'rule'> {
  /** Where it must fire: one place. */
  at: Needle;
  /** Words the message must contain: the direction and the source entry. */
  says: string[];
}

/** Exactly one finding of the rule at the line, naming the direction and the source entry. */
function asMutation(c: Case): MutationCase {
  return {
    ...c,
    extra: (after, _pristine, line) => {
      const hits = after.filter((f) => f.rule === c.rule && f.line === line);
      expect(hits.length, `one ${c.rule} at line ${line}`).toBe(1);
      for (const word of c.says) expect(hits[0].message).toContain(word);
    },
  };
}

const dropLine = (text: string): { find: string; replace: string } => ({ find: text, replace: '' });

const table: Case[] = [
  // --- encode split on the old entry's kind: one arm loses its carry, the other keeps its own
  {
    name: 'try_to_unmap_one: present arm without pte_swp_mkuffd_wp() (the non-present arm keeps its own)',
    version: '6.12', file: 'mm/rmap.c', fn: 'try_to_unmap_one',
    ...dropLine('if (pte_uffd_wp(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);'),
    rule: R3, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  {
    name: 'try_to_unmap_one: present arm without pte_swp_mksoft_dirty() (the non-present arm keeps its own)',
    version: '6.12', file: 'mm/rmap.c', fn: 'try_to_unmap_one',
    ...dropLine('if (pte_soft_dirty(pteval))\n\t\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);'),
    rule: R5, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  {
    name: 'migrate_vma_collect_pmd: non-present arm without pte_swp_mkuffd_wp() (the present arm keeps its own)',
    version: '6.12', file: 'mm/migrate_device.c', fn: 'migrate_vma_collect_pmd',
    ...dropLine('if (pte_swp_uffd_wp(pte))\n\t\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);'),
    rule: R3, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'pte'],
  },
  // --- encode: present -> migration entry
  {
    name: 'try_to_migrate_one: no pte_swp_mkuffd_wp() for a uffd-wp PTE',
    version: '6.12', file: 'mm/rmap.c', fn: 'try_to_migrate_one',
    ...dropLine('if (pte_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);'),
    rule: R3, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  {
    name: 'try_to_migrate_one: no pte_swp_mksoft_dirty() for a soft-dirty PTE',
    version: '6.12', file: 'mm/rmap.c', fn: 'try_to_migrate_one',
    ...dropLine('if (pte_soft_dirty(pteval))\n\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);'),
    rule: R5, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  {
    name: 'set_pmd_migration_entry: no pmd_swp_mkuffd_wp()',
    version: '6.12', file: 'mm/huge_memory.c', fn: 'set_pmd_migration_entry',
    ...dropLine('if (pmd_uffd_wp(pmdval))\n\t\tpmdswp = pmd_swp_mkuffd_wp(pmdswp);'),
    rule: R3, at: { needle: 'pmdswp = swp_entry_to_pmd(', direction: 'backward' }, says: ['encode', 'pmdval', 'pmd_swp_mkuffd_wp'],
  },
  {
    name: 'set_pmd_migration_entry: no pmd_swp_mksoft_dirty()',
    version: '6.12', file: 'mm/huge_memory.c', fn: 'set_pmd_migration_entry',
    ...dropLine('if (pmd_soft_dirty(pmdval))\n\t\tpmdswp = pmd_swp_mksoft_dirty(pmdswp);'),
    rule: R5, at: { needle: 'pmdswp = swp_entry_to_pmd(', direction: 'backward' }, says: ['encode', 'pmdval'],
  },
  // --- decode: migration / swap entry -> present
  {
    name: 'remove_migration_pte: no pte_mkuffd_wp() in the else-if arm',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('else if (pte_swp_uffd_wp(old_pte))\n\t\t\tpte = pte_mkuffd_wp(pte);'),
    rule: R3, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'old_pte'],
  },
  {
    name: 'remove_migration_pte: soft-dirty neither set nor cleared',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('if (pte_swp_soft_dirty(old_pte))\n\t\t\tpte = pte_mksoft_dirty(pte);\n\t\telse\n\t\t\tpte = pte_clear_soft_dirty(pte);'),
    rule: R5, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'old_pte'],
  },
  {
    name: 'remove_migration_pte: device-private rebuild without pte_swp_mksoft_dirty()',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('if (pte_swp_soft_dirty(old_pte))\n\t\t\t\tpte = pte_swp_mksoft_dirty(pte);'),
    rule: R5, at: { needle: 'pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'old_pte'],
  },
  {
    name: 'remove_migration_pte: device-private rebuild without pte_swp_mkuffd_wp()',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('if (pte_swp_uffd_wp(old_pte))\n\t\t\t\tpte = pte_swp_mkuffd_wp(pte);'),
    rule: R3, at: { needle: 'pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'old_pte'],
  },
  {
    name: 'do_swap_page: no pte_mkuffd_wp() for a uffd-wp swap PTE',
    version: '6.12', file: 'mm/memory.c', fn: 'do_swap_page',
    ...dropLine('if (pte_swp_uffd_wp(vmf->orig_pte))\n\t\tpte = pte_mkuffd_wp(pte);'),
    rule: R3, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'vmf->orig_pte'],
  },
  {
    name: 'do_swap_page: no pte_mksoft_dirty() for a soft-dirty swap PTE',
    version: '6.12', file: 'mm/memory.c', fn: 'do_swap_page',
    ...dropLine('if (pte_swp_soft_dirty(vmf->orig_pte))\n\t\tpte = pte_mksoft_dirty(pte);'),
    rule: R5, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'vmf->orig_pte'],
  },
  {
    name: 'unuse_pte: no pte_mkuffd_wp() on swapoff',
    version: '6.12', file: 'mm/swapfile.c', fn: 'unuse_pte',
    ...dropLine('if (pte_swp_uffd_wp(old_pte))\n\t\tnew_pte = pte_mkuffd_wp(new_pte);'),
    rule: R3, at: { needle: 'new_pte = pte_mkold(mk_pte(', direction: 'backward' }, says: ['decode', 'old_pte'],
  },
  // --- rebuild: swap entry -> swap entry
  {
    name: 'change_pte_range: device-private downgrade without the uffd-wp carry',
    version: '6.12', file: 'mm/mprotect.c', fn: 'change_pte_range',
    find: 'newpte = swp_entry_to_pte(entry);\n\t\t\t\tif (pte_swp_uffd_wp(oldpte))\n\t\t\t\t\tnewpte = pte_swp_mkuffd_wp(newpte);',
    replace: 'newpte = swp_entry_to_pte(entry);',
    rule: R3, at: { needle: 'newpte = swp_entry_to_pte(' }, says: ['rebuild', 'oldpte'],
  },
  {
    name: 'change_pte_range: writable migration downgrade without the soft-dirty carry',
    version: '6.12', file: 'mm/mprotect.c', fn: 'change_pte_range',
    find: 'newpte = swp_entry_to_pte(entry);\n\t\t\t\tif (pte_swp_soft_dirty(oldpte))\n\t\t\t\t\tnewpte = pte_swp_mksoft_dirty(newpte);\n\t\t\t} else if (is_writable_device_private_entry(entry)) {',
    replace: 'newpte = swp_entry_to_pte(entry);\n\t\t\t} else if (is_writable_device_private_entry(entry)) {',
    rule: R5, at: { needle: 'newpte = swp_entry_to_pte(' }, says: ['rebuild', 'oldpte'],
  },
  {
    name: 'copy_nonpresent_pte: migration downgrade on fork without the uffd-wp carry',
    version: '6.12', file: 'mm/memory.c', fn: 'copy_nonpresent_pte',
    find: 'pte = pte_swp_mksoft_dirty(pte);\n\t\t\tif (pte_swp_uffd_wp(orig_pte))\n\t\t\t\tpte = pte_swp_mkuffd_wp(pte);',
    replace: 'pte = pte_swp_mksoft_dirty(pte);',
    rule: R3, at: { needle: 'pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'orig_pte'],
  },
  {
    name: 'copy_nonpresent_pte: migration downgrade on fork without the soft-dirty carry',
    version: '6.12', file: 'mm/memory.c', fn: 'copy_nonpresent_pte',
    ...dropLine('if (pte_swp_soft_dirty(orig_pte))\n\t\t\t\tpte = pte_swp_mksoft_dirty(pte);'),
    rule: R5, at: { needle: 'pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'orig_pte'],
  },
  // --- split: PMD -> PTEs, through the booleans
  {
    name: '__split_huge_pmd_locked: migration arm without the uffd_wp boolean',
    version: '6.12', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (uffd_wp)\n\t\t\t\tentry = pte_swp_mkuffd_wp(entry);'),
    rule: R3, at: { needle: 'entry = swp_entry_to_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  {
    name: '__split_huge_pmd_locked: present arm without the uffd_wp boolean',
    version: '6.12', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (uffd_wp)\n\t\t\tentry = pte_mkuffd_wp(entry);'),
    rule: R3, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  {
    name: '__split_huge_pmd_locked: migration arm without the soft_dirty boolean',
    version: '6.12', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (soft_dirty)\n\t\t\t\tentry = pte_swp_mksoft_dirty(entry);'),
    rule: R5, at: { needle: 'entry = swp_entry_to_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  {
    name: '__split_huge_pmd_locked: present arm without the soft_dirty boolean',
    version: '6.12', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (soft_dirty)\n\t\t\tentry = pte_mksoft_dirty(entry);'),
    rule: R5, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  // --- unshare: COW copy of a read-only page (wp_page_copy() and hugetlb_wp() carry both bits)
  {
    name: 'wp_page_copy: unshare copy without pte_mkuffd_wp()',
    version: '6.12', file: 'mm/memory.c', fn: 'wp_page_copy',
    ...dropLine('if (pte_uffd_wp(vmf->orig_pte))\n\t\t\t\tentry = pte_mkuffd_wp(entry);'),
    rule: R3, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['unshare', 'vmf->orig_pte'],
  },
  {
    name: 'wp_page_copy: unshare copy without pte_mksoft_dirty()',
    version: '6.12', file: 'mm/memory.c', fn: 'wp_page_copy',
    ...dropLine('if (pte_soft_dirty(vmf->orig_pte))\n\t\t\t\tentry = pte_mksoft_dirty(entry);'),
    rule: R5, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['unshare', 'vmf->orig_pte'],
  },
  // --- move: mremap
  {
    name: 'move_ptes: moved PTE not marked soft-dirty',
    version: '6.12', file: 'mm/mremap.c', fn: 'move_ptes',
    ...dropLine('pte = move_soft_dirty_pte(pte);'),
    rule: R5, at: { needle: 'set_pte_at(' }, says: ['moved', 'old_pte'],
  },
  {
    name: 'move_huge_pmd: moved PMD not marked soft-dirty',
    version: '6.12', file: 'mm/huge_memory.c', fn: 'move_huge_pmd',
    ...dropLine('pmd = move_soft_dirty_pmd(pmd);'),
    rule: R5, at: { needle: 'set_pmd_at(' }, says: ['moved', 'old_pmd'],
  },
  // --- zap: a file-backed entry cleared without leaving a uffd-wp marker
  {
    name: 'zap_present_folio_ptes: no zap_install_uffd_wp_if_needed()',
    version: '6.12', file: 'mm/memory.c', fn: 'zap_present_folio_ptes',
    ...dropLine('if (unlikely(userfaultfd_pte_wp(vma, ptent)))\n\t\tzap_install_uffd_wp_if_needed(vma, addr, pte, nr, details,\n\t\t\t\t\t      ptent);'),
    rule: R3, at: { needle: 'ptent = get_and_clear_full_ptes(', direction: 'backward' }, says: ['zap', 'ptent'],
  },
  {
    name: '__unmap_hugepage_range: no uffd-wp marker for a present hugetlb entry',
    version: '6.12', file: 'mm/hugetlb.c', fn: '__unmap_hugepage_range',
    ...dropLine('if (huge_pte_uffd_wp(pte) &&\n\t\t    !(zap_flags & ZAP_FLAG_DROP_MARKER))\n\t\t\tset_huge_pte_at(mm, address, ptep,\n\t\t\t\t\tmake_pte_marker(PTE_MARKER_UFFD_WP),\n\t\t\t\t\tsz);'),
    rule: R3, at: { needle: 'pte = huge_ptep_get_and_clear(', direction: 'backward' }, says: ['zap', 'pte'],
  },
  // --- slot origin: the function no longer reads the entry it replaces once the carry is gone
  {
    name: 'hugetlb_install_folio: no huge_pte_mkuffd_wp() for the old entry it is handed',
    version: '6.12', file: 'mm/hugetlb.c', fn: 'hugetlb_install_folio',
    ...dropLine('if (userfaultfd_wp(vma) && huge_pte_uffd_wp(old))\n\t\tnewpte = huge_pte_mkuffd_wp(newpte);'),
    rule: R3, at: { needle: 'newpte = make_huge_pte(', direction: 'backward' }, says: ['copy', 'old'],
  },
  {
    name: 'do_anonymous_page: no pte_mkuffd_wp() for a uffd-wp marker (reached from handle_pte_marker)',
    version: '6.12', file: 'mm/memory.c', fn: 'do_anonymous_page',
    ...dropLine('if (vmf_orig_pte_uffd_wp(vmf))\n\t\tentry = pte_mkuffd_wp(entry);'),
    rule: R3, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['vmf->orig_pte'],
  },
  {
    name: 'hugetlb_no_page: no huge_pte_mkuffd_wp() for a uffd-wp marker (reached from hugetlb_fault)',
    version: '6.12', file: 'mm/hugetlb.c', fn: 'hugetlb_no_page',
    ...dropLine('if (unlikely(pte_marker_uffd_wp(vmf->orig_pte)))\n\t\tnew_pte = huge_pte_mkuffd_wp(new_pte);'),
    rule: R3, at: { needle: 'new_pte = make_huge_pte(', direction: 'backward' }, says: ['vmf->orig_pte'],
  },
  {
    name: '6.1 hugetlb_no_page: no huge_pte_mkuffd_wp() for the old_pte it is handed',
    version: '6.1', file: 'mm/hugetlb.c', fn: 'hugetlb_no_page',
    ...dropLine('if (unlikely(pte_marker_uffd_wp(old_pte)))\n\t\tnew_pte = huge_pte_wrprotect(huge_pte_mkuffd_wp(new_pte));'),
    rule: R3, at: { needle: 'new_pte = make_huge_pte(', direction: 'backward' }, says: ['old_pte'],
  },
  // --- the bit test reads the entry being built, not the old one: no carry
  {
    name: 'remove_migration_pte: the uffd-wp test reads the new pte instead of old_pte',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    find: 'else if (pte_swp_uffd_wp(old_pte))', replace: 'else if (pte_uffd_wp(pte))',
    rule: R3, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'old_pte'],
  },
  {
    name: 'try_to_migrate_one: the uffd-wp test reads swp_pte instead of pteval',
    version: '6.12', file: 'mm/rmap.c', fn: 'try_to_migrate_one',
    find: 'if (pte_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);',
    replace: 'if (pte_swp_uffd_wp(swp_pte))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);',
    rule: R3, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  // --- 6.1 spellings
  {
    name: '6.1 remove_migration_pte: no pte_mkuffd_wp() for *pvmw.pte',
    version: '6.1', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('else if (pte_swp_uffd_wp(*pvmw.pte))\n\t\t\tpte = pte_mkuffd_wp(pte);'),
    rule: R3, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'pvmw.pte'],
  },
  {
    name: '6.1 try_to_migrate_one: no pte_swp_mkuffd_wp()',
    version: '6.1', file: 'mm/rmap.c', fn: 'try_to_migrate_one',
    ...dropLine('if (pte_uffd_wp(pteval))\n\t\t\t\tswp_pte = pte_swp_mkuffd_wp(swp_pte);'),
    rule: R3, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['encode', 'pteval'],
  },
  {
    name: '6.1 try_to_migrate_one: device-private arm without pte_swp_mksoft_dirty()',
    version: '6.1', file: 'mm/rmap.c', fn: 'try_to_migrate_one',
    ...dropLine('if (pte_swp_soft_dirty(pteval))\n\t\t\t\tswp_pte = pte_swp_mksoft_dirty(swp_pte);'),
    rule: R5, at: { needle: 'swp_pte = swp_entry_to_pte(', direction: 'backward' }, says: ['rebuild', 'pteval'],
  },
  {
    name: '6.1 __split_huge_pmd_locked: per-PTE present copy without pte_mkuffd_wp()',
    version: '6.1', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (uffd_wp)\n\t\t\t\tentry = pte_mkuffd_wp(entry);'),
    rule: R3, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  {
    name: '6.1 __split_huge_pmd_locked: per-PTE present copy without pte_mksoft_dirty()',
    version: '6.1', file: 'mm/huge_memory.c', fn: '__split_huge_pmd_locked',
    ...dropLine('if (soft_dirty)\n\t\t\t\tentry = pte_mksoft_dirty(entry);'),
    rule: R5, at: { needle: 'entry = mk_pte(', direction: 'backward' }, says: ['split', 'old_pmd'],
  },
  {
    name: '6.1 remove_migration_pte: no pte_mksoft_dirty() for *pvmw.pte',
    version: '6.1', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('if (pte_swp_soft_dirty(*pvmw.pte))\n\t\t\tpte = pte_mksoft_dirty(pte);'),
    rule: R5, at: { needle: 'pte = mk_pte(', direction: 'backward' }, says: ['decode', 'pvmw.pte'],
  },
  // --- spurious gain (off by default): the 2024 "preserve exact soft-dirty state" fix undone
  {
    name: 'remove_migration_pte: pte_mkdirty() without the else pte_clear_soft_dirty()',
    version: '6.12', file: 'mm/migrate.c', fn: 'remove_migration_pte',
    ...dropLine('else\n\t\t\tpte = pte_clear_soft_dirty(pte);'),
    rule: GAIN, at: { needle: 'pte = pte_mkdirty(', direction: 'backward' }, says: ['pte_mkdirty', 'pte_swp_soft_dirty(old_pte)'],
  },
];

export const cases: MutationCase[] = table.map(asMutation);

// allRules: the off-by-default soft-dirty-spurious-gain note has cases of its own here.
export const rules: Rule[] = allRules;
