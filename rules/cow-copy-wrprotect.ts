// R7 (docs/invariants.md#cow-copy-wrprotect): copying a writable present entry into a
// child in a COW mapping must write-protect both the parent's entry in place and the value
// installed in the child. Otherwise parent and child share a page one of them can still write
// without a COW fault: the Dirty COW class (19be0eaffa3a for CVE-2016-5195, 5535be309971 for CVE-2022-2590).

import { defineRule } from '../src/engine/define-rule.js';
import { isValueWrprotect, keepsSource, mayRunTogether, presentValue, writeProtected, type ForkCopy, type SlotOp } from '../src/analysis/fork-copy.js';
import type { Call } from '../src/analysis/function-model.js';

export default defineRule({
  meta: {
    id: 'cow-copy-wrprotect',
    catalogue: 'R7',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a fork copy that write-protects only one of parent and child in a COW mapping',
    messages: {
      childWritable:
        '{{op}}() write-protects the parent\'s entry, but the value {{sink}}() installs in the child at line {{line}} is not write-protected: the child can write the COW-shared page',
      parentWritable:
        '{{op}}() write-protects the child\'s copy, but the parent\'s entry stays writable (no ptep_set_wrprotect()/wrprotect_ptes() on the source slot): the parent can write the COW-shared page',
      helperChildWritable:
        '{{helper}}() installs the child\'s entry without write-protecting it, while {{op}}() write-protects the parent: the child can write the COW-shared page',
      neitherSide:
        '{{sink}}() installs a copy of the parent\'s present entry and nothing write-protects either side: in a COW mapping parent and child can both write the shared page',
      helperParentWritable:
        '{{helper}}() write-protects only the child\'s entry and nothing write-protects the parent\'s source slot: the parent can write the COW-shared page',
      hunkCarry:
        'the COW write-protect {{call}}() (under {{guard}}) is missing from this function in this version: parent or child can write the COW-shared page (judged from the hunks; give --tree for the full analysis)',
    },
    hunkCarry: { kind: 'cowWrprotect', messageId: 'hunkCarry' },
    keywords: ['ptep_set_wrprotect', 'wrprotect_ptes', 'pmdp_set_wrprotect', 'pudp_set_wrprotect', 'huge_ptep_set_wrprotect', 'src_pte', 'src_pmd', 'src_pud'],
    docs: {
      why: [
        'fork() shares anonymous and private file pages between parent and child; a later write must',
        'fault and break COW. copy_present_ptes()/__copy_present_ptes(), copy_huge_pmd(), copy_huge_pud()',
        'and copy_hugetlb_page_range() therefore write-protect a writable entry of a COW mapping',
        '(is_cow_mapping(vm_flags)) twice: in place in the parent (ptep_set_wrprotect(), wrprotect_ptes(),',
        'pmdp_set_wrprotect(), pudp_set_wrprotect(), huge_ptep_set_wrprotect() on the source slot) and in the',
        'value installed in the child (pte_wrprotect(), pmd_wrprotect(), pud_wrprotect(), huge_pte_wrprotect()).',
        'Either half alone leaves one process able to write a page the other still maps, the',
        'Dirty COW class of bug (19be0eaffa3a, CVE-2016-5195; 5535be309971, CVE-2022-2590): the other process then sees',
        'the writes, or a GUP pin and the page tables disagree about which page is mapped.',
      ].join(' '),
      fix: 'write-protect both sides under the same condition: ptep_set_wrprotect(src_mm, addr, src_pte) (or wrprotect_ptes() for a batch) and pte = pte_wrprotect(pte) before the child\'s set_pte_at()',
      limits: [
        'A fork copy is recognised by its slot names (src_*/dst_*): a child-slot installer in a function',
        'that names a parent slot. The child\'s value is followed through its definitions; a definition that',
        'always runs with the parent\'s write-protect (same block) rules out the paths that skip it; the',
        'latest write-affecting step decides (a batch upgrade from any_writable after pte_wrprotect() undoes it).',
        'Inline helpers of the same file that install into the child (6.12 __copy_present_ptes()) are',
        'summarised at their call; the helper itself is checked on its own, so a protection split between',
        'caller and helper is reported in the helper. A copy with neither side write-protected is reported',
        'only when the copied value went through a present-only operation (pte_mkold(), ...) and the copy',
        'has no write-protect at all. PFNMAP special entries (pmd_special()/pte_special(): never anonymous, never uffd-wp)',
        'are exempt. Fresh private copies (copy_present_page(), hugetlb_install_folio()) are not COW copies.',
      ].join(' '),
      references: [
        'mm/memory.c: __copy_present_ptes(), copy_present_ptes() (6.12), copy_present_pte() (6.1)',
        'mm/huge_memory.c: copy_huge_pmd(), copy_huge_pud()',
        'mm/hugetlb.c: copy_hugetlb_page_range()',
        '19be0eaffa3a mm: remove gup_flags FOLL_WRITE games from __get_user_pages() (Dirty COW)',
        '5535be309971 mm/gup: fix FOLL_FORCE COW security issue and remove FOLL_COW',
      ],
      examples: {
        invalid: [
          `static void copy_one_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);

	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte))
		ptep_set_wrprotect(src_vma->vm_mm, addr, src_pte);
	pte = pte_mkold(pte);
	if (!userfaultfd_wp(dst_vma))
		pte = pte_clear_uffd_wp(pte);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
}`,
        ],
        valid: [
          `static void copy_one_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = ptep_get(src_pte);

	if (is_cow_mapping(src_vma->vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_vma->vm_mm, addr, src_pte);
		pte = pte_wrprotect(pte);
	}
	pte = pte_mkold(pte);
	if (!userfaultfd_wp(dst_vma))
		pte = pte_clear_uffd_wp(pte);
	set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    const fork = facts.forkCopy;
    if (!fork.isCopy) return;
    const reported = new Set<number>();

    // The parent is write-protected in place: every copied value the child can get on the same
    // execution must be write-protected too.
    for (const w of fork.srcWrprotects) {
      for (const d of fork.dstOps) {
        if (!mayRunTogether(facts, w.call.point, d.call.point)) continue;
        const live = fork.lineages(d).filter((l) => fork.copied(l) && !fork.special(l, d) && fork.liveWith(l, d, w.call));
        const unprotected = live.some((l) => !writeProtected(l, facts.version) && !fork.skipsCowWrprotect(l, d));
        if (d.helper) {
          if (!d.helper.dstWrprotect && unprotected) {
            report({ node: d.call.node, messageId: 'helperChildWritable', data: { helper: d.helper.name, op: w.call.name } });
          }
          continue;
        }
        if (unprotected && !reported.has(w.call.node.id)) {
          reported.add(w.call.node.id);
          report({ node: w.call.node, messageId: 'childWritable', data: { op: w.call.name, sink: d.call.name, line: lineOf(d.call.node) } });
        }
      }
    }

    // The checks below report an absence, which a fragment rebuilt from hunks cannot prove.
    if (facts.partial) return;

    // The child's copy is write-protected: the parent's slot must be too, on the same execution.
    for (const d of fork.dstOps) {
      if (d.helper) {
        if (d.helper.dstWrprotect && !d.helper.srcWrprotect && !parentProtected(fork, d.call)) {
          report({ node: d.call.node, messageId: 'helperParentWritable', data: { helper: d.helper.name } });
        }
        continue;
      }
      for (const l of fork.lineages(d)) {
        if (!fork.copied(l) || fork.special(l, d)) continue;
        for (const v of l.steps.filter(isValueWrprotect)) {
          if (reported.has(v.node.id)) continue;
          // A write-protect for uffd-wp (6.1 copy_present_page) is not the COW half.
          if (facts.meanings(v.point.guards).some((m) => m.cls === 'uffd')) continue;
          if (parentProtected(fork, v)) continue;
          reported.add(v.node.id);
          report({ node: v.node, messageId: 'parentWritable', data: { op: v.name } });
        }
      }
    }

    // Neither half: a present entry copied with no write-protect anywhere in the copy.
    if (fork.srcWrprotects.length > 0 || facts.model.calls.some(isValueWrprotect)) return;
    for (const d of fork.dstOps) {
      if (d.helper) continue;
      // Only a COW mapping needs the pair: skip installs known to be in a shared or non-COW mapping.
      if (facts.meanings(d.call.point.guards).some((m) => (m.cls === 'cowMapping' && !m.positive) || (m.cls === 'vmShared' && m.positive))) continue;
      const copied = fork.lineages(d).filter((l) => fork.copied(l) && keepsSource(l) && presentValue(l) && !fork.special(l, d));
      if (copied.length > 0) {
        report({ node: d.call.node, messageId: 'neitherSide', data: { sink: d.call.name } });
        break;
      }
    }
  },
});

/** Is the parent's slot write-protected (in place, or by a write-back of a protected value) with `at`? */
function parentProtected(fork: ForkCopy, at: Call): boolean {
  const with_ = (op: SlotOp): boolean => mayRunTogether(fork.facts, op.call.point, at.point);
  if (fork.srcWrprotects.some(with_)) return true;
  return fork.srcWriteBacks.some((s) => with_(s) && fork.lineages(s).some((l) => l.steps.some(isValueWrprotect)));
}
