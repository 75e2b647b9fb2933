// R1 (docs/invariants.md#pte-write-grant-unjustified): write permission on a derived entry must come from the
// source entry, not from the VMA. Origin: the 2022 linux-mm review of the read-only page that became
// writable after migration, 3c811f7883f1) and the uffd-wp swap/migration series f45ec5ff16a7.

import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  meta: {
    id: 'pte-write-grant-unjustified',
    catalogue: 'R1',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect write permission on a derived entry that does not come from the source entry',
    messages: {
      vmaGrant:
        '{{call}}() grants write from the VMA alone when restoring an entry: nothing tests the source entry\'s write state',
      grant:
        '{{call}}() makes the entry writable with no source-write check, upgrade predicate or write fault guarding it',
      writableEntry:
        '{{call}}() encodes a writable entry without testing whether the source entry was writable',
      hugeConstructor:
        'make_huge_pte() builds a writable entry ({{arg}}) without VM_WRITE, a source-write check or a write fault',
      pfnFlag: 'the MIGRATE_PFN_WRITE flag is set without testing whether the source entry was writable',
    },
    keywords: ['mkwrite', 'savedwrite', 'make_writable', 'make_huge_pte', 'MIGRATE_PFN_WRITE', 'make_migration_entry', 'make_device_private_entry'],
    docs: {
      why: [
        'When a function derives a new entry from an existing one (restoring a migration or swap entry,',
        'copying on fork, moving, splitting, changing protection, encoding a swap entry), the write bit of',
        'the result must come from the source entry\'s write state, or from a complete write-upgrade',
        'predicate such as can_change_pte_writable(); never from the VMA alone. `vma->vm_page_prot` and',
        '`VM_WRITE` say what the mapping allows by default, but individual entries can be read-only for',
        'reasons the VMA does not show: COW sharing after fork, uffd-wp, soft-dirty tracking, KSM, a pending',
        'mprotect. Granting write from the VMA upgrades such a page to writable: the read-only shmem page',
        'that became writable after migration (3c811f7883f1; thread "mm/migrate: fix read-only page got',
        'writable when recover pte", 3c811f7883f1) is this bug. Peter Xu in that thread: "recovering the pte',
        'into its original form is the safest approach", and MIGRATION_READ/MIGRATION_WRITE exist because',
        'the entry, not the VMA, carries write.',
      ].join(' '),
      fix: 'grant write only under a test of the source entry (pte_write(), is_writable_migration_entry(), a boolean from one) or a complete upgrade predicate (can_change_pte_writable())',
      limits: [
        'Justifications recognised: a source-write predicate dominating the grant, directly or through a',
        'boolean; can_change_*_writable() or the do_swap_page conjunction of !userfaultfd_pte_wp() and',
        '!pte_needs_soft_dirty_wp(); a write fault in a function taking struct vm_fault *, and the',
        'write-fault handlers; a freshly mapped page with a VM_WRITE test; a boolean parameter',
        'named write/writable/mkwrite (checked at the callers, not here); an early exit on',
        '!PageAnonExclusive(); VM_SHARED and VM_WRITE together; a later pte_wrprotect() under',
        '"source not writable" (6.1 __split_huge_pmd_locked). Only functions that install an entry',
        '(set_pte_at() & co) or encode one are checked; set_huge_ptep_writable() is checked at its callers',
        '(its only caller is hugetlb_wp()). The guard need not test the same slot as the granted value.',
      ].join(' '),
      references: [
        'linux-mm, 2022-11: review of "mm/migrate: fix read-only page got writable when recover pte"',
        '3c811f7883f1 mm/migrate: fix read-only page got writable when recover pte',
        'f45ec5ff16a7 userfaultfd: wp: support swap and page migration',
        'mm/migrate.c: remove_migration_pte()',
      ],
      examples: {
        invalid: [
          `static void restore_one(struct vm_area_struct *vma, unsigned long addr,
		pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (is_migration_entry(entry))
		pte = maybe_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
        valid: [
          `static void restore_one(struct vm_area_struct *vma, unsigned long addr,
		pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, report }) {
    // Scope: functions that install or encode an entry. R1 names "functions that read an old entry
    // and install one", plus pure fault allocators; requiring the read would miss 6.1
    // hugetlb_install_page(), which installs a copy made from a value its caller read.
    if (!facts.installsEntry) return;
    for (const grant of facts.grants) {
      if (facts.justify(grant).length > 0) continue;
      switch (grant.kind) {
        case 'grantVma':
          report({ node: grant.node, messageId: 'vmaGrant', data: { call: grant.name } });
          break;
        case 'grant':
          report({ node: grant.node, messageId: 'grant', data: { call: grant.name } });
          break;
        case 'grantEntry':
          report({
            node: grant.node,
            messageId: 'writableEntry',
            data: { call: grant.name },
            help: 'choose the writable entry type only under pte_write()/pmd_write() of the entry being replaced; use the readable(-exclusive) type otherwise',
          });
          break;
        case 'hugeConstructor':
          report({
            node: grant.node,
            messageId: 'hugeConstructor',
            data: { arg: grant.ownGuard?.expr.text ?? grant.node.childForFieldName('arguments')?.namedChildren[2]?.text ?? '?' },
            help: 'pass a writable argument that is true only when the source entry was writable or the VMA has VM_WRITE (and the page is exclusive)',
          });
          break;
        case 'pfnFlag':
          report({ node: grant.node, messageId: 'pfnFlag', help: 'set MIGRATE_PFN_WRITE only under pte_write() of the collected entry or is_writable_device_private_entry()' });
          break;
      }
    }
  },
});
