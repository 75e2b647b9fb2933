// Raw VM_SOFTDIRTY tests and what they decide (R13, 76aefad628aa). "Soft-dirty
// tracking is active" is vma_soft_dirty_enabled(vma) = CONFIG_MEM_SOFT_DIRTY && !(vm_flags &
// VM_SOFTDIRTY): the flag set means the whole VMA counts as dirty, i.e. tracking is *off*.
// 64fe24a3e05e tested it the wrong way round in can_change_pte_writable() and 76aefad628aa fixed
// it by introducing vma_soft_dirty_enabled(). To tell such an inverted test from a correct use of
// the flag, this module reads, for every `x & VM_SOFTDIRTY` test of a function, its polarity
// within its condition and what the condition decides about write permission:
//   - a companion soft-dirty bit test fixes it (`flag && !pte_soft_dirty()`: "tracking active and
//     not yet dirty" = needs a write fault; `flag || pte_soft_dirty()`: may write);
//   - otherwise, only in functions that decide write permission (write-upgrade predicates,
//     *_needs_soft_dirty_wp predicates, functions that grant write or write-protect), what the
//     condition guards: a `return false` of an upgrade predicate, a write-protect, a grant, a
//     soft-dirty batch flag.
// Tests whose meaning stays unknown (pagemap reporting, clear_refs, VMA flag bookkeeping) are
// left out: they are not decisions about write permission. Which tests are inverted is the
// decision of rules/softdirty-tracking-predicate.ts (FunctionFacts.vmSoftDirtyTests).

import type { SyntaxNode } from '../lang/parser.js';
import {
  apiOf,
  apisWithRole,
  hasRole,
  isNeedsFaultName,
  isWriteUpgradePredicate,
  roleData,
  SOFT_DIRTY_VMA_FLAG,
} from './kernel-api.js';
import { TRANSPARENT_WRAPPERS } from './function-model.js';
import type { FunctionFacts } from './facts.js';
import { conditionShape } from './condition.js';
import { unparenthesized, containsCall } from './syntax.js';

/** What a condition that holds decides about write permission. */
export type WriteDecision = 'needsWriteFault' | 'mayWrite';

type Meaning = WriteDecision | 'unknown';

export interface SoftDirtyFlagTest {
  /** The `x & VM_SOFTDIRTY` expression. */
  node: SyntaxNode;
  /** The flag is asserted (set) where the condition holds: its polarity after the `!`s of its &&/|| group. */
  positive: boolean;
  /** What the condition holding decides. */
  decision: WriteDecision;
  /** The VMA whose flags are tested (`vma`, `src_vma`), or `vma` when it is not a plain name. */
  vma: string;
}

/**
 * The raw VM_SOFTDIRTY tests of the function that decide write permission, in source order, each
 * with its polarity and what it decides. The flag set means tracking is *off*, so a test is
 * inverted where it is positive and decides "needs a write fault", or negative and decides "may
 * write" (76aefad628aa).
 */
export function softDirtyFlagDecisions(facts: FunctionFacts): SoftDirtyFlagTest[] {
  const tests = rawFlagTests(facts.model.body);
  if (tests.length === 0) return [];
  const decides = decidesWritePermission(facts);
  const out: SoftDirtyFlagTest[] = [];
  for (const node of tests) {
    const ctx = contextOf(node);
    if (!ctx) continue;
    // The companion bit test fixes the meaning: `flag && !pte_soft_dirty()` = needs a write fault.
    let meaning: Meaning = ctx.companion;
    if (meaning === 'unknown') {
      if (!decides) continue;
      meaning = guardedMeaning(facts, ctx.root);
    }
    if (meaning === 'unknown') continue;
    out.push({ node, positive: ctx.positive, decision: meaning, vma: testedVma(node) });
  }
  return out;
}

/**
 * Is `name` a predicate whose true result means "needs a write fault" (pte_needs_soft_dirty_wp(),
 * vma_wants_writenotify(), ...)? Such predicates return the soft-dirty condition itself.
 */
function isNeedsFaultPredicate(name: string): boolean {
  return hasRole(name, 'write-fault-needed-test') || hasRole(name, 'soft-dirty-upgrade-blocker') || isNeedsFaultName(name);
}

/** `vma->vm_flags & VM_SOFTDIRTY` -> `vma`; anything that is not a plain name -> `vma`. */
function testedVma(test: SyntaxNode): string {
  const vma = test.childForFieldName('left')?.text.replace(/->vm_flags$|\.vm_flags$/, '').replace(/^\(|\)$/g, '') ?? 'vma';
  return /^\w+$/.test(vma) ? vma : 'vma';
}

interface TestContext {
  /** Polarity of the flag test within its &&/|| group (after `!`s). */
  positive: boolean;
  /** Meaning of the group from a soft-dirty bit test beside the flag test. */
  companion: Meaning;
  /** The whole condition: an if/while condition, a return value, or an initializer. */
  root: SyntaxNode;
}

/** `x & VM_SOFTDIRTY` tests (not masks under `~`, not `|=`/`&=` updates of the flags). */
function rawFlagTests(body: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  // Most functions never name the flag: one search of the text instead of a walk of the tree.
  if (!body.text.includes(SOFT_DIRTY_VMA_FLAG)) return out;
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if ([l, r].some((x) => x && unparenthesized(x).type === 'identifier' && unparenthesized(x).text === SOFT_DIRTY_VMA_FLAG)) out.push(n);
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

/** Walks from the flag test up to its condition root, through parentheses, `!`, `&&` and `||`. */
function contextOf(test: SyntaxNode): TestContext | undefined {
  let positive = true;
  let companion: Meaning = 'unknown';
  let groupPositive: boolean | undefined;
  let cur = test;
  for (;;) {
    const p = cur.parent;
    if (!p) return undefined;
    if (p.type === 'parenthesized_expression') {
      cur = p;
      continue;
    }
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '!') {
      positive = !positive;
      cur = p;
      continue;
    }
    if (p.type === 'argument_list' && p.parent?.type === 'call_expression' && TRANSPARENT_WRAPPERS.has(p.parent.childForFieldName('function')?.text ?? '')) {
      // likely(), unlikely(), WARN_ON_ONCE(): the truth value passes through.
      cur = p.parent;
      continue;
    }
    if (p.type === 'binary_expression' && ['&&', '||'].includes(p.childForFieldName('operator')?.text ?? '')) {
      const op = p.childForFieldName('operator')!.text;
      const other = p.childForFieldName('left')?.id === cur.id ? p.childForFieldName('right') : p.childForFieldName('left');
      if (companion === 'unknown' && other) {
        const bit = softDirtyBitTest(other);
        // flag && !sd(x): "tracking active and not yet dirty" = needs a write fault (the flag is meant
        // positive); flag || sd(x): "no tracking or already dirty" = may write.
        if (bit !== undefined && op === '&&' && !bit) companion = 'needsWriteFault';
        if (bit !== undefined && op === '||' && bit) companion = 'mayWrite';
        if (companion !== 'unknown') groupPositive = positive;
      }
      cur = p;
      continue;
    }
    if (p.type === 'binary_expression' || p.type === 'assignment_expression' && p.childForFieldName('operator')?.text !== '=') return undefined;
    break;
  }
  const root = cur;
  const parent = root.parent;
  const truthContext =
    parent?.type === 'parenthesized_expression' && parent.parent?.type === 'if_statement' ||
    parent?.type === 'if_statement' || parent?.type === 'return_statement' || parent?.type === 'while_statement' ||
    parent?.type === 'conditional_expression' || parent?.type === 'init_declarator' ||
    parent?.type === 'assignment_expression' || parent?.type === 'condition_clause';
  if (!truthContext) return undefined;
  return { positive: groupPositive ?? positive, companion, root };
}

/** `pte_soft_dirty(x)` -> true, `!pte_soft_dirty(x)` -> false, anything else -> undefined. */
function softDirtyBitTest(node: SyntaxNode): boolean | undefined {
  let shape = conditionShape(node);
  let positive = true;
  while (shape.kind === 'not') {
    positive = !positive;
    shape = conditionShape(shape.arg);
  }
  const n = shape.node;
  if (shape.kind !== 'atom' || n.type !== 'call_expression') return undefined;
  const f = n.childForFieldName('function')?.text ?? '';
  return hasRole(f, 'soft-dirty-test') ? positive : undefined;
}

/**
 * Does the function decide write permission: a write-upgrade predicate (can_*writable*), a
 * "needs a soft-dirty write fault" predicate, or a function that grants write or write-protects?
 */
function decidesWritePermission(facts: FunctionFacts): boolean {
  if (isWriteUpgradePredicate(facts.name) || isNeedsFaultPredicate(facts.name)) return true;
  if (facts.grants.length > 0) return true;
  return facts.model.calls.some((c) => apiOf(c.name)?.effect === 'wrprotect' || hasRole(c.name, 'inPlaceWrprotect'));
}

/**
 * What the condition holding means, from what it guards: in a write-upgrade predicate `return
 * false` means "needs a write fault"; in a *_needs_soft_dirty_wp predicate the returned condition
 * itself does; a guarded write-protect means it too; a guarded grant means "may write".
 */
function guardedMeaning(facts: FunctionFacts, root: SyntaxNode): Meaning {
  const parent = root.parent?.type === 'parenthesized_expression' ? root.parent.parent : root.parent;
  const needsFn = isNeedsFaultPredicate(facts.name);
  const upgradeFn = isWriteUpgradePredicate(facts.name);
  if (parent?.type === 'return_statement') {
    if (needsFn) return 'needsWriteFault';
    if (upgradeFn) return 'mayWrite';
    return 'unknown';
  }
  if (parent?.type !== 'if_statement') return 'unknown';
  const cons = parent.childForFieldName('consequence');
  if (!cons) return 'unknown';
  // The meaning is that of the condition as written; the flag test's polarity is applied by the caller.
  const returned = returnedTruth(cons);
  if (upgradeFn && returned !== undefined) return returned ? 'mayWrite' : 'needsWriteFault';
  if (needsFn && returned !== undefined) return returned ? 'needsWriteFault' : 'mayWrite';
  if (containsCall(cons, (n) => apiOf(n)?.effect === 'wrprotect' || hasRole(n, 'inPlaceWrprotect'))) return 'needsWriteFault';
  if (containsCall(cons, (n) => ['grant', 'grantVma'].includes(apiOf(n)?.effect ?? ''))) return 'mayWrite';
  // copy_present_ptes: `if (!vma_soft_dirty_enabled(src_vma)) flags |= FPB_IGNORE_SOFT_DIRTY`.
  for (const flag of apisWithRole('batchFlag')) {
    const { bit, policy } = roleData(flag, 'batchFlag')!;
    if (bit !== 'softDirty' || policy === 'merge') continue;
    if (new RegExp(`\\b${flag}\\b`).test(cons.text)) return policy === 'respect' ? 'needsWriteFault' : 'mayWrite';
  }
  // Anything else: the polarity the author meant is unknown.
  return 'unknown';
}

/** The constant a statement returns (`return false;` / `return 1;`), if it returns one. */
function returnedTruth(stmt: SyntaxNode): boolean | undefined {
  const stack = [stmt];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'return_statement') {
      const v = n.namedChildren[0];
      if (v?.type === 'false' || v?.text === '0') return false;
      if (v?.type === 'true' || (v?.type === 'number_literal' && v.text !== '0')) return true;
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return undefined;
}

