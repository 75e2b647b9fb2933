// R10 (docs/invariants.md#unmap-exclusive-pairing): unmapping an anon-exclusive page into a swap or
// migration entry is a three-step protocol: clear the present entry, try to share the page
// (folio_try_share_anon_rmap_*(), which fails if the page may be pinned), and keep the exclusivity
// in the new entry (pte_swp_mkexclusive() or a readable-exclusive migration entry). Origin:
// 1493a1913e34 and 6c287605fd56.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { looksLikeForkCopy } from '../src/analysis/fork-copy.js';
import { hasRole } from '../src/analysis/kernel-api.js';

export default defineRule({
  meta: {
    id: 'unmap-exclusive-pairing',
    catalogue: 'R10',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect an anon-exclusive unmap that skips clear-then-share or loses exclusivity in the entry',
    messages: {
      shareBeforeClear:
        '{{share}}() runs before the present entry is cleared: a concurrent GUP-fast can pin the page after the check',
      exclusivityNotEncoded:
        '{{sink}}() installs the non-present entry after {{share}}() at line {{line}} without pte_swp_mkexclusive() or a readable-exclusive migration entry: PG_anon_exclusive is lost',
      exclusivityOverclaimed:
        '{{encoder}}() marks the entry exclusive without an anon-exclusive test (PageAnonExclusive(), pte_swp_exclusive(), a writable entry): a shared page comes back exclusive',
      shareMissing:
        '{{encoder}}() records an anon-exclusive page in the entry, but the page is never shared with a try-share call: a pinned page is unmapped',
      encoderDropped:
        'the patch removes {{call}}() from this unmap path: {{effect}} (judged from the hunks)',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the exclusivity encoders of an unmap path. The
    // try-share and the installer are mostly out of sight, but both images share them: an encoder
    // the patch deletes or respells as a plain readable entry is lost. Fork copies are
    // fork-exclusive-clear's (there an exclusive entry is the bug, dropping it the fix).
    // The same for the clear that must come before the try-share (`pmdp_invalidate()` respelled as
    // `pmdp_get()`), in a path that visibly unmaps an anon-exclusive page.
    hunkFacts: {
      messageId: 'encoderDropped',
      collect: exclusivityEncoders,
      judge: (lost) => lost.slice(0, 1).map((l) => ({
        lost: l,
        data: { effect: l.key === 'clear-first' ? 'the entry is no longer cleared before the page is shared: a concurrent GUP-fast can pin it after the try-share' : 'the non-present entry no longer records that the page was anon-exclusive, so it comes back shared and a later write copies a pinned page' },
      })),
    },
    keywords: ['try_share_anon_rmap', 'pte_swp_mkexclusive', 'readable_exclusive_migration_entry'],
    docs: {
      why: [
        'While a page is unmapped for swap-out or migration, PG_anon_exclusive is cleared on the page',
        'and kept in the entry instead ("mm/swap: remember PG_anon_exclusive via a swp pte',
        'bit", 1493a1913e34). The order matters: the present entry is cleared (or the PMD invalidated)',
        'first, so that GUP-fast cannot take a new pin; then folio_try_share_anon_rmap_pte/pmd()',
        '(6.1 page_try_share_anon_rmap()) clears the flag, failing if the page may be pinned; and the',
        'new swap or migration entry carries the flag (`pte_swp_mkexclusive()`,',
        '`make_readable_exclusive_migration_entry()`), so that do_swap_page() / remove_migration_pte()',
        'can restore it. Without the encode, the refault cannot tell the page is exclusive and replaces',
        'it by a copy on the next write, and writes through a FOLL_GET reference are lost (the memory',
        'corruption described in the seed). Without the share, a pinned page is unmapped and the pin',
        'and the page table diverge. Encoding exclusivity for a page that was not exclusive is the',
        'opposite error: the refault maps a page that fork() shared as exclusive.',
      ].join(' '),
      fix: 'clear the PTE first, call folio_try_share_anon_rmap_*() when anon_exclusive, and encode anon_exclusive in the new entry',
      limits: [
        'Ordering is structural: an earlier statement of an enclosing block must clear the entry on',
        'all its paths (arms that leave count); loops are not unrolled. Only installs of entries built',
        'by swp_entry_to_pte()/swp_entry_to_pmd() after the',
        'share are checked; poison entries and markers are exempt (they carry no page), and so are functions that',
        'install nothing after the share (KSM write_protect_page(), present to present).',
        'page_make_device_exclusive_one() keeps the flag on the page and calls no try-share.',
        'An exclusivity encoder must itself sit under an anon-exclusive test or an entry predicate',
        '(mprotect turning a writable migration entry into a readable-exclusive one is fine).',
      ].join(' '),
      references: [
        'linux-mm, 2022-03: "mm/swap: remember PG_anon_exclusive via a swp pte bit"',
        'commit 1493a1913e34 ("mm/swap: remember PG_anon_exclusive via a swp pte bit")',
        'mm/rmap.c: try_to_unmap_one(), try_to_migrate_one(); mm/huge_memory.c: set_pmd_migration_entry()',
      ],
      examples: {
        invalid: [
          `static bool swap_out_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		struct folio *folio, struct page *page, swp_entry_t entry)
{
	bool anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(page);
	pte_t pteval = ptep_get_and_clear(mm, addr, ptep);
	pte_t swp_pte;

	if (anon_exclusive && folio_try_share_anon_rmap_pte(folio, page)) {
		set_pte_at(mm, addr, ptep, pteval);
		return false;
	}
	swp_pte = swp_entry_to_pte(entry);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(mm, addr, ptep, swp_pte);
	return true;
}`,
        ],
        valid: [
          `static bool swap_out_one(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		struct folio *folio, struct page *page, swp_entry_t entry)
{
	bool anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(page);
	pte_t pteval = ptep_get_and_clear(mm, addr, ptep);
	pte_t swp_pte;

	if (anon_exclusive && folio_try_share_anon_rmap_pte(folio, page)) {
		set_pte_at(mm, addr, ptep, pteval);
		return false;
	}
	swp_pte = swp_entry_to_pte(entry);
	if (anon_exclusive)
		swp_pte = pte_swp_mkexclusive(swp_pte);
	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(mm, addr, ptep, swp_pte);
	return true;
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    const excl = facts.exclusivity;
    const shares = excl.anonRmapCalls().filter((c) => c.family === 'share');
    const reported = new Set<number>();
    for (const s of shares) {
      // A fragment rebuilt from patch hunks may not show the clear that precedes the share.
      if (!excl.clearedOnEveryPath(s.call) && !facts.partial) {
        report({ node: s.call.node, messageId: 'shareBeforeClear', data: { share: s.call.name } });
      }
      const installs = excl.nonPresentInstallsAfter(s.call);
      if (installs.length === 0 || installs.some((k) => k.value && excl.encodesExclusivity(k.value))) continue;
      const first = installs[0];
      if (reported.has(first.call.node.id)) continue;
      reported.add(first.call.node.id);
      report({
        node: first.call.node,
        messageId: 'exclusivityNotEncoded',
        data: { sink: first.call.name, share: s.call.name, line: lineOf(s.call.node) },
      });
    }
    // The encoder must itself depend on exclusivity: an unconditional pte_swp_mkexclusive() makes
    // do_swap_page() map a page that fork() shared as exclusive.
    for (const enc of excl.exclusivityEncoderCalls()) {
      if (excl.guardedByAnonExclusive(enc.point) || excl.hasProvenance(enc.point)) continue;
      if (facts.partial && enc.point.guards.length === 0) continue;
      report({ node: enc.node, messageId: 'exclusivityOverclaimed', data: { encoder: enc.name } });
    }
    if (shares.length > 0 || facts.partial) return;
    // No try-share at all: an encoder of anon-exclusivity after a present entry was cleared.
    for (const enc of excl.exclusivityEncoderCalls()) {
      if (!excl.guardedByAnonExclusive(enc.point) || excl.clearsBefore(enc).length === 0) continue;
      report({ node: enc.node, messageId: 'shareMissing', data: { encoder: enc.name } });
    }
  },
});

/**
 * Outside fork copies: the calls that encode PG_anon_exclusive into a non-present entry, and
 * where the path visibly handles an anon-exclusive page (PageAnonExclusive(), a try-share), the
 * clears of the entry.
 */
function exclusivityEncoders(facts: FunctionFacts): HunkFact[] {
  if (looksLikeForkCopy(facts)) return [];
  const out: HunkFact[] = facts.model.calls
    .filter((c) => hasRole(c.name, 'exclusivity-encoder'))
    .map((c) => ({ key: 'encode-exclusive', node: c.node, data: { call: c.name } }));
  const exclusive = facts.model.calls.some((c) => hasRole(c.name, ['anon-exclusive-test', 'anon-rmap-try-share']));
  if (exclusive) {
    for (const c of facts.model.calls) if (hasRole(c.name, 'entry-clearer')) out.push({ key: 'clear-first', node: c.node, data: { call: c.name } });
  }
  return out;
}
