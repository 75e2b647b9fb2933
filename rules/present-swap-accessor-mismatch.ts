// R6 (docs/invariants.md#present-swap-accessor-mismatch): present-PTE accessors only on present
// entries, `*_swp_*` accessors only on non-present ones. On x86 the two bit sets alias
// (_PAGE_SWP_SOFT_DIRTY is _PAGE_RW), so the wrong family silently reads or sets another bit.
// Upstream fixes: ad7df764b7e1 (present readers on device-private swap PTEs in try_to_migrate_one /
// migrate_vma_collect_pmd) and ebdf8321eeeb (present setter pte_mkuffd_wp() when
// remove_migration_pte rebuilds a device-private entry).

import { defineRule } from '../src/engine/define-rule.js';
import { accessorKind } from '../src/analysis/entry-kind.js';
import { accessorFacts, respelledSwapToPresent } from '../src/analysis/accessor-family.js';

export default defineRule({
  meta: {
    id: 'present-swap-accessor-mismatch',
    catalogue: 'R6',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a present-PTE accessor applied to a swap entry, or a *_swp_* accessor to a present one',
    messages: {
      presentOnSwap:
        '{{accessor}}() is a present-entry accessor but {{value}} is a non-present entry here ({{why}}, line {{line}}): on x86 it reads or sets a swp bit instead',
      presentOnMaybeSwap:
        '{{accessor}}() is a present-entry accessor but {{value}} may be a non-present entry here ({{why}}, line {{line}}): on x86 it reads or sets a swp bit on that path',
      swapOnPresent:
        '{{accessor}}() is a non-present-entry accessor but {{value}} is a present entry here ({{why}}, line {{line}}): on x86 it reads or sets a hardware bit instead',
      respelledPresent:
        '{{at_call}}() is a present-entry accessor, but the patch puts it where {{call}}({{value}}) read {{value}} as a non-present entry: on x86 it reads or sets a swp bit instead (judged from the hunks)',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the pre-image's swap accessor on a value types
    // it at that point for both images; the same access respelled in the present family on the
    // same value is the bug, whatever the unseen lines hold. A swap accessor merely deleted is a
    // lost carry (R3/R5), not a kind error. A respelled uffd-wp clear is uffd-wp-clear-on-unregistered-dst's
    // (the clear that no longer clears), as with the tree.
    hunkFacts: {
      messageId: 'respelledPresent',
      collect: accessorFacts,
      judge: (lost, gained, before) => respelledSwapToPresent(lost, gained, before, (access) => access !== 'clear_uffd_wp'),
    },
    // Every kind proof contains one of these (pte_present, is_swap_pte, pte_to_swp_entry, mk_pte +
    // pte_swp_*, is_hugetlb_entry_migration, folio_is_device_private, softleaf_is_*, do_swap_page).
    // Every report needs a swp accessor or kind evidence, each spelled with one of these (not plain
    // `swap` or `migration`: swap() and task migration are everywhere in the kernel).
    keywords: ['swp', 'swap_pte', 'swap_entry', 'pte_present', 'pmd_present', 'pud_present', 'migration_entry', 'entry_migration', 'device_private', 'pte_marker', 'softleaf', 'leafent', 'trans_huge', 'hwpoison', 'zone_device'],
    docs: {
      why: [
        'A non-present entry (swap slot, migration, device-private or device-exclusive entry, PTE marker)',
        'keeps soft-dirty, uffd-wp and exclusivity in software bits that reuse the positions of hardware bits',
        'of a present entry: on x86 `_PAGE_SWP_SOFT_DIRTY == _PAGE_RW`, `_PAGE_SWP_UFFD_WP == _PAGE_USER` and',
        '`_PAGE_SWP_EXCLUSIVE == _PAGE_PWT`. A present accessor on a swap entry therefore compiles, runs and',
        'answers about another bit: `pte_write(swap_pte)` returns the swp soft-dirty bit, `pte_mkuffd_wp(swap_pte)`',
        'sets the user bit and loses the write protection. ad7df764b7e1 ("mm/rmap: fixup copying of soft dirty and',
        'uffd ptes") fixed `pte_soft_dirty()`/`pte_uffd_wp()` on device-private swap PTEs in the migration paths;',
        'ebdf8321eeeb ("mm/migrate: fixup setting UFFD_WP flag") fixed `pte_mkuffd_wp()` on the device-private',
        'entry rebuilt by remove_migration_pte().',
      ].join(' '),
      fix: 'use the accessor of the entry kind the value has here: pte_swp_*()/pmd_swp_*() on non-present entries, pte_*()/pmd_*() on present ones, or split on pte_present() first',
      limits: [
        'Each value is typed per use from the guards that test it (pte_present, is_swap_pte, early exits,',
        'else arms), its reaching definitions (mk_pte, swp_entry_to_pte, pte_swp_mk*, ...), a dominating',
        'pte_to_swp_entry() of the same definition (not softleaf_from_pte(), which accepts present entries), a',
        'device-private folio branch (PTEs read before it or inside it, forward only; before 6.0 also',
        'is_zone_device_page(), which then selected only device-private pages) and do_swap_page()\'s',
        'vmf->orig_pte. A value built present on one incoming path and non-present on another ("maybe',
        'swap") is reported under a present accessor. Other values of unknown kind are never reported, so a PTE',
        'read without any test is silent. huge_pte_*() accessors and kinds carried through helper parameters',
        'are not modelled.',
      ].join(' '),
      references: [
        'ad7df764b7e1 mm/rmap: fixup copying of soft dirty and uffd ptes',
        'ebdf8321eeeb mm/migrate: fixup setting UFFD_WP flag',
        'arch/x86/include/asm/pgtable_types.h: _PAGE_SWP_SOFT_DIRTY is _PAGE_RW and _PAGE_SWP_UFFD_WP is _PAGE_USER (swap bits alias present ones)',
      ],
      examples: {
        invalid: [
          `static void restore_device_private(struct vm_area_struct *vma, pte_t *ptep,
		unsigned long addr, struct page *new, pte_t old_pte)
{
	swp_entry_t entry = make_readable_device_private_entry(page_to_pfn(new));
	pte_t pte = swp_entry_to_pte(entry);

	if (pte_swp_soft_dirty(old_pte))
		pte = pte_swp_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
        valid: [
          `static void restore_device_private(struct vm_area_struct *vma, pte_t *ptep,
		unsigned long addr, struct page *new, pte_t old_pte)
{
	swp_entry_t entry = make_readable_device_private_entry(page_to_pfn(new));
	pte_t pte = swp_entry_to_pte(entry);

	if (pte_swp_soft_dirty(old_pte))
		pte = pte_swp_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old_pte))
		pte = pte_swp_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    for (const call of facts.model.calls) {
      const wants = accessorKind(call.name);
      const value = call.args[0];
      if (!wants || !value) continue;
      const known = facts.entryKinds.kindOf(value);
      // Unknown kind is never reported (try_to_migrate_one reads pte_dirty() before its device-private branch): only a value proven to be the other kind is, or,
      // for a present accessor, one that is non-present on some incoming path.
      const maybe = !known && wants === 'present' ? facts.entryKinds.maybeSwap(value) : undefined;
      const has = known ?? maybe;
      if (!has || has.kind === wants) continue;
      report({
        node: call.node,
        messageId: maybe ? 'presentOnMaybeSwap' : wants === 'present' ? 'presentOnSwap' : 'swapOnPresent',
        data: {
          accessor: call.name,
          value: value.text.replace(/\s+/g, ' '),
          why: has.reason,
          line: lineOf(has.node),
        },
      });
    }
  },
});
