// R11 (docs/invariants.md#batch-merged-restore): a batch-merged value must not widen write permission when it
// is written back to `nr` entries. Origin: the linux-mm thread "mm/rmap: fix incorrect pte restoration for
// lazyfree folios" (2026): try_to_unmap_one() restored get_and_clear_ptes()'s merged value with
// set_ptes(), making read-only PTEs of the batch writable.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import { apiOf, batchFlagNamed } from '../src/analysis/kernel-api.js';
import type { FunctionFacts, Sink } from '../src/analysis/facts.js';
import { atomsOf } from '../src/analysis/guards.js';
import type { ValuePath } from '../src/analysis/value-flow.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';

export default defineRule({
  meta: {
    id: 'batch-merged-restore',
    catalogue: 'R11',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a batch-merged PTE value written back to a batch without write-protection',
    messages: {
      helperPolicy:
        '{{helper}}() sizes its batch with {{builder}}() {{change}} the write bit ({{flag}}): a caller that restores the batch\'s merged value with set_ptes() {{effect}} (judged from the hunks; give --tree to see the callers)',
      mergedRestore:
        '{{sink}}() writes the value merged by {{source}}() at line {{line}} to {{count}} entries without pte_wrprotect(): read-only PTEs of the batch become writable',
      wrprotectDropped:
        'the patch removes the {{call}}() of the value merged by {{source}}(): where that value is written back to the batch (below the hunks shown), read-only PTEs of the batch become writable (judged from the hunks; give --tree to see the restore)',
      mergedWrite:
        '{{sink}}() writes a value made writable from the batch\'s merged write bit (line {{line}}) to {{count}} entries: read-only PTEs of the batch become writable',
    },
    helperPolicy: { bit: 'write', messageId: 'helperPolicy' },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): the restore is often many lines below the clear,
    // outside every hunk (the 2026 lazyfree fix: about 90 lines), so the write-protect of the merged value is
    // judged where the patch changes it: deleting it is the bug, adding it the fix.
    hunkFacts: { messageId: 'wrprotectDropped', collect: mergedProtections },
    keywords: ['get_and_clear_full_ptes', 'get_and_clear_ptes', 'any_writable', 'FPB_MERGE_WRITE', 'folio_pte_batch', 'modify_prot_start_ptes'],
    docs: {
      why: [
        'get_and_clear_ptes() / get_and_clear_full_ptes() clear a batch of PTEs and return one value with',
        'the dirty and young bits of the whole batch merged in; folio_pte_batch() reports a merged',
        '`any_writable`, and folio_pte_batch_flags(.., &pte, .., FPB_MERGE_WRITE) ORs it into `pte`. The batch is built ignoring the write bit unless FPB_RESPECT_WRITE is asked for,',
        'so the merged value can carry the write bit of one PTE while others in the batch were read-only',
        '(COW-shared, uffd-wp, soft-dirty tracked). Writing that value back with set_ptes(.., nr) upgrades',
        'all of them: the lazyfree restore bug of try_to_unmap_one() ("mm/rmap: fix incorrect pte restoration for lazyfree folios"). David Hildenbrand\'s fix:',
        '"just assume read-only to not accidentally upgrade write permissions" with pte_wrprotect(); the',
        'alternative is a batch that honours pte_write() (FPB_RESPECT_WRITE).',
      ].join(' '),
      fix: 'pte_wrprotect() the merged value before writing it back, or build the batch with FPB_RESPECT_WRITE',
      limits: [
        'The batch policy is followed from the count argument to folio_pte_batch*() directly or through',
        'a helper defined in the same file. Values that only feed conditions, single-entry restores and',
        'swap batches (swap_pte_batch() requires identical bits) are not reported. A merged write followed',
        'by the COW write-protect or sent to a VM_SHARED destination is accepted. Soft-dirty widening',
        '(the merge uses pte_mkdirty(), which sets soft-dirty on x86) is not reported by this rule.',
      ].join(' '),
      references: [
        'linux-mm, 2026-02: "mm/rmap: fix incorrect pte restoration for lazyfree folios"',
        'mm/rmap.c: try_to_unmap_one() (2025+ batched lazyfree path)',
        'include/linux/pgtable.h: get_and_clear_full_ptes()',
      ],
      examples: {
        invalid: [
          `static void unmap_batch(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		unsigned int nr, bool busy)
{
	pte_t pteval = get_and_clear_ptes(mm, addr, ptep, nr);

	if (busy)
		set_ptes(mm, addr, ptep, pteval, nr);
}`,
        ],
        valid: [
          `static void unmap_batch(struct mm_struct *mm, unsigned long addr, pte_t *ptep,
		unsigned int nr, bool busy)
{
	pte_t pteval = get_and_clear_ptes(mm, addr, ptep, nr);

	pteval = pte_wrprotect(pteval);
	if (busy)
		set_ptes(mm, addr, ptep, pteval, nr);
}`,
        ],
      },
    },
  },
  check({ facts, lineOf, report }) {
    for (const sink of facts.sinks) {
      if (!sink.value || !sink.count || isOne(sink.count)) continue;
      for (const path of facts.pathsOf(sink.value)) {
        const merge = mergeOf(facts, path);
        if (!merge) continue;
        const after = path.steps.slice(merge.stepIndex + 1);
        // pte_modify() replaces the write bit with the new protection's (mprotect batching).
        if (after.some((s) => s.api.effect === 'wrprotect' || s.api.effect === 'modify')) continue;
        if (acceptedDestination(facts, sink, path)) continue;
        if (facts.batchPolicy(sink.count)?.respectsWrite) continue;
        report({
          node: sink.call.node,
          messageId: merge.kind === 'read' ? 'mergedRestore' : 'mergedWrite',
          data: { sink: sink.call.name, source: merge.name, line: lineOf(merge.node), count: sink.count.text },
        });
        break;
      }
    }
  },
});

interface Merge {
  kind: 'read' | 'write';
  name: string;
  node: SyntaxNode;
  /** Index of the merging step in path.steps (-1: the base). */
  stepIndex: number;
}

/** Where a path's value took in the whole batch's bits: a merged read, or a grant from any_writable. */
function mergeOf(facts: FunctionFacts, path: ValuePath): Merge | undefined {
  let merge: Merge | undefined;
  if (path.base.kind === 'readMerged') {
    const name = path.base.node.childForFieldName('function')?.text ?? 'get_and_clear_ptes';
    merge = { kind: 'read', name, node: path.base.node, stepIndex: -1 };
  }
  path.steps.forEach((s, i) => {
    // folio_pte_batch_flags(.., &pte, .., FPB_MERGE_WRITE): the caller's pte takes the batch's write bit.
    if (s.api.effect === 'mergeBatch' && s.call.args.some((a) => facts.flagsMention(a, batchFlagNamed('write', 'merge')))) {
      merge = { kind: 'write', name: s.call.name, node: s.call.node, stepIndex: i };
      return;
    }
    if (s.api.effect !== 'grant') return;
    if (facts.meanings(s.call.point.guards).some((m) => m.cls === 'anyWritable' && m.positive)) {
      merge = { kind: 'write', name: s.call.name, node: s.call.node, stepIndex: i };
    }
  });
  return merge;
}

/**
 * copy_present_ptes(): a merged write is fine when the COW write-protect follows on the other
 * path, or the destination is a shared mapping (R11 "Accepted").
 */
function acceptedDestination(facts: FunctionFacts, sink: Sink, path: ValuePath): boolean {
  const m = facts.meanings(sink.call.point.guards);
  if (m.some((x) => (x.cls === 'cowMapping' && !x.positive) || (x.cls === 'vmShared' && x.positive))) return true;
  // On the path that skipped `if (is_cow_mapping(..) && pte_write(pte)) pte = pte_wrprotect(pte);`
  // either the mapping is not COW (shared: writable is fine) or the value is not writable.
  return path.assumptions.some((g) =>
    atomsOf(g).some((a) => facts.guards.meaningsOf(a).some((x) => x.cls === 'cowMapping' && !x.positive)),
  );
}

/** Write-protects of a batch-merged value, the first protection after its merge. */
function mergedProtections(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  for (const call of facts.model.calls) {
    const api = apiOf(call.name);
    if (api?.effect !== 'wrprotect' || api.level === 'swp' || !call.args[0]) continue;
    for (const path of facts.pathsOf(call.args[0])) {
      const merge = mergeOf(facts, path);
      if (!merge || path.steps.slice(merge.stepIndex + 1).some((s) => s.api.effect === 'wrprotect')) continue;
      out.push({ key: 'merged-wrprotect', node: call.node, data: { call: call.name, source: merge.name } });
      break;
    }
  }
  return out;
}

function isOne(n: SyntaxNode): boolean {
  return n.type === 'number_literal' && /^1[uUlL]*$/.test(n.text);
}
