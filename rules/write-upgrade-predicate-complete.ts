// R12 (docs/invariants.md#write-upgrade-predicate-complete): a predicate that lets an entry become writable
// without a write fault must rule out every reason the fault is still needed, on every way it can
// return true. Origin: Dirty COW (CVE-2016-5195, 19be0eaffa3a) and its FOLL_FORCE variant
// (CVE-2022-2590, 5535be309971, which introduced can_follow_write_pte()); can_change_pte_writable()
// from 64fe24a3e05e, whose soft-dirty test was inverted until 76aefad628aa.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import { isWriteUpgradePredicate, upgradePredicateChecksProtnone } from '../src/analysis/kernel-api.js';
import { establishes, type MeaningTest, type ReturnPath } from '../src/analysis/predicate-paths.js';
import type { FunctionFacts } from '../src/analysis/facts.js';

/** One thing a return-true path must have ruled out, and what counts as ruling it out. */
interface Check {
  /** How the message names it, for the predicate's level (pte/pmd/pud). */
  label: (level: string) => string;
  tests: MeaningTest[];
}

const UFFD_WP: Check = {
  label: (l) => `uffd-wp (${l === 'pmd' ? 'userfaultfd_huge_pmd_wp' : 'userfaultfd_pte_wp'}())`,
  tests: [
    { cls: 'uffdBlocker', positive: false },
    { cls: 'uffd', positive: false },
    { cls: 'uffdVma', positive: false },
  ],
};

const SOFT_DIRTY: Check = {
  label: (l) => `soft-dirty tracking (${l}_needs_soft_dirty_wp(), or vma_soft_dirty_enabled() && !${l}_soft_dirty())`,
  tests: [
    { cls: 'softDirtyBlocker', positive: false },
    // vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte) known false (6.1 spelling)
    { cls: 'softDirtyTracking', positive: false },
    { cls: 'entrySoftDirty', positive: true },
  ],
};

const PROTNONE: Check = {
  label: (l) => `NUMA hinting (${l}_protnone())`,
  tests: [{ cls: 'protnone', positive: false }],
};

const EXCLUSIVE: Check = {
  label: () => 'an exclusive anon page (PageAnon() && PageAnonExclusive())',
  tests: [{ cls: 'anonExclusive', positive: true }],
};

const DIRTY: Check = {
  label: (l) => `a dirty entry on the shared path (${l}_dirty())`,
  tests: [{ cls: 'entryDirty', positive: true }],
};

const CHECK_ORDER: Check[] = [UFFD_WP, SOFT_DIRTY, PROTNONE, EXCLUSIVE, DIRTY];

const SOURCE_WRITE: MeaningTest[] = [{ cls: 'srcWrite', positive: true }];
const SHARED: MeaningTest[] = [{ cls: 'vmShared', positive: true }];
const PRIVATE: MeaningTest[] = [{ cls: 'vmShared', positive: false }];

export default defineRule({
  meta: {
    id: 'write-upgrade-predicate-complete',
    catalogue: 'R12',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a write-upgrade predicate that can return true without ruling out every write-fault reason',
    messages: {
      incomplete: '{{predicate}}() can return true at line {{line}} without checking {{missing}}',
      reasonDropped:
        'the patch removes {{call}}() from {{predicate}}(): a way to true no longer rules out {{reason}}, so the entry can become writable without the fault it needs (judged from the hunks)',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts) the predicate's other ways are out of sight, but
    // a test of a fault reason that the pre-image has on the patch's lines and the post-image lost
    // (counted per reason, so a respelled test such as 6.1's vma_soft_dirty_enabled() &&
    // !pte_soft_dirty() -> pte_needs_soft_dirty_wp() is no change) is a way to true the patch opened.
    hunkFacts: { messageId: 'reasonDropped', collect: reasonTests },
    keywords: ['can_change_', 'can_follow_write', 'writable('],
    docs: {
      why: [
        'can_change_pte_writable(), can_change_pmd_writable() (mprotect, NUMA hinting) and',
        'can_follow_write_pte(), can_follow_write_pmd() (GUP with FOLL_FORCE) decide that an entry may be',
        'written without taking a write fault. The write fault is what breaks COW, reports uffd-wp writes',
        'to the monitor, records soft-dirty and notifies the file system of a shared mapping, so the',
        'predicate must rule out each of these on every way it returns true: uffd-wp',
        '(userfaultfd_pte_wp()), soft-dirty tracking (pte_needs_soft_dirty_wp(), or',
        'vma_soft_dirty_enabled() && !pte_soft_dirty() in 6.1), a NUMA hinting entry (pte_protnone(), for',
        'the mprotect/NUMA predicates) and, for a private mapping, a page that is anonymous and exclusive',
        '(PageAnonExclusive()) or, for a shared one, a dirty entry (the FS was already notified).',
        'Dirty COW (CVE-2016-5195, 19be0eaffa3a) and its FOLL_FORCE variant CVE-2022-2590 (5535be309971)',
        'wrote into page-cache pages because a FOLL_FORCE write was let through on a page that was not an',
        'exclusive anonymous page; 5535be309971 replaced FOLL_COW with can_follow_write_pte(), which',
        'requires the exclusive anon page and no uffd-wp / soft-dirty write-protection. 64fe24a3e05e',
        'introduced can_change_pte_writable() with PageAnonExclusive() for private mappings, and',
        '76aefad628aa fixed its soft-dirty test, which used the raw (inverted) VM_SOFTDIRTY flag and so',
        'made soft-dirty-tracked entries writable.',
      ].join(' '),
      fix: 'return false unless the entry needs no write fault: !userfaultfd_pte_wp(), !pte_needs_soft_dirty_wp(), !pte_protnone(), and PageAnonExclusive() (private) or pte_dirty() (shared)',
      limits: [
        'Each way to a return whose value can be true is checked on its own, with the conditions known',
        'on it (early `return false` under a condition leaves its negation known). A way that tested the',
        'entry writable (`if (pte_write(pte)) return true;`) needs no check (can_follow_write_pte()). The NUMA check is',
        'required only of the mprotect/NUMA predicates (can_change_*): GUP callers test protnone before',
        'calling can_follow_write_*(). The dirty arm is required only on ways that know the mapping is',
        'shared; ways that do not know require the exclusive anon page. The raw VM_SOFTDIRTY flag does not',
        'count as a soft-dirty check (76aefad628aa). The inline upgrade guard of do_swap_page() is left to',
        'pte-write-grant-unjustified (its !userfaultfd_pte_wp() && !pte_needs_soft_dirty_wp() conjunction) and uffd-wp-never-writable, which already report',
        'a dropped half of it. Same-file helpers the predicate calls (`if (!maybe_change_pte_writable(..))',
        'return false;`) count with what every way they return true checks; a call of another',
        'write-upgrade predicate counts as complete (it is checked where it is defined); helpers of other',
        'files count as nothing. A predicate with "shared" in its name is taken as the shared arm.',
        'Recognized predicates: can_change_*writable*, can_*writable*, can_follow_write_pte/pmd/pud.',
        'In patch mode without a tree a predicate is checked only when the patch shows it whole.',
      ].join(' '),
      references: [
        '19be0eaffa3a mm: remove gup_flags FOLL_WRITE games from __get_user_pages() (CVE-2016-5195)',
        '5535be309971 mm/gup: fix FOLL_FORCE COW security issue and remove FOLL_COW (CVE-2022-2590)',
        '64fe24a3e05e mm/mprotect: try avoiding write faults for exclusive anonymous pages when changing protection',
        '76aefad628aa mm/mprotect: fix soft-dirty check in can_change_pte_writable()',
      ],
      examples: {
        invalid: [
          `static bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (pte_protnone(pte))
		return false;
	if (pte_needs_soft_dirty_wp(vma, pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte) && !userfaultfd_pte_wp(vma, pte);
}`,
        ],
        valid: [
          `static bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (pte_protnone(pte))
		return false;
	if (pte_needs_soft_dirty_wp(vma, pte))
		return false;
	if (userfaultfd_pte_wp(vma, pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    const name = facts.name;
    if (!isWriteUpgradePredicate(name)) return;
    // A predicate rebuilt from hunks hides the checks above them: a missing check proves nothing
    // (a patch that adds or rewrites the predicate whole is analyzed as complete).
    if (facts.partial) return;
    const level = /pmd/.test(name) ? 'pmd' : /pud/.test(name) ? 'pud' : 'pte';
    // Several ways can reach one return (6.1: the private way through the exclusivity block and the
    // shared way around it): one finding per return, naming what any of them lacks.
    const byReturn = new Map<number, { path: ReturnPath; missing: Set<Check> }>();
    for (const path of facts.returnTruePaths) {
      const missing = missingChecks(facts, name, path);
      if (missing.length === 0) continue;
      const entry = byReturn.get(path.node.id) ?? { path, missing: new Set<Check>() };
      for (const c of missing) entry.missing.add(c);
      byReturn.set(path.node.id, entry);
    }
    for (const { path, missing } of byReturn.values()) {
      const ordered = CHECK_ORDER.filter((c) => missing.has(c));
      report({
        node: path.node,
        messageId: 'incomplete',
        data: { predicate: name, line: lineOf(path.node), missing: ordered.map((c) => c.label(level)).join(', ') },
      });
    }
  },
});

/** The calls of a write-upgrade predicate that test one of the fault reasons, keyed by the reason. */
function reasonTests(facts: FunctionFacts): HunkFact[] {
  const name = facts.name;
  if (!isWriteUpgradePredicate(name)) return [];
  const level = /pmd/.test(name) ? 'pmd' : /pud/.test(name) ? 'pud' : 'pte';
  const out: HunkFact[] = [];
  for (const call of facts.model.calls) {
    const meanings = facts.guards.meaningsOf({ node: call.node, positive: true, definite: true });
    // The entry's own soft-dirty bit only qualifies the tracking test (vma_soft_dirty_enabled() &&
    // !pte_soft_dirty()); counted alone, a tracking test respelled as pte_needs_soft_dirty_wp() would be one fewer.
    const check = CHECK_ORDER.find((c) => c.tests.some((t) => t.cls !== 'entrySoftDirty' && meanings.some((m) => m.cls === t.cls)));
    if (!check) continue;
    out.push({ key: `reason:${check.label(level)}`, node: call.node, data: { call: call.name, predicate: name, reason: check.label(level) } });
  }
  return out;
}

/** The checks a return-true way lacks (none when it tested the entry writable: can_follow_write_pte()). */
function missingChecks(facts: FunctionFacts, predicate: string, path: ReturnPath): Check[] {
  const known = (tests: MeaningTest[]): boolean => path.facts.some((f) => establishes(facts, f, tests));
  if (known(SOURCE_WRITE)) return [];
  const required: Check[] = [UFFD_WP, SOFT_DIRTY];
  if (upgradePredicateChecksProtnone(predicate)) required.push(PROTNONE);
  const missing = required.filter((c) => !known(c.tests));
  // A known-shared way may rely on the dirty bit (write-notify done); any other way may be private,
  // where only an exclusive anon page can be written without breaking COW. A predicate named for
  // shared mappings (2025+ can_change_shared_pte_writable(), called under VM_SHARED) is shared.
  if (known(SHARED) || (/shared/.test(predicate) && !known(PRIVATE))) {
    if (!known(DIRTY.tests) && !known(EXCLUSIVE.tests)) missing.push(DIRTY);
  } else if (!known(EXCLUSIVE.tests)) {
    missing.push(EXCLUSIVE);
  }
  return missing;
}
