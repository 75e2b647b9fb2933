// R5 sub-rule (DESIGN Part 2 §4 R5, §9 E13): a restore must not make a page soft-dirty that was not.
// Origin: "mm/migrate: preserve exact soft-dirty state" (Paul Gofman, 2024): remove_migration_pte()
// set soft-dirty through x86 pte_mkdirty() on pages that were clean for the tracker, and gained the
// `else pte = pte_clear_soft_dirty(pte);` after the carry.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { apiOf, hasRole } from '../src/analysis/kernel-api.js';
import { bitTransferOf } from '../src/analysis/bit-transfer.js';

export default defineRule({
  meta: {
    id: 'soft-dirty-spurious-gain',
    catalogue: 'R5',
    severity: 'note',
    category: 'suspicious',
    confidence: 'low',
    enabledByDefault: false,
    summary: 'Detect a restore whose *_mkdirty() makes an entry soft-dirty that was not',
    messages: {
      clearDropped:
        'the patch removes {{call}}() from the way where the old entry was not soft-dirty: *_mkdirty() sets soft-dirty on x86, and the entry gains it (judged from the hunks)',
      gained:
        '{{mkdirty}}() sets soft-dirty on x86, and on the path where {{predicate}} is false nothing clears it before {{sink}}() at line {{sinkLine}}',
    },
    // From hunks alone (src/engine/hunk-facts.ts): the soft-dirty clears on the way where the old
    // entry was not soft-dirty (`else pte = pte_clear_soft_dirty(pte)`). The *_mkdirty() and the
    // installer may be out of sight, but both images share them: a patch that deletes the clear
    // lets *_mkdirty() mark the entry soft-dirty on that way. A patch that deletes the carry with
    // it (the whole if/else) loses soft-dirty handling: soft-dirty-propagate's, as with the tree.
    hunkFacts: {
      messageId: 'clearDropped',
      collect: softDirtyClears,
      judge: (lost) => (lost.some((l) => l.key === 'soft-dirty-set') ? [] : lost.filter((l) => l.key === 'soft-dirty-clear').map((l) => ({ lost: l }))),
    },
    keywords: ['mkdirty'],
    docs: {
      why: [
        'On x86 pte_mkdirty() and pmd_mkdirty() set _PAGE_SOFT_DIRTY together with _PAGE_DIRTY. A restore',
        'that carries soft-dirty from the old entry (`if (pte_swp_soft_dirty(old)) pte = pte_mksoft_dirty(pte)`)',
        'and then re-applies the dirty bit makes every dirty page soft-dirty, so a checkpoint tool sees pages',
        'as written that were only migrated. "mm/migrate: preserve exact soft-dirty state" (2024) fixed',
        'remove_migration_pte() with an `else pte = pte_clear_soft_dirty(pte)`. The same gain remains,',
        'deliberately, in remove_migration_pmd() and __split_huge_pmd_locked() (commented there), so the',
        'rule is off by default.',
      ].join(' '),
      fix: 'clear soft-dirty when the source lacked it: `else pte = pte_clear_soft_dirty(pte);` after the *_mkdirty()',
      limits: [
        'Only restores that carry soft-dirty from a tested source are considered; fault handlers (a write',
        'really happened) and a mkdirty that comes with write permission (maybe_mkwrite(pte_mkdirty(..)))',
        'are not reported. hugetlb has no soft-dirty.',
      ].join(' '),
      references: [
        'mm/migrate: preserve exact soft-dirty state (Paul Gofman, 2024)',
        'remove_migration_pmd(), __split_huge_pmd_locked() (6.12): the gain left in place, with a comment',
      ],
      examples: {
        invalid: [
          `static void restore(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t old_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (is_migration_entry_dirty(entry))
		pte = pte_mkdirty(pte);
	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
        valid: [
          `static void restore(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t old_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (is_migration_entry_dirty(entry))
		pte = pte_mkdirty(pte);
	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	else
		pte = pte_clear_soft_dirty(pte);
	if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    for (const gain of bitTransferOf(facts).spuriousGains()) {
      report({
        node: gain.mkdirty.node,
        messageId: 'gained',
        data: {
          mkdirty: gain.mkdirty.name,
          predicate: gain.predicate.text.replace(/\s+/g, ' '),
          sink: gain.sink.name,
          sinkLine: lineOf(gain.sink.node),
        },
      });
    }
  },
});

/**
 * Soft-dirty clears of a present value under a known not-soft-dirty old entry, and the sets under
 * a soft-dirty one (the carry the clear is the other arm of).
 */
function softDirtyClears(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  for (const c of facts.model.calls) {
    const effect = apiOf(c.name)?.effect;
    if ((effect !== 'clearSoftDirty' && effect !== 'setSoftDirty') || hasRole(c.name, 'swap-only-accessor')) continue;
    const set = effect === 'setSoftDirty';
    if (!facts.meanings(c.point.guards).some((m) => m.cls === 'softDirty' && m.positive === set)) continue;
    out.push({ key: set ? 'soft-dirty-set' : 'soft-dirty-clear', node: c.node, data: { call: c.name } });
  }
  return out;
}
