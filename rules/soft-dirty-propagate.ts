// R5 (docs/invariants.md#soft-dirty-propagate): soft-dirty is never lost across a transition,
// and moved entries become soft-dirty. Origin: 179ef71cbc08 "mm: save soft-dirty bits on swapped
// pages" (the swap encode/decode pairs) and 0f8975ec4db2 "mm: soft-dirty bits for user memory
// changes tracking" (mremap'ed entries must be marked soft-dirty).

import { defineRule } from '../src/engine/define-rule.js';
import { carryHelp, type BitLoss, type BitTransfer, type CarryPolicy } from '../src/analysis/bit-transfer.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import { hasRole } from '../src/analysis/kernel-api.js';
import { identifiersIn } from '../src/analysis/syntax.js';

export default defineRule({
  meta: {
    id: 'soft-dirty-propagate',
    catalogue: 'R5',
    severity: 'warning',
    category: 'suspicious',
    confidence: 'medium',
    enabledByDefault: true,
    summary: 'Detect an entry transition or move that loses the soft-dirty bit',
    messages: {
      lostInHelper:
        'soft-dirty of {{source}} (line {{line}}) is lost on {{direction}}: {{sink}}() installs a new entry without it (no {{setter}}())',
      lost:
        'soft-dirty of {{source}} (line {{line}}) is lost on {{direction}}: the value built here and installed by {{sink}}() at line {{sinkLine}} never gets {{setter}}()',
      moveUnmarked:
        '{{sink}}() installs the entry moved from {{source}} (line {{line}}) without marking it soft-dirty: no {{setter}}() or move_soft_dirty_*() before it',
      hunkCarry:
        'the soft-dirty carry {{call}}() (under {{guard}}) is missing from this function in this version: the entry loses soft-dirty on that path (judged from the hunks; give --tree for the full analysis)',
    },
    hunkCarry: { kind: 'softDirtyCarry', messageId: 'hunkCarry' },
    // The user-mapping installers (the kernel-api table's sink role), the zap marker installers, the clearing
    // reads a zap starts with, and the soft-dirty carries a hunk may show alone.
    keywords: ['soft_dirty', 'set_pte_at', 'set_ptes', 'set_pmd_at', 'set_pud_at', 'set_huge_pte_at', 'prot_commit', 'set_access_flags', 'install_uffd_wp', 'get_and_clear', 'clear_flush'],
    docs: {
      why: [
        'CRIU and other checkpoint tools clear soft-dirty through /proc/pid/clear_refs and later read which',
        'pages were written since. The bit lives in the entry, so every transition has to carry it: a page',
        'swapped out and back (179ef71cbc08 added _PAGE_SWP_SOFT_DIRTY for this), migrated, split from a',
        'THP or copied on unshare must keep pte_soft_dirty() / pte_swp_soft_dirty() of the old entry, and an',
        'entry moved by mremap() or UFFDIO_MOVE must become soft-dirty (0f8975ec4db2: the tracker cannot see',
        'the move otherwise). A lost bit makes an incremental dump skip a changed page: silent data loss.',
      ].join(' '),
      fix: 'carry the bit (`if (pte_soft_dirty(old)) new = pte_swp_mksoft_dirty(new);`), or mark a moved entry with move_soft_dirty_pte()',
      limits: [
        'x86 *_mkdirty() also sets soft-dirty and is accepted as a carrier (khugepaged, UFFDIO_MOVE of a',
        'THP). Not reported: hugetlb (no soft-dirty), PUD-level moves (no PUD soft-dirty: move_huge_pud()),',
        'device-private entries rebuilt from device-private ones (documented in copy_nonpresent_pte()),',
        'zero-page replacements and moves',
        '(the huge zero page of move_pages_huge_pmd(), move_zeropage_pte()), poison entries, entries dropped without a new install (zap, MADV_FREE).',
        'The old entry is recognised as for uffd-wp-propagate: decoded, bits read, or its slot cleared.',
      ].join(' '),
      references: [
        '179ef71cbc08 mm: save soft-dirty bits on swapped pages',
        '0f8975ec4db2 mm: soft-dirty bits for user memory changes tracking',
        'wp_page_copy(): the unshare copy carries soft-dirty from vmf->orig_pte',
      ],
      examples: {
        invalid: [
          `static void unmap_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		swp_entry_t entry)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);
	pte_t swp_pte = swp_entry_to_pte(entry);

	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
}`,
        ],
        valid: [
          `static void unmap_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		swp_entry_t entry)
{
	pte_t pteval = ptep_clear_flush(vma, addr, ptep);
	pte_t swp_pte = swp_entry_to_pte(entry);

	if (pte_soft_dirty(pteval))
		swp_pte = pte_swp_mksoft_dirty(swp_pte);
	if (pte_uffd_wp(pteval))
		swp_pte = pte_swp_mkuffd_wp(swp_pte);
	set_pte_at(vma->vm_mm, addr, ptep, swp_pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    const bt = facts.bitTransfer;
    for (const loss of softDirtyLosses(facts)) {
      // An entry installed whole at another slot: the install itself is where the mark is missing.
      const moved = loss.direction === 'move' && loss.node.id === loss.sink.node.id;
      report({
        node: loss.node,
        messageId: loss.viaHelper ? 'lostInHelper' : moved ? 'moveUnmarked' : 'lost',
        data: {
          source: loss.source.name,
          line: lineOf(bt.lineNode(loss.source)),
          direction: loss.direction,
          sink: loss.sink.name,
          sinkLine: lineOf(loss.sink.node),
          setter: loss.setter,
        },
        help: moved ? moveHelp(loss) : carryHelp(loss),
      });
    }
  },
});

/**
 * Moves must be marked: mremap() and UFFDIO_MOVE relocate an entry whole, and the tracker sees
 * the new address only if the moved entry is soft-dirty (move_soft_dirty_pte(), 0f8975ec4db2).
 */
const policy: CarryPolicy = { bit: 'softDirty', marksMoves: true, exempt };

/** The transitions of this function that lose soft-dirty and are findings of this rule. */
export function softDirtyLosses(facts: FunctionFacts): BitLoss[] {
  return facts.bitTransfer.losses(policy);
}

/** Transitions where soft-dirty has nothing to keep. */
function exempt(loss: BitLoss, bt: BitTransfer): boolean {
  // hugetlb entries have no soft-dirty bit, nor do PUDs (move_huge_pud() moves without one).
  if (loss.level === 'huge' || loss.level === 'pud') return true;
  // The zero page is never written: mapping it (KSM's replace_page(), the huge zero page of
  // move_pages_huge_pmd(), move_zeropage_pte()) tracks nothing, nor does replacing it
  // (migrate_vma_insert_page() after `if (!is_zero_pfn(pte_pfn(orig_pte))) goto abort;`).
  if (identifiersIn(loss.node).some((n) => hasRole(n, 'zero-page')) || bt.zeroPageGuard(loss.guards)) return true;
  if (bt.zeroPageSource(loss.source)) return true;
  // A device-private entry rebuilt from a device-private entry (fork, mprotect) deliberately drops
  // soft-dirty (copy_nonpresent_pte()); a migration entry restored to a device-private one
  // (remove_migration_pte()) keeps it.
  if ([...loss.made].some((n) => hasRole(n, 'device-private-entry-maker')) &&
    bt.guardNames(loss.guards, true, loss.source).some((n) => hasRole(n, 'device-private-test'))) {
    return true;
  }
  // Under a hugetlb test the entry is a hugetlb one, whatever installs it.
  return bt.guardNames(loss.guards, true).some((n) => hasRole(n, 'hugetlb-test'));
}

function moveHelp(loss: BitLoss): string {
  return `mark the moved entry soft-dirty before ${loss.sink.name}(): ${loss.setter}() or move_soft_dirty_${loss.source.level === 'pmd' ? 'pmd' : 'pte'}()`;
}
