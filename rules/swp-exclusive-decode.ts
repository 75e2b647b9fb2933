// R9 (docs/invariants.md#swp-exclusive-decode): when a page is (re)mapped from a swap or migration entry, the
// exclusivity given to the new mapping must come from the entry (the swp-exclusive bit, the
// migration entry type) or from a fresh copy, never be set unconditionally for a page that was in
// the swap cache. Origin: "mm/swap: remember PG_anon_exclusive via a swp pte bit"
// (1493a1913e34, with 6c287605fd56): do_swap_page() and unuse_pte() read pte_swp_exclusive().

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { looksLikeForkCopy } from '../src/analysis/fork-copy.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';
import { atomsOf } from '../src/analysis/guards.js';

export default defineRule({
  meta: {
    id: 'swp-exclusive-decode',
    catalogue: 'R9',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect a page marked anon-exclusive on swap-in or migration restore without evidence',
    messages: {
      provenanceDropped:
        'the patch replaces `{{condition}}`, which proved the page exclusive from its source entry, with a condition that does not: the exclusivity it guards is granted without evidence (judged from the hunks)',
      exclusiveWithoutProvenance:
        '{{what}} marks the page exclusive although no guard derives it from the entry (pte_swp_exclusive(), !is_readable_migration_entry()) or a fresh copy: a possibly shared or pinned page becomes exclusive',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): a condition that proves the page exclusive from
    // its source (pte_swp_exclusive(), a refcount of 1, the migration type) in a swap-in or restore
    // path. The RMAP_EXCLUSIVE it guards is often below the hunk, but both images share it: a patch
    // that turns the proof into something weaker (`if (1)`, `folio_test_swapcache()`) grants
    // exclusivity without evidence.
    hunkFacts: { messageId: 'provenanceDropped', collect: provenanceConditions },
    keywords: ['RMAP_EXCLUSIVE', 'SetPageAnonExclusive'],
    docs: {
      why: [
        'PG_anon_exclusive says that only this process maps an anonymous page, so it may be written',
        'without copying (COW reuse) and GUP pins stay coherent. When a page is unmapped for swap-out',
        'or migration the flag is stored in the entry: the swp-exclusive bit (`pte_swp_mkexclusive`,',
        '"mm/swap: remember PG_anon_exclusive via a swp pte bit", 1493a1913e34) or the',
        'readable-exclusive / writable migration entry type (6c287605fd56). Restoring the mapping must',
        'take the flag back from there: `pte_swp_exclusive()` in do_swap_page() and unuse_pte(),',
        '`!is_readable_migration_entry()` in remove_migration_pte()/pmd(). Setting RMAP_EXCLUSIVE or',
        'SetPageAnonExclusive() unconditionally for a page that was in the swap cache makes a page that',
        'fork() shared (the swp bit was cleared for the child) exclusive again: one process then writes',
        'into a page the other still maps, and GUP references see the wrong page.',
      ].join(' '),
      fix: 'set RMAP_EXCLUSIVE only under pte_swp_exclusive(orig_pte) / !is_readable_migration_entry(entry), or for a new copy of the page (folio != swapcache, folio_add_new_anon_rmap())',
      limits: [
        'Only functions that decode a swap or migration entry are checked. Accepted evidence: the',
        'entry predicates, `folio != swapcache`, `folio_ref_count(folio) == 1`, PageAnonExclusive() of a',
        'present mapping being split, wp_can_reuse_anon_folio(), a caller flag test `flags & RMAP_EXCLUSIVE`,',
        'and booleans assigned only from these. RMAP_EXCLUSIVE passed to folio_add_new_anon_rmap() is a',
        'fresh page. A guard is taken as evidence wherever it dominates the flag; whether it tests the same',
        'entry that is being restored is not checked.',
      ].join(' '),
      references: [
        'linux-mm, 2022-03: "mm/swap: remember PG_anon_exclusive via a swp pte bit"',
        'commit 1493a1913e34 ("mm/swap: remember PG_anon_exclusive via a swp pte bit")',
        'commit 6c287605fd56 ("mm: remember exclusively mapped anonymous pages with PG_anon_exclusive")',
        'mm/swapfile.c: unuse_pte(); mm/memory.c: do_swap_page(); mm/migrate.c: remove_migration_pte()',
      ],
      examples: {
        invalid: [
          `static void restore_swapped(struct vm_area_struct *vma, unsigned long addr,
		struct folio *folio, struct page *page, pte_t old_pte)
{
	rmap_t rmap_flags = RMAP_NONE;
	swp_entry_t entry = pte_to_swp_entry(old_pte);

	rmap_flags |= RMAP_EXCLUSIVE;
	folio_add_anon_rmap_pte(folio, page, vma, addr, rmap_flags);
}`,
        ],
        valid: [
          `static void restore_swapped(struct vm_area_struct *vma, unsigned long addr,
		struct folio *folio, struct page *page, pte_t old_pte)
{
	rmap_t rmap_flags = RMAP_NONE;
	swp_entry_t entry = pte_to_swp_entry(old_pte);

	if (pte_swp_exclusive(old_pte))
		rmap_flags |= RMAP_EXCLUSIVE;
	folio_add_anon_rmap_pte(folio, page, vma, addr, rmap_flags);
}`,
        ],
      },
    },
  },
  check({ facts, report }) {
    const excl = facts.exclusivity;
    if (!excl.decodesEntry()) return;
    for (const sink of excl.exclusivitySinks()) {
      if (excl.hasProvenance(sink.point)) continue;
      report({ node: sink.node, messageId: 'exclusiveWithoutProvenance', data: { what: sink.what === 'RMAP_EXCLUSIVE' ? 'RMAP_EXCLUSIVE' : `${sink.what}()` } });
    }
  },
});

const EXCLUSIVITY_OWN_EVIDENCE = /\b(?:pte|pmd)_swp_exclusive\s*\(|\b(?:folio_ref_count|page_count)\s*\([^()]*\)\s*==\s*1\b/;

/**
 * The if conditions of a swap-in or restore path that prove exclusivity when they hold and are
 * about exclusivity: they guard a visible RMAP_EXCLUSIVE / SetPageAnonExclusive(), or they read
 * the swp-exclusive bit or a refcount of 1 (a migration type test alone may be about write
 * permission: remove_migration_pte()'s is_writable_migration_entry() guards pte_mkwrite()).
 */
function provenanceConditions(facts: FunctionFacts): HunkFact[] {
  const excl = facts.exclusivity;
  if (looksLikeForkCopy(facts) || (!excl.decodesEntry() && excl.exclusivitySinks().length === 0)) return [];
  const out: HunkFact[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'if_statement') {
      const condition = n.childForFieldName('condition');
      const consequence = n.childForFieldName('consequence');
      const aboutExclusivity = (consequence && /\b(?:RMAP_EXCLUSIVE|SetPageAnonExclusive)\b/.test(consequence.text)) ||
        (condition && EXCLUSIVITY_OWN_EVIDENCE.test(condition.text));
      if (condition && aboutExclusivity && excl.proves(condition, true, new Set())) {
        out.push({ key: 'provenance', node: condition, data: { condition: condition.text.replace(/\s+/g, ' ').replace(/^\((.*)\)$/, '$1') } });
      } else if (condition) {
        // A proof that also leans on what is out of sight (do_swap_page()'s `exclusive ||
        // folio_ref_count(folio) == 1`, `exclusive` set above the hunk): its own evidence, counted.
        for (const atom of atomsOf({ expr: condition, positive: true })) {
          if (atom.positive && EXCLUSIVITY_OWN_EVIDENCE.test(atom.node.text) && excl.proves(atom.node, true, new Set())) {
            out.push({ key: 'evidence', node: atom.node, data: { condition: atom.node.text.replace(/\s+/g, ' ') } });
          }
        }
      }
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(facts.model.body);
  return out;
}
