// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for mm/migrate.c, written for ptelint's patch-mode tests in the
 * kernel's idiom: the restore of a migration entry after the folio moved.
 * The write bit of the restored PTE comes from the migration entry (a
 * writable entry was a writable PTE before migration); the tests plant the
 * bug of taking it from the VMA instead, on the guard of pte_mkwrite(), and
 * check that every wrapping of that patch gives the same finding.
 *
 * Nothing here is copied from the kernel: only the calls are the kernel's.
 */

#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/swapops.h>

/* Count the restores of one walk, for the caller's statistics. */
static void note_restored(struct folio *folio, unsigned long *restored)
{
	if (folio_test_anon(folio))
		(*restored)++;
}

/*
 * Put back one mapping of @folio that try_to_migrate() replaced by a
 * migration entry: build the PTE from the entry's saved state.
 */
static bool remove_migration_pte(struct folio *folio,
		struct vm_area_struct *vma, unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, PVMW_SYNC | PVMW_MIGRATION);
	unsigned long restored = 0;

	while (page_vma_mapped_walk(&pvmw)) {
		rmap_t rmap_flags = RMAP_NONE;
		struct page *new = folio_page(folio, 0);
		swp_entry_t entry;
		pte_t old_pte;
		pte_t pte;

		if (!pvmw.pte)
			continue;

		old_pte = ptep_get(pvmw.pte);
		entry = pte_to_swp_entry(old_pte);
		folio_get(folio);

		/* Start read-only and old; the entry decides what comes back. */
		pte = mk_pte(new, READ_ONCE(vma->vm_page_prot));
		pte = pte_mkold(pte);
		if (pte_swp_soft_dirty(old_pte))
			pte = pte_mksoft_dirty(pte);

		/* A young entry was accessed before it was unmapped. */
		if (is_migration_entry_young(entry))
			pte = pte_mkyoung(pte);
		if (folio_test_dirty(folio) && is_migration_entry_dirty(entry))
			pte = pte_mkdirty(pte);
		if (is_writable_migration_entry(entry))
			pte = pte_mkwrite(pte, vma);
		else if (pte_swp_uffd_wp(old_pte))
			pte = pte_mkuffd_wp(pte);

		/* The entry, not the folio, remembers who owned the page. */
		if (folio_test_anon(folio) && !is_readable_migration_entry(entry))
			rmap_flags |= RMAP_EXCLUSIVE;

		if (folio_test_anon(folio))
			folio_add_anon_rmap_pte(folio, new, vma, pvmw.address, rmap_flags);
		else
			folio_add_file_rmap_pte(folio, new, vma);
		set_pte_at(vma->vm_mm, pvmw.address, pvmw.pte, pte);
		note_restored(folio, &restored);

		/* No need to invalidate: the entry was not present before. */
		update_mmu_cache(vma, pvmw.address, pvmw.pte);
	}

	return true;
}

/* Restore every mapping of @dst that points at the migration entries of @src. */
void remove_migration_ptes(struct folio *src, struct folio *dst, int flags)
{
	struct rmap_walk_control rwc = {
		.rmap_one = remove_migration_pte,
		.arg = src,
	};

	if (flags & RMP_LOCKED)
		rmap_walk_locked(dst, &rwc);
	else
		rmap_walk(dst, &rwc);
}
