// R14 (docs/invariants.md#redundant-maybe-mkwrite): maybe_*mkwrite() after a source-write check
// re-checks the VMA for nothing. Origin: "mm: don't check VMA write permissions if the PTE/PMD
// indicates write permissions" (David Hildenbrand, 2023), which removed the recheck that
// d3cb8bf6081b had added.

import { defineRule } from '../src/engine/define-rule.js';
import { versionAtLeast } from '../src/kernel-version.js';

const REPLACEMENT: Record<string, [string, string]> = {
  // [6.6+ spelling, 6.5 and older]
  maybe_mkwrite: ['pte_mkwrite(pte, vma)', 'pte_mkwrite(pte)'],
  maybe_pmd_mkwrite: ['pmd_mkwrite(pmd, vma)', 'pmd_mkwrite(pmd)'],
  maybe_pud_mkwrite: ['pud_mkwrite(pud)', 'pud_mkwrite(pud)'],
};

export default defineRule({
  meta: {
    id: 'redundant-maybe-mkwrite',
    catalogue: 'R14',
    severity: 'note',
    category: 'hygiene',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect maybe_mkwrite() that re-checks the VMA after the entry already proved write permission',
    messages: {
      redundant: '{{call}}() after {{guard}} re-checks the VMA needlessly: the source entry already says it was writable',
    },
    keywords: ['maybe_mkwrite', 'maybe_pmd_mkwrite', 'maybe_pud_mkwrite'],
    docs: {
      why: [
        'maybe_mkwrite() grants write only if the VMA has VM_WRITE. When the grant is already guarded by a',
        'test of the source entry (is_writable_migration_entry(), pte_write(), a `write` boolean from',
        'pmd_write()), the VMA test is redundant: mprotect() first updates vm_flags / vm_page_prot and then',
        'walks the page tables under the same PT lock, downgrading writable entries (and writable migration',
        'entries) as it goes, so an entry found writable under the PT lock is authoritative ("mm: don\'t check VMA write permissions if the PTE/PMD indicates write permissions", 2023).',
        'The recheck is not a bug, but it suggests to readers that the VMA decides write permission, which',
        'is the very confusion that leads to pte-write-grant-unjustified.',
      ].join(' '),
      fix: 'use pte_mkwrite() / pmd_mkwrite() under the source-write check',
      limits: 'Only guards that test the source entry count (not FAULT_FLAG_WRITE, not exclusivity); in 6.1 trees the recheck is still upstream code (remove_migration_pte/pmd, restore_exclusive_pte).',
      references: [
        'linux-mm, 2023-04: "mm: don\'t check VMA write permissions if the PTE/PMD indicates write permissions"',
        'd3cb8bf6081b mm: migrate: Close race between migration completion and mprotect',
      ],
      examples: {
        invalid: [
          `static void restore_pte(struct vm_area_struct *vma, pte_t *ptep, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(ptep_get(ptep));

	if (is_writable_migration_entry(entry))
		pte = maybe_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, 0, ptep, pte);
}`,
        ],
        valid: [
          `static void restore_pte(struct vm_area_struct *vma, pte_t *ptep, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(ptep_get(ptep));

	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, 0, ptep, pte);
}`,
        ],
      },
    },
  },
  check({ facts, version, report }) {
    for (const grant of facts.grants) {
      if (grant.kind !== 'grantVma') continue;
      const guard = grant.point.guards.find((g) =>
        facts.meanings([g]).some((m) => m.cls === 'srcWrite' && m.positive),
      );
      if (!guard) continue;
      const [modern, older] = REPLACEMENT[grant.name] ?? ['pte_mkwrite()', 'pte_mkwrite()'];
      report({
        node: grant.node,
        messageId: 'redundant',
        data: { call: grant.name, guard: guard.expr.text.replace(/\s+/g, ' ').replace(/^\((.*)\)$/, '$1') },
        help: `use ${versionAtLeast(version, 6, 6) ? modern : older} under the source-write check`,
      });
    }
  },
});
