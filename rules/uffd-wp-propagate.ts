// R3 (docs/invariants.md#uffd-wp-propagate): uffd-wp survives every transition of an entry inside
// a registered VMA. Origin: f45ec5ff16a7 "userfaultfd: wp: support swap and page migration" (the
// bit was lost across swap and migration), the 2021 fork/THP fixes ("mm/userfaultfd: fix a few thp
// pmd missing uffd-wp bit"), and the unshare copies of wp_page_copy()/hugetlb_wp().

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { hasRole, UFFD_WP_MARKER, ZAP_UFFD_WP_MARKER_INSTALLER } from '../src/analysis/kernel-api.js';
import { carryHelp, type BitLoss, type CarryPolicy, type Zap } from '../src/analysis/bit-transfer.js';

export default defineRule({
  meta: {
    id: 'uffd-wp-propagate',
    catalogue: 'R3',
    severity: 'error',
    category: 'correctness',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect an entry transition that drops the uffd-wp bit of the entry it replaces',
    messages: {
      lostInHelper:
        'uffd-wp of {{source}} (line {{line}}) is lost on {{direction}}: {{sink}}() installs a new entry without it (no {{setter}}())',
      zapped:
        'uffd-wp of {{source}} (line {{line}}) is lost on zap: {{sink}}() clears the entry and no uffd-wp marker takes its place ({{setter}}())',
      lost:
        'uffd-wp of {{source}} (line {{line}}) is lost on {{direction}}: the value built here and installed by {{sink}}() at line {{sinkLine}} never gets {{setter}}()',
      markerDropped:
        'the patch removes {{call}}() from the uffd-wp way: the entry is zapped without a uffd-wp marker taking its place, and uffd-wp is lost (judged from the hunks)',
      hunkCarry:
        'the uffd-wp carry {{call}}() (under {{guard}}) is missing from this function in this version: the entry loses uffd-wp on that path (judged from the hunks; give --tree for the full analysis)',
    },
    hunkCarry: { kind: 'uffdCarry', messageId: 'hunkCarry' },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the uffd-wp markers a zap leaves under a uffd-wp
    // test (`make_pte_marker(PTE_MARKER_UFFD_WP)`), or the helpers that leave one: a patch that
    // deletes one lets the zapped entry's uffd-wp go with it.
    hunkFacts: { messageId: 'markerDropped', collect: uffdMarkers },
    // Every user-mapping installer (the kernel-api table's sink role: a deleted carry leaves no uffd-wp word
    // behind in the function), the zap marker installers, and the clearing reads a zap starts with.
    keywords: ['set_pte_at', 'set_ptes', 'set_pmd_at', 'set_pud_at', 'set_huge_pte_at', 'prot_commit', 'set_access_flags', 'install_uffd_wp', 'get_and_clear', 'clear_flush', 'mkuffd_wp'],
    docs: {
      why: [
        'userfaultfd write-protection keeps a write-protected range read-only until the monitor resolves',
        'it, and the only record of that state is the uffd-wp bit of each entry. When an entry changes',
        'form - unmapped into a swap or migration entry (encode), mapped back (decode), rebuilt as another',
        'swap entry, split from a PMD into PTEs, copied on an unshare fault - the new entry must be given',
        'the bit the old one had (pte_uffd_wp() -> pte_swp_mkuffd_wp(), pte_swp_uffd_wp() ->',
        'pte_mkuffd_wp(), ...). Otherwise the next write goes through without a fault and the monitor',
        '(live migration, snapshots) silently misses it. f45ec5ff16a7 added the swap and migration carries',
        'after exactly this loss; the 2021 fixes "mm/userfaultfd: fix a few thp pmd missing uffd-wp bit"',
        'repaired the THP split and migration paths, and 6.1 hugetlb still loses it on the fork copy of a',
        'pinned page and on unshare (6.1 hugetlb_install_page() and hugetlb_wp(); 6.12 carries it in both).',
      ].join(' '),
      fix: 'carry the bit: `if (pte_uffd_wp(old)) new = pte_swp_mkuffd_wp(new);` (use the helper of the new entry kind)',
      limits: [
        'The old entry is recognised when the function decodes it, reads any of its bits, or clears the slot',
        'it installs into; a value built fresh (mk_pte(), swp_entry_to_pte(make_*_entry())) must then get',
        'the bit on every path unless the source is known to lack it (the false arm of a uffd-wp test of the',
        'old entry; a test of the entry being built carries nothing), is',
        'writable (a writable entry never carries uffd-wp), or is empty. Not reported: whole-value',
        'copies (they carry every bit), UFFDIO_MOVE (the ioctl defines the moved entry; its helpers in',
        'mm/userfaultfd.c and move_pages_huge_pmd() are exempt by name), poison and hwpoison',
        'entries (make_hwpoison_entry(), make_poisoned_swp_entry()), anonymous zaps (they drop everything), PMD-level zaps (no marker exists), and a',
        'cleared entry returned to the caller (get_and_clear_full_ptes()). Pairing across functions',
        '(the encoder in rmap.c, the decoder in migrate.c) is by entry type, so each side is checked alone.',
      ].join(' '),
      references: [
        'f45ec5ff16a7 userfaultfd: wp: support swap and page migration',
        'mm/userfaultfd: fix a few thp pmd missing uffd-wp bit (Peter Xu, 2021)',
        'wp_page_copy() and hugetlb_wp() (6.12): the unshare copies carry uffd-wp',
      ],
      examples: {
        invalid: [
          `static void restore(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		struct page *page)
{
	pte_t old_pte = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old_pte);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
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

	if (pte_swp_soft_dirty(old_pte))
		pte = pte_mksoft_dirty(pte);
	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old_pte))
		pte = pte_mkuffd_wp(pte);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    // UFFDIO_MOVE: the ioctl defines the moved entry's uffd-wp state. Exempt by function as well as
    // by the computed direction, which needs the source's clear in view (a source cleared by
    // pte_clear() or by a batch helper is not recognised as a move).
    if (hasRole(facts.name, 'uffdio-move-helper')) return;
    const bt = facts.bitTransfer;
    for (const loss of bt.losses(policy)) {
      report({
        node: loss.node,
        messageId: loss.viaHelper ? 'lostInHelper' : 'lost',
        data: {
          source: loss.source.name,
          line: lineOf(bt.lineNode(loss.source)),
          direction: loss.direction,
          sink: loss.sink.name,
          sinkLine: lineOf(loss.sink.node),
          setter: loss.setter,
        },
        help: carryHelp(loss),
      });
    }
    for (const zap of unmarkedZaps(facts)) {
      report({
        node: zap.clear.node,
        messageId: 'zapped',
        data: {
          source: zap.source.name,
          line: lineOf(bt.lineNode(zap.source)),
          direction: 'zap',
          sink: zap.clear.name,
          sinkLine: lineOf(zap.clear.node),
          setter: ZAP_UFFD_WP_MARKER_INSTALLER,
        },
        help: `install a uffd-wp marker where ${zap.source.name} leaves its slot: pte_install_uffd_wp_if_needed() / zap_install_uffd_wp_if_needed()`,
      });
    }
  },
});

/** Moves keep no uffd-wp of their own: moved entries are checked as whole values. */
const policy: CarryPolicy = { bit: 'uffd', marksMoves: false, exempt };

/** Transitions where uffd-wp has nothing to keep, or that the bit's owner defines. */
function exempt(loss: BitLoss): boolean {
  // A uffd-wp marker installed in the entry's place holds the bit by construction.
  if (loss.made.has(UFFD_WP_MARKER)) return true;
  // UFFDIO_MOVE: the ioctl defines the moved entry's uffd-wp state.
  return loss.direction === 'move';
}

/**
 * Zaps must leave a uffd-wp marker (pte_install_uffd_wp_if_needed(), zap_install_uffd_wp_if_needed(),
 * make_pte_marker(PTE_MARKER_UFFD_WP)) after the clear. Anonymous zaps drop everything by design
 * (zap_pte_range() installs markers for file-backed memory only).
 */
function unmarkedZaps(facts: FunctionFacts): Zap[] {
  const bt = facts.bitTransfer;
  const markers = facts.model.calls.filter((c) => hasRole(c.name, 'uffd-wp-zap-installer'));
  return bt.zaps().filter((z) =>
    !markers.some((m) => bt.after(z.clear, m)) && !bt.guardNames(z.clear.point.guards, true).some((n) => hasRole(n, 'anon-test')));
}

/** The transitions of this function that lose uffd-wp and are findings of this rule. */
export function uffdWpLosses(facts: FunctionFacts): Array<BitLoss | Zap> {
  return [...facts.bitTransfer.losses(policy), ...unmarkedZaps(facts)];
}

/** Installs of a uffd-wp marker under a uffd-wp test, and the helpers that install one. */
function uffdMarkers(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  for (const call of facts.model.calls) {
    const marker = hasRole(call.name, 'pte-marker-maker') && call.args.some((a) => a.text.includes(UFFD_WP_MARKER)) &&
      facts.meanings(call.point.guards).some((m) => m.cls === 'uffd' && m.positive);
    if (marker || hasRole(call.name, 'uffd-wp-zap-installer')) out.push({ key: 'uffd-marker', node: call.node, data: { call: call.name } });
  }
  return out;
}
