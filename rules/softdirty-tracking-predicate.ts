// R13 (docs/invariants.md#softdirty-tracking-predicate): "soft-dirty tracking is active" is
// vma_soft_dirty_enabled(vma) = CONFIG_MEM_SOFT_DIRTY && !(vm_flags & VM_SOFTDIRTY). VM_SOFTDIRTY
// set means the whole VMA counts as dirty, i.e. tracking is *off*; 64fe24a3e05e tested it the
// wrong way round in can_change_pte_writable() and 76aefad628aa fixed it.

import { defineRule, type HunkFact } from '../src/engine/define-rule.js';
import { hasRole, isWriteUpgradePredicate, SOFT_DIRTY_VMA_FLAG } from '../src/analysis/kernel-api.js';
import type { FunctionFacts } from '../src/analysis/facts.js';
import type { SyntaxNode } from '../src/engine/define-rule.js';
import type { WriteDecision } from '../src/analysis/vm-softdirty-tests.js';

export default defineRule({
  meta: {
    id: 'softdirty-tracking-predicate',
    catalogue: 'R13',
    severity: 'error',
    category: 'correctness',
    confidence: 'high',
    enabledByDefault: true,
    summary: 'Detect a raw VM_SOFTDIRTY test used as "soft-dirty tracking is active" (it is inverted)',
    messages: {
      respelledRaw:
        'the patch replaces vma_soft_dirty_enabled({{vma}}) with `{{at_test}}`, which is set when soft-dirty tracking is off: the test is inverted (judged from the hunks)',
      invertedTracking:
        '{{test}} is set when soft-dirty tracking is off, but is used here as "tracking active" to decide {{decision}}: use vma_soft_dirty_enabled({{vma}})',
      invertedNoTracking:
        '!({{test}}) holds when soft-dirty tracking is active, but is used here to allow {{decision}}: use !vma_soft_dirty_enabled({{vma}})',
    },
    // From hunks alone (src/engine/patch-mode/hunk-facts.ts): vma_soft_dirty_enabled(vma) respelled by the
    // patch as a raw `vma->vm_flags & VM_SOFTDIRTY` test on the same VMA inverts what is tested,
    // whatever the decision below the hunk is (76aefad628aa).
    hunkFacts: {
      messageId: 'respelledRaw',
      collect: trackingTests,
      judge: (lost, gained) => lost.flatMap((l) => {
        const at = gained.find((g) => g.key === l.key.replace(/^tracking:/, 'raw:'));
        return l.key.startsWith('tracking:') && at ? [{ lost: l, at }] : [];
      }),
    },
    keywords: [SOFT_DIRTY_VMA_FLAG],
    docs: {
      why: [
        'Soft-dirty tracking (clear_refs "4", CRIU) write-protects entries so that the next write faults',
        'and sets the soft-dirty bit. Its VMA flag has an inverted meaning: VM_SOFTDIRTY set means "the',
        'whole VMA is dirty already", i.e. tracking is off; clear_refs clears it to start tracking.',
        '64fe24a3e05e let mprotect() map exclusive anon pages writable without a fault unless soft-dirty',
        'tracking needs the fault, but tested `(vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte)`:',
        'tracked VMAs were upgraded and writes went unrecorded. 76aefad628aa "mm/mprotect: fix soft-dirty',
        'check in can_change_pte_writable()" introduced vma_soft_dirty_enabled(), which also returns false',
        'when CONFIG_MEM_SOFT_DIRTY is off (where VM_SOFTDIRTY is 0).',
      ].join(' '),
      fix: 'test vma_soft_dirty_enabled(vma) (with !pte_soft_dirty()/!pmd_soft_dirty(), or pte_needs_soft_dirty_wp()) instead of the raw flag',
      limits: [
        'Only tests of the flag that decide write permission are checked: in write-upgrade predicates',
        '(can_*writable*, *_needs_soft_dirty_wp), and in functions that grant write or write-protect.',
        'The polarity comes from a companion soft-dirty bit test (`&& !pte_soft_dirty()`) or from what the',
        'condition guards (a `return false` of an upgrade predicate, a grant, a write-protect). Pagemap',
        'reporting, clear_refs and VMA flag bookkeeping are not decisions about write permission.',
      ].join(' '),
      references: [
        '76aefad628aa mm/mprotect: fix soft-dirty check in can_change_pte_writable()',
        '64fe24a3e05e mm/mprotect: try avoiding write faults for exclusive anonymous pages when changing protection',
        'mm/internal.h: vma_soft_dirty_enabled()',
      ],
      examples: {
        invalid: [
          `static bool can_upgrade(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	if (pte_protnone(pte) || !pte_dirty(pte))
		return false;
	if ((vma->vm_flags & VM_SOFTDIRTY) && !pte_soft_dirty(pte))
		return false;
	return !userfaultfd_pte_wp(vma, pte);
}`,
        ],
        valid: [
          `static bool can_upgrade(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	if (pte_protnone(pte) || !pte_dirty(pte))
		return false;
	if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))
		return false;
	return !userfaultfd_pte_wp(vma, pte);
}`,
        ],
      },
    },
  },
  check({ facts, report }) {
    // src/analysis/vm-softdirty-tests.ts finds the raw flag tests that decide write permission and
    // reads what each decides; the flag asserted (positive) means tracking is off (76aefad628aa).
    for (const t of facts.vmSoftDirtyTests) {
      const data = { test: t.node.text.replace(/\s+/g, ' '), vma: t.vma, decision: decisionName(facts.name, t.decision) };
      // Inverted where the condition means "needs a fault" with the flag set, or "may write" without it.
      if (t.decision === 'needsWriteFault' && t.positive) report({ node: t.node, messageId: 'invertedTracking', data });
      if (t.decision === 'mayWrite' && !t.positive) report({ node: t.node, messageId: 'invertedNoTracking', data });
    }
  },
});

/** The decision named in the message: an upgrade predicate decides "a write upgrade" either way. */
function decisionName(fn: string, decision: WriteDecision): string {
  if (isWriteUpgradePredicate(fn)) return 'a write upgrade';
  return decision === 'needsWriteFault' ? 'write-protection' : 'write access';
}

/** vma_soft_dirty_enabled(vma) calls and raw `vma->vm_flags & VM_SOFTDIRTY` tests, keyed by the VMA. */
function trackingTests(facts: FunctionFacts): HunkFact[] {
  const out: HunkFact[] = [];
  const flat = (n: SyntaxNode) => n.text.replace(/\s+/g, '');
  for (const call of facts.model.calls) {
    if (hasRole(call.name, 'soft-dirty-tracking-test') && call.args[0]) {
      out.push({ key: `tracking:${flat(call.args[0])}`, node: call.node, data: { vma: call.args[0].text } });
    }
  }
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&') {
      const sides = [n.childForFieldName('left'), n.childForFieldName('right')];
      const flag = sides.find((s) => s?.text === SOFT_DIRTY_VMA_FLAG);
      const flags = sides.find((s) => s && s !== flag && /->vm_flags$/.test(flat(s)));
      if (flag && flags) out.push({ key: `raw:${flat(flags).replace(/->vm_flags$/, '')}`, node: n, data: { test: n.text.replace(/\s+/g, ' ') } });
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(facts.model.body);
  return out;
}
