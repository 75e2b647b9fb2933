// R10b (docs/invariants.md#try-share-result-checked): folio_try_share_anon_rmap_*() and
// folio_try_dup_anon_rmap_*() fail when the page may be pinned. On failure the unmap must put the
// saved entry back and give up; fork must fall back to copying (or splitting). Origin:
// 1493a1913e34 and 6c287605fd56, where try_to_unmap_one() learned to restore and abort.

import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  meta: {
    id: 'try-share-result-checked',
    catalogue: 'R10b',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect a try-share or try-dup failure that does not restore the entry and abort',
    messages: {
      resultIgnored:
        'the result of {{call}}() is not checked: a possibly pinned page is unmapped or shared with the child anyway',
      noRestore:
        '{{call}}() failure does not re-install the saved entry: the page stays pinned but unmapped',
      noAbort:
        '{{call}}() failure does not abort the operation (no return, goto, break or flag reset)',
    },
    keywords: ['try_share_anon_rmap', 'try_dup_anon_rmap'],
    docs: {
      why: [
        'Clearing PG_anon_exclusive (try-share, before unmapping for swap or migration) and',
        'duplicating an anonymous mapping on fork (try-dup) are refused when the page may be pinned',
        '(GUP FOLL_PIN): the pin must keep seeing the page that the process maps. The caller has to',
        'honour that answer: try_to_unmap_one() does `swap_free(entry); set_pte_at(.., pteval); goto',
        'walk_abort;`, set_pmd_migration_entry() re-installs `pmdval` and returns -EBUSY,',
        '__split_huge_pmd_locked() turns `freeze` off, and copy_present_ptes() copies the page instead',
        '("mm/swap: remember PG_anon_exclusive via a swp pte bit", 1493a1913e34; 6c287605fd56). Ignoring the result, or giving up without putting the',
        'cleared entry back, unmaps a pinned page: DMA then writes into a page that the process no',
        'longer maps.',
      ].join(' '),
      fix: 'test the result; on failure re-install the value returned by the clear (set_pte_at/set_pmd_at/set_huge_pte_at) and abort, or for try-dup fall back to copying',
      limits: [
        'WARN_ON_ONCE()/BUG_ON() around the call, and an ignored result, are accepted in device-private',
        'arms (such pages cannot be pinned; 6.1 BUG_ON(page_try_dup_anon_rmap(..)) in copy_nonpresent_pte()). The restore',
        'is any install, in the failure branch, of a value read from a table slot unchanged (6.12 try_to_unmap_one() restores what it read before pte_clear());',
        'that it is the same slot is not checked. A result stored in a variable is not followed.',
      ].join(' '),
      references: [
        'linux-mm, 2022-03: "mm/swap: remember PG_anon_exclusive via a swp pte bit"',
        'commit 6c287605fd56 ("mm: remember exclusively mapped anonymous pages with PG_anon_exclusive")',
        'mm/rmap.c: try_to_unmap_one(); mm/huge_memory.c: set_pmd_migration_entry(); mm/memory.c: copy_present_ptes()',
      ],
      examples: {
        invalid: [
          `static int migrate_pmd(struct vm_area_struct *vma, unsigned long addr, pmd_t *pmdp,
		struct folio *folio, struct page *page, bool anon_exclusive)
{
	pmd_t pmdval = pmdp_invalidate(vma, addr, pmdp);

	if (anon_exclusive && folio_try_share_anon_rmap_pmd(folio, page))
		return -EBUSY;
	return 0;
}`,
        ],
        valid: [
          `static int migrate_pmd(struct vm_area_struct *vma, unsigned long addr, pmd_t *pmdp,
		struct folio *folio, struct page *page, bool anon_exclusive)
{
	pmd_t pmdval = pmdp_invalidate(vma, addr, pmdp);

	if (anon_exclusive && folio_try_share_anon_rmap_pmd(folio, page)) {
		set_pmd_at(vma->vm_mm, addr, pmdp, pmdval);
		return -EBUSY;
	}
	return 0;
}`,
        ],
      },
    },
  },
  check({ facts, report }) {
    const excl = facts.exclusivity;
    for (const c of excl.anonRmapCalls()) {
      const data = { call: c.call.name };
      // In a fragment rebuilt from hunks the device-private test that allows an asserted share or
      // an ignored dup (6.1 BUG_ON(page_try_dup_anon_rmap(..)), copy_nonpresent_pte()) is often
      // above the hunk: only the full function can tell.
      const devicePrivate = c.devicePrivateArm || facts.partial;
      if (c.use === 'asserted') {
        if (!devicePrivate) report({ node: c.call.node, messageId: 'resultIgnored', data });
        continue;
      }
      if (c.use === 'ignored') {
        if (!(c.family === 'dup' && devicePrivate)) report({ node: c.call.node, messageId: 'resultIgnored', data });
        continue;
      }
      if (!c.failure) continue;
      const h = excl.failureHandling(c.failure);
      const exits = h.aborts && !h.flagOff;
      // A fragment rebuilt from patch hunks rarely shows the clear before the share (it always
      // precedes it in the kernel); its failure branch counts once its exit is visible.
      const cleared = excl.clearsBefore(c.call).length > 0 || facts.partial;
      if (c.family === 'share' && !h.restores && !h.flagOff && cleared && (!facts.partial || exits)) {
        report({ node: c.call.node, messageId: 'noRestore', data });
      } else if (!h.aborts && !facts.partial) {
        report({ node: c.call.node, messageId: 'noAbort', data });
      }
    }
  },
});
