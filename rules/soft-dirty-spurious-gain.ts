// R5 sub-rule (docs/invariants.md#soft-dirty-spurious-gain): a restore must not make a page
// soft-dirty that was not. Origin: "mm/migrate: preserve exact soft-dirty state" (Paul Gofman,
// 2024): remove_migration_pte() set soft-dirty through x86 pte_mkdirty() on pages that were clean
// for the tracker, and gained the `else pte = pte_clear_soft_dirty(pte);` after the carry.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { apiOf, hasRole } from '../src/analysis/kernel-api.js';
import { isFresh, sinkLevel } from '../src/analysis/bit-transfer.js';
import type { Call } from '../src/analysis/function-model.js';
import { identifiersIn } from '../src/analysis/syntax.js';
import type { ValuePath } from '../src/analysis/value-flow.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';

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
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the soft-dirty clears on the way where the old
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
    for (const gain of spuriousGains(facts)) {
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

interface SpuriousGain {
  /** The *_mkdirty() call that sets soft-dirty on x86. */
  mkdirty: Call;
  sink: Call;
  /** The soft-dirty test of the source whose false arm gains the bit. */
  predicate: SyntaxNode;
}

/**
 * Restores where x86 *_mkdirty() sets soft-dirty on a path where the source lacked it, with no
 * *_clear_soft_dirty() after it ("mm/migrate: preserve exact soft-dirty state", 2024). Fault
 * handlers dirty the page they map for a write (the tracker wants that), and hugetlb has no
 * soft-dirty.
 */
function spuriousGains(facts: FunctionFacts): SpuriousGain[] {
  const out: SpuriousGain[] = [];
  if (facts.hasFaultParameter()) return out;
  const bt = facts.bitTransfer;
  for (const sink of facts.sinks) {
    if (!sink.value || sinkLevel(sink) === 'huge') continue;
    let found: SpuriousGain | undefined;
    for (const path of facts.pathsOf(sink.value)) {
      if (!isFresh(path) || !bt.feasible(sink, path)) continue;
      const predicate = bt.pairingPredicate('softDirty', path);
      if (!predicate) continue;
      // KSM marks the zero pages it maps with pte_mkdirty() (replace_page): not a restore.
      const guards = [...facts.model.pointOf(path.base.node).guards, ...path.assumptions];
      if (identifiersIn(path.base.node).some((n) => hasRole(n, 'zero-page')) || bt.zeroPageGuard(guards)) continue;
      // The path that went through the setter had soft-dirty in the source: gaining is fine.
      if (path.steps.some((s) => s.api.effect === 'setSoftDirty')) continue;
      const idx = path.steps.findIndex((s, i) => s.api.effect === 'mkdirty' && !mkdirtyForWrite(facts, path, i));
      if (idx < 0) continue;
      if (path.steps.slice(idx + 1).some((s) => s.api.effect === 'clearSoftDirty')) continue;
      found = { mkdirty: path.steps[idx].call, sink: sink.call, predicate };
      break;
    }
    if (found) out.push(found);
  }
  return out;
}

/** A mkdirty that comes with write permission (maybe_mkwrite(pte_mkdirty(..))) is a write, not a restore. */
function mkdirtyForWrite(facts: FunctionFacts, path: ValuePath, i: number): boolean {
  const next = path.steps[i + 1];
  if (next && (next.api.effect === 'grant' || next.api.effect === 'grantVma')) return true;
  const m = facts.meanings(path.steps[i].call.point.guards);
  return m.some((x) => (x.cls === 'srcWrite' || x.cls === 'faultWrite') && x.positive);
}

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
