// Patch mode without a tree: what the patch's own lines prove about the unseen rest
// (src/engine/patch-mode/hunk-facts.ts). Both images share every line the patch does not show, so a fact the
// pre-image establishes on the changed lines and the post-image loses is the change itself: a swap
// accessor respelled in the present family on the same value, a fork's type test narrowed, a
// write-upgrade predicate's test of a fault reason removed, an exclusivity proof weakened, an
// exclusivity encoder dropped, a write-protect deleted. The functions are written for these tests
// in the kernel's idiom, long enough (filler between the parts) that no hunk shows them whole.

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import type { PatchFinding } from '../../src/finding.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const FILLER = Array.from({ length: 8 }, (_, i) => `\tcount_step(vma, ${i});`).join('\n');

/** `only`: the rules to run (default: the default set); off-by-default rules are named there. */
async function findings(before: string, after: string, version = '6.12', only?: string[]): Promise<PatchFinding[]> {
  const dir = tempDir();
  writeFiles(dir, { 'p.patch': gitDiff(before, after, 'mm/example.c', 3, true) });
  const run = await runPatch({ inputs: [path.join(dir, 'p.patch')], kernelVersion: parseKernelVersion(version), only });
  expect(run.result.errors).toEqual([]);
  expect(run.result.findings.every((f) => f.partial)).toBe(true);
  return run.result.findings;
}

const brief = (fs: PatchFinding[], status: 'introduced' | 'fixed') =>
  fs.filter((f) => f.status === status).map((f) => `${f.rule} ${f.function}`);

/** The bug patch introduces `rule` in `fn`, its reverse fixes it, and nothing else is introduced. */
async function expectFound(before: string, after: string, rule: string, fn: string, version?: string, only?: string[]): Promise<PatchFinding> {
  const bug = await findings(before, after, version, only);
  expect(brief(bug, 'introduced')).toEqual([`${rule} ${fn}`]);
  const fix = await findings(after, before, version, only);
  expect(brief(fix, 'introduced')).toEqual([]);
  expect(brief(fix, 'fixed')).toContain(`${rule} ${fn}`);
  return bug.find((f) => f.status === 'introduced')!;
}

const UNMAP = `static bool unmap_one_entry(struct vm_area_struct *vma, unsigned long addr,
		pte_t *ptep, pte_t pteval, bool anon_exclusive, swp_entry_t entry)
{
	pte_t swp_pte;

${FILLER}
	swp_pte = swp_entry_to_pte(entry);
${FILLER}
	if (anon_exclusive)
		swp_pte = pte_swp_mkexclusive(swp_pte);
${FILLER}
	if (pte_swp_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_swp_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
${FILLER}
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
	return true;
}
`;

const LAZYFREE = `static bool discard_batch(struct vm_area_struct *vma, unsigned long addr,
		pte_t *ptep, unsigned int nr, bool busy)
{
	pte_t pteval;

${FILLER}
	pteval = get_and_clear_full_ptes(vma->vm_mm, addr, ptep, nr, 0);
	pteval = pte_wrprotect(pteval);
${FILLER}
${FILLER}
${FILLER}
	if (busy) {
		set_ptes(vma->vm_mm, addr, ptep, pteval, nr);
		return false;
	}
	return true;
}
`;

describe('facts the patch removes (no tree)', () => {
  test('the write-protect of a batch-merged value, its restore below the hunks (seed 000)', async () => {
    const f = await expectFound(LAZYFREE, replaceOnce(LAZYFREE, '\tpteval = pte_wrprotect(pteval);\n', ''),
      'batch-merged-restore', 'discard_batch');
    expect(f.message).toContain('removes the pte_wrprotect() of the value merged by get_and_clear_full_ptes()');
    // Respelled in place (the same protection), it is no change.
    const same = await findings(LAZYFREE, replaceOnce(LAZYFREE, 'pteval = pte_wrprotect(pteval);', 'pteval = pte_wrprotect(pteval); /* batch is read-only */'));
    expect(brief(same, 'introduced')).toEqual([]);
  });

  test('a swap accessor respelled in the present family on the same value', async () => {
    const f = await expectFound(UNMAP, replaceOnce(UNMAP, 'if (pte_swp_uffd_wp(pteval))', 'if (pte_uffd_wp(pteval))'),
      'present-swap-accessor-mismatch', 'unmap_one_entry');
    expect(f.message).toContain('pte_uffd_wp() is a present-entry accessor');
    expect(f.message).toContain('pte_swp_uffd_wp(pteval)');
  });

  test('a respelling the context contradicts is the pre-image being wrong: silent', async () => {
    // The nearest unchanged accessor on pteval is of the present family: the swp reader was the bug.
    const present = UNMAP.replace('if (pte_swp_soft_dirty(pteval))', 'if (pte_soft_dirty(pteval))');
    const bug = await findings(present, replaceOnce(present, 'if (pte_swp_uffd_wp(pteval))', 'if (pte_uffd_wp(pteval))'));
    expect(brief(bug, 'introduced')).toEqual([]);
  });

  test('an exclusivity encoder deleted from an unmap path', async () => {
    const f = await expectFound(UNMAP, replaceOnce(UNMAP, '\t\tswp_pte = pte_swp_mkexclusive(swp_pte);\n', '\t\t;\n'),
      'unmap-exclusive-pairing', 'unmap_one_entry');
    expect(f.message).toContain('pte_swp_mkexclusive()');
  });

  const COPY = `static int copy_one_entry(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		pte_t *dst_pte, pte_t *src_pte, struct vm_area_struct *src_vma, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);
	swp_entry_t entry = pte_to_swp_entry(pte);
	unsigned long vm_flags = src_vma->vm_flags;

${FILLER}
	if (!is_readable_migration_entry(entry) &&
	    is_cow_mapping(vm_flags)) {
${FILLER}
		entry = make_readable_migration_entry(swp_offset(entry));
		pte = swp_entry_to_pte(entry);
		set_pte_at(src_mm, addr, src_pte, pte);
	}
${FILLER}
	set_pte_at(dst_mm, addr, dst_pte, pte);
	return 0;
}
`;

  test("a fork copy's type test narrowed to WRITE", async () => {
    const f = await expectFound(COPY, replaceOnce(COPY, 'if (!is_readable_migration_entry(entry) &&', 'if (is_writable_migration_entry(entry) &&'),
      'fork-exclusive-clear', 'copy_one_entry');
    expect(f.message).toContain('READ_EXCLUSIVE entries no longer take');
  });

  test('the same test respelled with the same admitted types is silent', async () => {
    const bug = await findings(COPY, replaceOnce(COPY, 'if (!is_readable_migration_entry(entry) &&',
      'if ((is_writable_migration_entry(entry) || is_readable_exclusive_migration_entry(entry)) &&'));
    expect(brief(bug, 'introduced')).toEqual([]);
  });

  const PREDICATE = `bool can_change_entry_writable(struct vm_area_struct *vma, unsigned long addr,
		pte_t pte)
{
	struct page *page;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE)))
		return false;
${FILLER}
	if (pte_protnone(pte))
		return false;
${FILLER}
	if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))
		return false;
${FILLER}
	if (userfaultfd_pte_wp(vma, pte))
		return false;
${FILLER}
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}
`;

  test("a write-upgrade predicate's test of a fault reason removed", async () => {
    const f = await expectFound(PREDICATE, replaceOnce(PREDICATE, '\tif (pte_protnone(pte))\n\t\treturn false;\n', ''),
      'write-upgrade-predicate-complete', 'can_change_entry_writable');
    expect(f.message).toContain('NUMA hinting');
    await expectFound(PREDICATE, replaceOnce(PREDICATE, 'return page && PageAnon(page) && PageAnonExclusive(page);', 'return page && PageAnon(page);'),
      'write-upgrade-predicate-complete', 'can_change_entry_writable');
  });

  test("a fault reason's test respelled (6.1 -> 6.12 soft-dirty) is silent", async () => {
    const bug = await findings(PREDICATE, replaceOnce(PREDICATE, 'if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))', 'if (pte_needs_soft_dirty_wp(vma, pte))'));
    expect(brief(bug, 'introduced')).toEqual([]);
  });

  const SWAPIN = `static int swapin_one(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
		swp_entry_t entry, struct folio *folio, pte_t old_pte)
{
	rmap_t rmap_flags = RMAP_NONE;

${FILLER}
	if (pte_swp_exclusive(old_pte))
		rmap_flags |= RMAP_EXCLUSIVE;
${FILLER}
	folio_add_anon_rmap_pte(folio, folio_page(folio, 0), vma, addr, rmap_flags);
	return 0;
}
`;

  test('a proof of exclusivity weakened on swap-in', async () => {
    await expectFound(SWAPIN, replaceOnce(SWAPIN, 'if (pte_swp_exclusive(old_pte))', 'if (folio_test_swapcache(folio))'),
      'swp-exclusive-decode', 'swapin_one');
  });

  const SWAP_FAULT = `static int swap_fault_one(struct vm_fault *vmf, struct folio *folio)
{
	pte_t pte;

${FILLER}
	pte = mk_pte(folio_page(folio, 0), vmf->vma->vm_page_prot);
${FILLER}
	if (pte_swp_uffd_wp(vmf->orig_pte)) {
		pte = pte_mkuffd_wp(pte);
		pte = pte_wrprotect(pte);
	}
${FILLER}
	set_pte_at(vmf->vma->vm_mm, vmf->address, vmf->pte, pte);
	return 0;
}
`;

  test('a write-protect deleted from the uffd-wp way where *_mkuffd_wp() keeps write (6.1), not in 6.12', async () => {
    const after = replaceOnce(SWAP_FAULT, '\t\tpte = pte_wrprotect(pte);\n', '');
    await expectFound(SWAP_FAULT, after, 'uffd-wp-never-writable', 'swap_fault_one', '6.1');
    expect(brief(await findings(SWAP_FAULT, after, '6.12'), 'introduced')).toEqual([]);
  });

  const FORK_MARKER = `static int copy_marker_entry(struct mm_struct *dst_mm, pte_t *dst_pte, pte_t *src_pte,
		struct vm_area_struct *dst_vma, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);

${FILLER}
	if (is_pte_marker(pte)) {
${FILLER}
		if (userfaultfd_wp(dst_vma))
			set_pte_at(dst_mm, addr, dst_pte, pte);
${FILLER}
		return 0;
	}
	return 0;
}
`;

  test("a fork copy's test of the destination's registration deleted; moved into copy_pte_marker() is silent", async () => {
    const guarded = '\t\tif (userfaultfd_wp(dst_vma))\n\t\t\tset_pte_at(dst_mm, addr, dst_pte, pte);\n';
    await expectFound(FORK_MARKER, replaceOnce(FORK_MARKER, guarded, '\t\tset_pte_at(dst_mm, addr, dst_pte, pte);\n'),
      'uffd-wp-clear-on-unregistered-dst', 'copy_marker_entry');
    const helper = replaceOnce(FORK_MARKER, guarded,
      '\t\tpte_marker marker = copy_pte_marker(pte_to_swp_entry(pte), dst_vma);\n\t\tif (marker)\n\t\t\tset_pte_at(dst_mm, addr, dst_pte, make_pte_marker(marker));\n');
    expect(brief(await findings(FORK_MARKER, helper), 'introduced')).toEqual([]);
  });

  const GRANT = `static int reuse_swapped(struct vm_fault *vmf, struct folio *folio, pte_t pte)
{
	struct vm_area_struct *vma = vmf->vma;

${FILLER}
	if ((vma->vm_flags & VM_WRITE) && !userfaultfd_pte_wp(vma, pte) &&
	    !pte_needs_soft_dirty_wp(vma, pte)) {
		pte = pte_mkwrite(pte, vma);
	}
${FILLER}
	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, pte);
	return 0;
}
`;

  test("a uffd-wp test dropped from a write grant's guard", async () => {
    await expectFound(GRANT, replaceOnce(GRANT, ' && !userfaultfd_pte_wp(vma, pte) &&', ' &&'), 'uffd-wp-never-writable', 'reuse_swapped');
  });

  const ZAP = `static void zap_one_huge(struct vm_area_struct *vma, pte_t *ptep, unsigned long address,
		unsigned long sz, zap_flags_t zap_flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = huge_ptep_get_and_clear(mm, address, ptep, sz);

${FILLER}
	if (huge_pte_uffd_wp(pte) &&
	    !(zap_flags & ZAP_FLAG_DROP_MARKER))
		set_huge_pte_at(mm, address, ptep,
				make_pte_marker(PTE_MARKER_UFFD_WP), sz);
${FILLER}
	hugetlb_count_sub(1, mm);
}
`;

  test("a uffd-wp marker install deleted from a zap's uffd-wp way", async () => {
    const install = '\tif (huge_pte_uffd_wp(pte) &&\n\t    !(zap_flags & ZAP_FLAG_DROP_MARKER))\n\t\tset_huge_pte_at(mm, address, ptep,\n\t\t\t\tmake_pte_marker(PTE_MARKER_UFFD_WP), sz);\n';
    await expectFound(ZAP, replaceOnce(ZAP, install, ''), 'uffd-wp-propagate', 'zap_one_huge');
  });

  const RESTORE = `static bool restore_one(struct folio *folio, struct vm_area_struct *vma,
		unsigned long addr, pte_t *ptep, pte_t old_pte)
{
	pte_t pte = mk_pte(folio_page(folio, 0), READ_ONCE(vma->vm_page_prot));

${FILLER}
	if (folio_test_dirty(folio))
		pte = pte_mkdirty(pte);
	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	else
		pte = pte_clear_soft_dirty(pte);
${FILLER}
	set_pte_at(vma->vm_mm, addr, ptep, pte);
	return true;
}
`;

  test('the else-arm soft-dirty clear deleted (the carry stays); the whole if/else is the carry rule\'s', async () => {
    // soft-dirty-spurious-gain is off by default: named here with the carry rule.
    const only = ['soft-dirty-spurious-gain', 'soft-dirty-propagate'];
    await expectFound(RESTORE, replaceOnce(RESTORE, '\telse\n\t\tpte = pte_clear_soft_dirty(pte);\n', ''), 'soft-dirty-spurious-gain', 'restore_one', '6.12', only);
    const whole = await findings(RESTORE, replaceOnce(RESTORE, '\tif (pte_swp_soft_dirty(old_pte))\n\t\tpte = pte_mksoft_dirty(pte);\n\telse\n\t\tpte = pte_clear_soft_dirty(pte);\n', ''), '6.12', only);
    expect(brief(whole, 'introduced')).toEqual(['soft-dirty-propagate restore_one']);
  });

  const BATCH = `static int copy_batch(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		pte_t *dst_pte, pte_t *src_pte, pte_t pte, unsigned long addr, int max_nr)
{
	fpb_t flags = 0;

${FILLER}
	if (!vma_soft_dirty_enabled(src_vma))
		flags |= FPB_IGNORE_SOFT_DIRTY;
${FILLER}
	return max_nr;
}
`;

  test('vma_soft_dirty_enabled() respelled as a raw VM_SOFTDIRTY test on the same VMA', async () => {
    const f = await expectFound(BATCH, replaceOnce(BATCH, '!vma_soft_dirty_enabled(src_vma)', '!(src_vma->vm_flags & VM_SOFTDIRTY)'),
      'softdirty-tracking-predicate', 'copy_batch');
    expect(f.message).toContain('src_vma->vm_flags & VM_SOFTDIRTY');
  });

  const SPLIT = `static int unmap_huge_one(struct page_vma_mapped_walk *pvmw, struct folio *folio,
		struct page *page)
{
	struct vm_area_struct *vma = pvmw->vma;
	bool anon_exclusive;
	pmd_t pmdval;

${FILLER}
	pmdval = pmdp_invalidate(vma, pvmw->address, pvmw->pmd);

	/* See folio_try_share_anon_rmap_pmd(): invalidate PMD first. */
	anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(page);
${FILLER}
	return 0;
}
`;

  // The comment names the try-share as the kernel's does; it is also what the keyword prefilter
  // of unmap-exclusive-pairing sees when the try-share itself is below the hunk.
  test('the clear before an anon-exclusive page is shared replaced by a plain read', async () => {
    const f = await expectFound(SPLIT, replaceOnce(SPLIT, 'pmdp_invalidate(vma, pvmw->address, pvmw->pmd)', 'pmdp_get(pvmw->pmd)'),
      'unmap-exclusive-pairing', 'unmap_huge_one');
    expect(f.message).toContain('no longer cleared before the page is shared');
  });
});
