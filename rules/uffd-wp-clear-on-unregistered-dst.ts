// R4 (docs/invariants.md#uffd-wp-clear-on-unregistered-dst): fork() and mremap() must not leak
// uffd-wp state into a VMA that is not uffd-wp registered. Origins: "mm/userfaultfd: fix uffd-wp
// special cases for fork()" (Peter Xu, 2021) and 0cef0bb836e3 "mm: clear uffd-wp PTE/PMD state on
// mremap()". The per-kind coverage analysis lives in src/analysis/uffd-wp-transfers.ts.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { atomsOf } from '../src/analysis/guards.js';
import { accessorFacts, respelledSwapToPresent } from '../src/analysis/accessor-family.js';
import type { UffdTransfer } from '../src/analysis/uffd-wp-transfers.js';
import { apiOf, hasRole, type UffdCarrierKind } from '../src/analysis/kernel-api.js';
import { placeName } from '../src/analysis/function-model.js';

const KIND_NAMES: Record<UffdCarrierKind, string> = {
  present: 'present',
  swap: 'swap/migration',
  marker: 'uffd-wp marker',
};

export default defineRule({
  meta: {
    id: 'uffd-wp-clear-on-unregistered-dst',
    catalogue: 'R4',
    severity: 'warning',
    category: 'suspicious',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect a fork or mremap copy that can leave uffd-wp on entries of an unregistered VMA',
    messages: {
      noClear:
        '{{sink}}() installs a {{kinds}} entry {{verb}} from {{source}} that may carry uffd-wp, and nothing clears it when the destination VMA is not uffd-wp registered',
      kindNotCleared:
        '{{sink}}() may install a {{kinds}} entry {{verb}} from {{source}} with uffd-wp: no clear of that kind runs whenever the destination VMA is not uffd-wp registered (clears seen: {{clears}})',
      markerKept:
        '{{sink}}() may install a uffd-wp marker {{verb}} from {{source}} into a VMA that is not uffd-wp registered: drop it or use copy_pte_marker()',
      respelledClear:
        'the patch replaces `{{expr}}` {{what}}: uffd-wp stays on entries copied into a VMA that is not registered (judged from the hunks)',
      hunkCarry:
        'the uffd-wp clear {{call}}() (under {{guard}}) is missing from this function in this version: entries keep uffd-wp in a VMA that is not registered (judged from the hunks; give --tree for the full analysis)',
    },
    hunkCarry: { kind: 'uffdClear', messageId: 'hunkCarry' },
    // From hunks alone: a swap-family uffd-wp clear respelled in the present family on the same
    // value clears another bit of the swap entry (the hunk-carry count sees a clear either way).
    // And the tests of the destination's registration (`!userfaultfd_wp(dst_vma)`,
    // `need_clear_uffd_wp`) that decide whether uffd-wp or a marker goes to the copy: one the
    // patch deletes or replaces leaves the copy's uffd-wp to the source.
    hunkFacts: {
      messageId: 'respelledClear',
      collect: (facts) => [...accessorFacts(facts), ...registrationTests(facts)],
      judge: (lost, gained, before) => [
        ...respelledSwapToPresent(lost, gained, before, (access) => access === 'clear_uffd_wp')
          .map((v) => ({ ...v, data: { ...v.data, expr: `${v.lost.data.call}(${v.lost.data.value})` } })),
        ...lost.filter((l) => l.key === 'registration-test').map((l) => ({ lost: l, at: undefined })),
      ],
    },
    // A fork copy names its destination VMA, mm or slot; a move clears the old slot.
    keywords: ['uffd_wp', 'dst_vma', 'dst_mm', 'dst_pte', 'dst_ptep', 'dst_pmd', 'dst_pud', 'get_and_clear'],
    docs: {
      why: [
        'uffd-wp state (the present bit, the swp bit of swap and migration entries, and PTE_MARKER_UFFD_WP',
        'markers) only means something in a VMA registered for userfaultfd write-protection. fork() copies',
        'entries into the child, whose VMA is registered only if the parent\'s uffd asked for fork events;',
        'mremap() moves entries to a new range, and without UFFD_EVENT_REMAP the monitor does not follow',
        'them. A stale bit in an unregistered VMA makes later writes fault for nobody (markers even keep',
        'the entry non-present) or, worse, reappears as uffd-wp when the VMA is registered again. Peter',
        'Xu\'s "mm/userfaultfd: fix uffd-wp special cases for fork()" added the `!userfaultfd_wp(dst_vma)`',
        'clears for present and swap entries and copy_pte_marker(); 0cef0bb836e3 "mm: clear uffd-wp',
        'PTE/PMD state on mremap()" did the same for mremap under vma_has_uffd_without_event_remap(),',
        'dropping uffd-wp markers. Each entry kind the function installs needs its own clear:',
        'pte_clear_uffd_wp() does nothing to a swap entry, pte_swp_clear_uffd_wp() nothing to a marker.',
      ].join(' '),
      fix: 'under `!userfaultfd_wp(dst_vma)` (fork) or `vma_has_uffd_without_event_remap(vma)` (mremap), clear uffd-wp with the helper of each kind installed: *_clear_uffd_wp() for present entries, *_swp_clear_uffd_wp() for swap and migration entries, and drop uffd-wp markers (or copy them with copy_pte_marker())',
      limits: [
        'Only installs of a value read from another slot are checked: fork copies (functions naming a',
        'src and a dst) and moves (a read that clears the old slot). UFFDIO_MOVE helpers are out of scope',
        '(the ioctl moves between ranges of one userfaultfd). Entry kinds are inferred from kind tests on',
        'the same entry, exiting if/else-if arms, unguarded decodes and present-only transforms; a kind',
        'the function never tests counts as possible. Values reaching the installer through a goto are not',
        'seen (6.12 copy_huge_pmd\'s pmd_special() path, which is exempt anyway). Hwpoison and',
        'PFNMAP-special entries carry no uffd-wp. PUD entries have no uffd-wp.',
      ].join(' '),
      references: [
        'mm/userfaultfd: fix uffd-wp special cases for fork() (Peter Xu, 2021)',
        '0cef0bb836e3 mm: clear uffd-wp PTE/PMD state on mremap()',
        '5a2f8d22de8b mm/hugetlb: fix uffd-wp during fork()',
        'mm/memory.c: copy_nonpresent_pte(), __copy_present_ptes(); mm/mremap.c: move_ptes()',
      ],
      examples: {
        invalid: [
          `static int copy_one_swap(struct mm_struct *dst_mm, struct vm_area_struct *dst_vma,
		struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_pte_marker_entry(entry))
		return 0;
	if (swap_duplicate(entry) < 0)
		return -EIO;
	set_pte_at(dst_mm, addr, dst_pte, pte);
	return 0;
}`,
        ],
        valid: [
          `static int copy_one_swap(struct mm_struct *dst_mm, struct vm_area_struct *dst_vma,
		struct vm_area_struct *src_vma, pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_pte_marker_entry(entry))
		return 0;
	if (swap_duplicate(entry) < 0)
		return -EIO;
	if (!userfaultfd_wp(dst_vma))
		pte = pte_swp_clear_uffd_wp(pte);
	set_pte_at(dst_mm, addr, dst_pte, pte);
	return 0;
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    for (const t of uncoveredTransfers(facts)) {
      const base = { sink: t.sink.call.name, verb: t.mode === 'copy' ? 'copied' : 'moved', source: sourceName(t) };
      const nonMarker = t.uncovered.filter((k) => k !== 'marker');
      if (nonMarker.length === 0) {
        report({ node: t.sink.call.node, messageId: 'markerKept', data: base });
      } else if (t.clears.length === 0) {
        report({ node: t.sink.call.node, messageId: 'noClear', data: { ...base, kinds: kindList(t.uncovered) } });
      } else {
        const clears = t.clears.map((c) => `${c.name}() at line ${lineOf(c.node)}`).join(', ');
        report({ node: t.sink.call.node, messageId: 'kindNotCleared', data: { ...base, kinds: kindList(nonMarker), clears } });
      }
    }
  },
});

/** Transfers of a possibly-uffd-wp value into another slot that leave some kind uncleared. */
export function uncoveredTransfers(facts: FunctionFacts): UffdTransfer[] {
  if (isUffdioMove(facts)) return [];
  return facts.uffdWpTransfers.filter((t) => t.uncovered.length > 0);
}

/**
 * UFFDIO_MOVE moves pages between ranges of one userfaultfd (the ioctl defines the mapping): the
 * known helpers, and any function that takes a destination VMA and clears a source slot
 * (move_present_pte, move_swap_pte, move_pages_huge_pmd). fork never clears the parent's slot;
 * mremap's moves work within `vma` from old to new slots.
 */
function isUffdioMove(facts: FunctionFacts): boolean {
  if (hasRole(facts.name, 'uffdio-move-helper')) return true;
  const dstVma = [...facts.model.params].some(([n, type]) => /^dst/.test(n) && /struct\s+vm_area_struct\b/.test(type));
  if (!dstVma) return false;
  return facts.model.calls.some((c) => {
    if (!hasRole(c.name, 'clearing-read')) return false;
    const slot = c.args[apiOf(c.name)?.slotArg ?? 2];
    return !!slot && /^src/.test(placeName(slot));
  });
}

function kindList(kinds: UffdCarrierKind[]): string {
  return kinds.map((k) => KIND_NAMES[k]).join(' or ');
}

function sourceName(t: UffdTransfer): string {
  return t.source.startsWith('param:') ? `parameter ${t.source.slice(6)}` : t.source || 'the source entry';
}

/**
 * The tests of whether the copy's destination is uffd-wp registered, in fork copies and moves. A
 * marker copier (copy_pte_marker(), which tests the destination itself) is the same fact: 6.12
 * replaced `if (userfaultfd_wp(dst_vma)) set_pte_at(..)` with it.
 */
function registrationTests(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  for (const call of facts.model.calls) {
    if (hasRole(call.name, 'uffd-wp-marker-copier')) {
      out.push({ key: 'registration-test', node: call.node, data: { expr: call.name + '()', what: 'as the test of the destination\'s uffd-wp registration' } });
    }
    for (const guard of call.point.guards) {
      for (const atom of atomsOf(guard)) {
        const n = atom.node;
        const name = n.type === 'call_expression' ? n.childForFieldName('function')?.text : n.type === 'identifier' ? n.text : undefined;
        const vma = n.type === 'call_expression' ? n.childForFieldName('arguments')?.namedChildren[0]?.text ?? '' : '';
        const destination = name !== undefined && ((hasRole(name, 'uffd-wp-vma-test') && /\bdst_vma\b/.test(vma)) || hasRole(name, 'uffd-wp-unregistered-test'));
        if (!destination || out.some((f) => f.node.id === n.id)) continue;
        const expr = (atom.positive ? '' : '!') + n.text.replace(/\s+/g, ' ');
        out.push({ key: 'registration-test', node: n, data: { expr, what: 'as the test of the destination\'s uffd-wp registration' } });
      }
    }
  }
  return out;
}
