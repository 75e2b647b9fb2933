// Fork copy (docs/invariants.md; rules R7 cow-copy-wrprotect, R8 fork-exclusive-clear).
// fork() copies each entry of a parent's table slot (`src_pte`, `src_pmd`) into the child's slot
// (`dst_pte`, `dst_pmd`). The invariants are pairings of two sinks: an operation on the parent's
// slot (in place: ptep_set_wrprotect(src_mm, addr, src_pte), or a write-back set_pte_at(src_mm, ..,
// src_pte, pte)) and the value installed in the child, on the same execution. This module finds
// the two sides, follows the child's value back through its definitions (lineages, with the
// definitions they went through, so that "this definition always ran with the parent's
// operation" can be asked), and summarises same-file inline helpers (6.12 __copy_present_ptes).

import type { SyntaxNode } from '../lang/parser.js';
import type { FunctionFacts, Sink } from './facts.js';
import type { KernelVersion } from '../kernel-version.js';
import { placeName, TRANSPARENT_WRAPPERS, type Assignment, type Call, type Guard, type Point } from './function-model.js';
import {
  apiOf,
  apisWithRole,
  hasRole,
  looksLikeForkCopyText,
  mkuffdWpClearsWrite,
  roleData,
  SWAP_ENTRY_FAMILY_TYPES,
  type SwapEntryFamily,
  type SwapEntryType,
} from './kernel-api.js';
import { atomsOf } from './guards.js';
import { evaluateCondition, type Truth } from './condition.js';
import { armsExclusive } from './value-flow.js';
import { containsCall, withoutParensAndCasts } from './syntax.js';

export type Side = 'src' | 'dst';

/** One way a value reaches a use: the definitions it went through and the calls applied. */
export interface Lineage {
  /** Definitions from the use back to the origin, latest first. */
  defs: Assignment[];
  /** Calls applied to the value on the way (transforms, encoders, entry makers). */
  steps: Call[];
  /** Where the value starts. */
  base: 'read' | 'param' | 'construct' | 'other';
  /** The slot read, for `read` bases (`src_pte`); the parameter name for `param`. */
  origin?: string;
  /** The call the value starts at (a read, a constructor), when it is one. */
  baseCall?: string;
}

/** A slot operation of one side: a sink (value installed) or an in-place write-protect. */
export interface SlotOp {
  call: Call;
  side: Side;
  /** The installed value (sinks only). */
  value?: SyntaxNode;
  /** Set for a call of a same-file helper that installs into the child (a helper summary). */
  helper?: CopyHelperSummary;
}

/** What an inline copy helper does (6.12 __copy_present_ptes). */
export interface CopyHelperSummary {
  name: string;
  /** Write-protects the parent's slot in place. */
  srcWrprotect: boolean;
  /** Write-protects the value it installs in the child. */
  dstWrprotect: boolean;
}

const MAX_LINEAGES = 64;
const MAX_DEPTH = 24;
const PT_VALUE_TYPE = /\b(?:pte_t|pmd_t|pud_t)\b/;

/** Which side a slot expression names: `src_pte`, `&src_pmd`, `src` (hugetlb mm) -> src. */
export function slotSide(node: SyntaxNode | undefined): Side | undefined {
  if (!node) return undefined;
  const name = placeName(node).replace(/^[&*(]+/, '');
  if (/^src(?:_|$)/.test(name)) return 'src';
  if (/^dst(?:_|$)/.test(name)) return 'dst';
  return undefined;
}

/**
 * The fork-copy view of one function: its parent-side and child-side slot operations. Empty
 * (`isCopy` false) unless the function installs into a child slot while naming a parent slot.
 */
export class ForkCopy {
  readonly srcOps: SlotOp[] = [];
  readonly dstOps: SlotOp[] = [];
  readonly isCopy: boolean;

  constructor(readonly facts: FunctionFacts, helpers = true) {
    for (const s of facts.sinks) this.addSink(s);
    for (const c of facts.model.calls) {
      const ip = roleData(c.name, 'inPlaceWrprotect');
      if (ip && slotSide(c.args[ip.slotArg]) === 'src') this.srcOps.push({ call: c, side: 'src' });
    }
    if (helpers) {
      for (const c of facts.model.calls) {
        if (hasRole(c.name, 'sink') || hasRole(c.name, 'inPlaceWrprotect') || apiOf(c.name)) continue;
        const summary = copyHelperSummary(facts, c);
        if (summary) this.dstOps.push({ call: c, side: 'dst', value: summary.value, helper: summary.summary });
      }
    }
    const namesSrc = /\bsrc_(?:pte|pmd|pud|ptep|pmdp|pudp)\b/.test(facts.model.body.text) || [...facts.model.params.keys()].some((p) => /^src_/.test(p));
    // A move (UFFDIO_MOVE's move_pages_huge_pmd(), move_present_pte()) clears the parent's slot:
    // nothing stays shared, so it is no fork copy.
    const clearsSrc = facts.model.calls.some((c) => hasRole(c.name, 'entry-clearer') && c.args.some((a) => slotSide(a) === 'src'));
    this.isCopy = this.dstOps.length > 0 && namesSrc && !clearsSrc;
  }

  private addSink(s: Sink): void {
    const side = slotSide(s.slot);
    if (!side) return;
    (side === 'src' ? this.srcOps : this.dstOps).push({ call: s.call, side, value: s.value });
  }

  /** Sinks that write a value back to the parent's slot. */
  get srcWriteBacks(): SlotOp[] {
    return this.srcOps.filter((o) => o.value);
  }

  /** In-place write-protects of the parent's slot. */
  get srcWrprotects(): SlotOp[] {
    return this.srcOps.filter((o) => !o.value);
  }

  /** The lineages of the value a slot operation installs. */
  lineages(op: SlotOp): Lineage[] {
    return op.value ? lineagesOf(this.facts, op.value) : [];
  }

  /** A lineage copies the parent's entry: it starts at a read of a parent slot or at an entry parameter. */
  copied(l: Lineage): boolean {
    if (l.base === 'read') return /^[&*(]*src(?:_|$)/.test(l.origin ?? '');
    if (l.base === 'param') return PT_VALUE_TYPE.test(this.facts.model.params.get(l.origin ?? '') ?? '');
    return false;
  }

  /**
   * Can this lineage be the value installed on an execution that also ran `anchor`? Its
   * definitions must be compatible with the anchor, and it must not skip a definition of the same
   * variable that always runs with the anchor (the write-protect or clear next to the parent's
   * operation): such a lineage is the path where the anchor did not run.
   */
  liveWith(l: Lineage, use: SlotOp, anchor: Call): boolean {
    const points = [anchor.point, use.call.point, ...l.defs.map((d) => d.point)];
    if (!this.facts.compatible(points)) return false;
    const byVar = new Map<string, Assignment[]>();
    for (const d of l.defs) {
      const list = byVar.get(d.target) ?? [];
      list.push(d);
      byVar.set(d.target, list);
    }
    for (const [target, chain] of byVar) {
      const companions = this.facts.flow
        .definitionsOf(target)
        .filter((k) => !chain.includes(k) && runsWith(anchor.point, k.point) && k.order < use.call.node.startIndex);
      // The chain says no other definition of `target` ran between its earliest one and the use;
      // a companion in that span contradicts it.
      const earliest = Math.min(...chain.map((d) => d.order));
      if (companions.some((k) => k.order > earliest)) return false;
    }
    return true;
  }

  /**
   * Does the lineage skip a value write-protect whose guard only asks "COW mapping and writable"
   * (`if (is_cow_mapping(..) && pte_write(pte)) pte = pte_wrprotect(pte);`)? Skipping it means the
   * mapping is not COW or the value is not writable: nothing to protect on that path.
   */
  skipsCowWrprotect(l: Lineage, use: SlotOp): boolean {
    // A grant on the way (the batch's any_writable) makes the value writable whatever was skipped.
    if (l.steps.some((st) => ['grant', 'grantVma', 'modify', 'mergeBatch'].includes(apiOf(st.name)?.effect ?? ''))) return false;
    const chainOf = (target: string) => l.defs.filter((d) => d.target === target);
    const useAt = use.call.node.startIndex;
    const known = new Set(use.call.point.guards.map((g) => g.expr.id));
    return this.facts.model.assignments.some((k) => {
      if (k.order >= useAt || l.defs.includes(k) || !containsCall(k.value, isValueWrprotectName)) return false;
      const chain = chainOf(k.target);
      if (chain.length === 0 || k.order < Math.min(...chain.map((d) => d.order))) return false;
      const own = k.point.guards.filter((g) => !known.has(g.expr.id));
      if (own.length === 0) return false;
      const atoms = own.flatMap((g) => atomsOf(g));
      return atoms.every((a) => a.definite && this.facts.guards.meaningsOf(a).some((m) => m.positive && (m.cls === 'cowMapping' || m.cls === 'srcWrite')));
    });
  }

  /** Is the value of this lineage exempt as a PFNMAP special entry (never anon, never uffd-wp)? */
  special(l: Lineage, use: SlotOp): boolean {
    const guards = [...use.call.point.guards, ...l.defs.flatMap((d) => d.point.guards)];
    return guards.some((g) => atomsOf(g).some((a) => a.definite && a.positive && isCallTo(a.node, apisWithRole('special-test'))));
  }
}

/** Does the statement at `other` run whenever `first` runs: same block, same nesting? */
export function runsWith(first: Point, other: Point): boolean {
  if (other.path.length !== first.path.length || first.path.length === 0) return false;
  const last = first.path.length - 1;
  for (let i = 0; i < last; i++) if (first.path[i][0] !== other.path[i][0] || first.path[i][1] !== other.path[i][1]) return false;
  return first.path[last][0] === other.path[last][0];
}

/** Lineages of an expression's value (definitions followed through reaching definitions). */
export function lineagesOf(facts: FunctionFacts, expr: SyntaxNode): Lineage[] {
  const out: Lineage[] = [];
  walk(facts, expr, [], [], 0, out);
  return out;
}

function walk(facts: FunctionFacts, expr: SyntaxNode, defs: Assignment[], steps: Call[], depth: number, out: Lineage[]): void {
  if (out.length >= MAX_LINEAGES) return;
  if (depth > MAX_DEPTH) {
    out.push({ defs, steps, base: 'other' });
    return;
  }
  const e = withoutParensAndCasts(expr);
  if (e.type === 'identifier' || e.type === 'field_expression') {
    const name = placeName(e);
    const reaching = facts.flow.reachingDefinitions(name, e).filter((d) => !defs.includes(d));
    if (reaching.length === 0) {
      const isParam = facts.model.params.has(name);
      out.push({ defs, steps, base: isParam ? 'param' : 'other', origin: isParam ? name : undefined });
      return;
    }
    for (const d of reaching) {
      if (d.operator === '=') walk(facts, d.value, [...defs, d], steps, depth + 1, out);
      else walk(facts, d.node.childForFieldName('left') ?? d.value, [...defs, d], steps, depth + 1, out);
    }
    return;
  }
  if (e.type === 'pointer_expression' && e.text.startsWith('*')) {
    const arg = e.childForFieldName('argument');
    out.push({ defs, steps, base: 'read', origin: arg ? placeName(arg) : undefined });
    return;
  }
  if (e.type === 'conditional_expression') {
    for (const f of ['consequence', 'alternative']) {
      const b = e.childForFieldName(f);
      if (b) walk(facts, b, defs, steps, depth + 1, out);
    }
    return;
  }
  if (e.type !== 'call_expression') {
    out.push({ defs, steps, base: 'other' });
    return;
  }
  const call = facts.flow.callAt(e);
  const name = e.childForFieldName('function')?.text ?? '';
  const args = call?.args ?? e.childForFieldName('arguments')?.namedChildren ?? [];
  const withStep = call ? [...steps, call] : steps;
  if (hasRole(name, 'sharedEntryMaker')) {
    out.push({ defs, steps: withStep, base: 'construct' });
    return;
  }
  if (TRANSPARENT_WRAPPERS.has(name) || hasRole(name, 'entry-value-wrapper')) {
    if (args[0]) walk(facts, args[0], defs, steps, depth + 1, out);
    return;
  }
  const api = apiOf(name);
  if (!api) {
    out.push({ defs, steps, base: 'other' });
    return;
  }
  switch (api.effect) {
    case 'read':
    case 'readMerged': {
      const slot = api.slotArg === -1 ? args[args.length - 1] : args[api.slotArg ?? 0];
      out.push({ defs, steps, base: 'read', origin: slot ? placeName(slot) : undefined, baseCall: name });
      return;
    }
    case 'construct':
    case 'grantEntry':
      out.push({ defs, steps: withStep, base: 'construct' });
      return;
    default: {
      const input = args[api.valueArg ?? 0];
      if (input) walk(facts, input, defs, withStep, depth + 1, out);
      else out.push({ defs, steps: withStep, base: 'other' });
    }
  }
}

function isValueWrprotectName(name: string): boolean {
  const api = apiOf(name);
  return api?.effect === 'wrprotect' && api.level !== 'swp';
}

function isCallTo(node: SyntaxNode, names: ReadonlySet<string>): boolean {
  return node.type === 'call_expression' && names.has(node.childForFieldName('function')?.text ?? '');
}

/** A value write-protect of a present entry (pte_wrprotect & co, not the swap-entry makers). */
export function isValueWrprotect(call: Call): boolean {
  const api = apiOf(call.name);
  return api?.effect === 'wrprotect' && api.level !== 'swp';
}

/**
 * Is the value of this lineage write-protected when installed? The latest write-affecting step
 * decides: a pte_wrprotect() followed by an `any_writable` pte_mkwrite() (R11's batch upgrade) is
 * writable again. In 6.5+ *_mkuffd_wp() also clears write (f1eb1bacfba9).
 */
export function writeProtected(l: Lineage, version: KernelVersion): boolean {
  for (const s of l.steps) {
    const api = apiOf(s.name);
    if (!api || api.level === 'swp') continue;
    if (api.effect === 'wrprotect' || (api.effect === 'setUffd' && mkuffdWpClearsWrite(version))) return true;
    if (api.effect === 'grant' || api.effect === 'grantVma' || api.effect === 'modify' || api.effect === 'mergeBatch') return false;
  }
  return false;
}

/** Makes the value shareable: clears the swp exclusive bit or builds a plain readable entry. */
export function isShareStep(call: Call): boolean {
  return hasRole(call.name, 'swp-exclusive-clear') || hasRole(call.name, 'sharedEntryMaker');
}

/**
 * Summary of a same-file helper called with a child slot: 6.12 copy_present_ptes() calls
 * __copy_present_ptes(dst_vma, src_vma, dst_pte, src_pte, pte, addr, nr). The value it installs is
 * the caller's argument in the position of the helper's entry parameter.
 */
function copyHelperSummary(facts: FunctionFacts, call: Call): { summary: CopyHelperSummary; value?: SyntaxNode } | undefined {
  if (!call.args.some((a) => slotSide(a) === 'dst')) return undefined;
  const helper = facts.file.helper(call.name);
  if (!helper || helper.name === facts.name) return undefined;
  const inner = helper.localForkCopy;
  if (!inner.isCopy) return undefined;
  const params = [...helper.model.params.entries()];
  const valueIndex = params.findIndex(([, type]) => PT_VALUE_TYPE.test(type) && !/\*/.test(type));
  const dstWrprotect = inner.dstOps.some((op) => inner.lineages(op).some((l) => l.steps.some(isValueWrprotect)));
  // (The helper's own check reports a write-protect it undoes; the summary records the attempt.)
  return {
    summary: { name: call.name, srcWrprotect: inner.srcWrprotects.length > 0, dstWrprotect },
    value: valueIndex >= 0 ? call.args[valueIndex] : undefined,
  };
}

// --- Entry types under a guard (R8: READ_EXCLUSIVE is exclusive too) -------------------------------

/**
 * Does the conjunction of `guards` possibly hold for an entry of type `t`? Type predicates of the
 * family are evaluated; every other atom is unknown. `false` means: never for this type.
 */
export function guardsAllowType(guards: Guard[], family: SwapEntryFamily, t: SwapEntryType): boolean {
  return guards.every((g) => {
    const v = evalTri(g.expr, family, t);
    return v === undefined || v === g.positive;
  });
}

/** Types of the family (other than plain R) that these guards exclude: fork leaves them exclusive. */
export function typesMissed(guards: Guard[], family: SwapEntryFamily): SwapEntryType[] {
  return (SWAP_ENTRY_FAMILY_TYPES.get(family) ?? []).filter((t) => t !== 'R' && !guardsAllowType(guards, family, t));
}

/** The first type predicate of a guard list (where a narrowed guard is reported). */
export function typePredicateIn(guards: Guard[], family: SwapEntryFamily): SyntaxNode | undefined {
  for (const g of guards) {
    const stack = [g.expr];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'call_expression' && roleData(n.childForFieldName('function')?.text ?? '', 'swapTypeTest')?.family === family) return n;
      for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
    }
  }
  return undefined;
}

/** The truth of a condition for an entry of type `t`: the family's type predicates are known, the rest is not. */
function evalTri(node: SyntaxNode, family: SwapEntryFamily, t: SwapEntryType): Truth {
  return evaluateCondition(node, (atom) => {
    if (atom.type !== 'call_expression') return undefined;
    const p = roleData(atom.childForFieldName('function')?.text ?? '', 'swapTypeTest');
    return p && p.family === family ? p.holdsFor.includes(t) : undefined;
  });
}

/**
 * A copy, not a move: the parent's entry stays mapped. UFFDIO_MOVE's move_present_pte() reads the
 * source with ptep_clear_flush(), so nothing is shared afterwards.
 */
export function keepsSource(l: Lineage): boolean {
  return !(l.baseCall && hasRole(l.baseCall, 'entry-clearer'));
}

/** The lineage went through an operation only a present entry has (pte_mkold(), pmd_clear_uffd_wp()). */
export function presentValue(l: Lineage): boolean {
  return l.steps.some((s) => hasRole(s.name, ['present-only-accessor', 'present-value-op']));
}

/** An arm of a fork copy for a kind of entry that may claim exclusivity (R8). */
export interface ExclusiveArm {
  /** The kind test that opens the arm (`is_migration_entry(entry)`, `non_swap_entry(entry)`). */
  predicate: SyntaxNode;
  /** What the arm owes: a swp exclusive clear, or a plain readable entry of this family. */
  needs: 'swpClear' | SwapEntryFamily;
  /** Calls made inside the arm. */
  calls: Call[];
}

/**
 * The arms of a fork copy that handle swap, migration or device-private entries, with the calls
 * they make, for those arms from which the child's install can be reached.
 */
export function exclusiveArms(fork: ForkCopy): ExclusiveArm[] {
  const facts = fork.facts;
  const arms = new Map<number, ExclusiveArm>();
  // Every statement of an arm (an arm with only `rss[..]++` still copies the entry), then its calls.
  const inArm = (point: Point, call?: Call): void => {
    for (const g of point.guards) {
      for (const a of atomsOf(g)) {
        if (!a.definite || a.node.type !== 'call_expression') continue;
        const spec = roleData(a.node.childForFieldName('function')?.text ?? '', 'forkExclusiveArm');
        if (!spec || spec.whenTrue !== a.positive) continue;
        const arm = arms.get(a.node.id) ?? { predicate: a.node, needs: spec.needs, calls: [] };
        if (call) arm.calls.push(call);
        arms.set(a.node.id, arm);
      }
    }
  };
  for (const p of facts.model.statementPoints.values()) inArm(p);
  for (const c of facts.model.calls) inArm(c.point, c);
  return [...arms.values()].filter((arm) => {
    const entered: Guard = { expr: arm.predicate, positive: roleData(arm.predicate.childForFieldName('function')?.text ?? '', 'forkExclusiveArm')?.whenTrue ?? true };
    return fork.dstOps.some((d) => !d.helper && facts.compatible([d.call.point], [entered]));
  });
}

/** Does the arm make the entry shared the way its kind needs? */
export function armShares(arm: ExclusiveArm): boolean {
  return arm.calls.some((c) => (arm.needs === 'swpClear' ? hasRole(c.name, 'swp-exclusive-clear') : roleData(c.name, 'sharedEntryMaker') === arm.needs));
}

/** Are two points possibly on one execution (not exclusive arms)? */
export function mayRunTogether(facts: FunctionFacts, a: Point, b: Point): boolean {
  return !armsExclusive(a, b) && facts.compatible([a, b]);
}

/**
 * Does the visible part of a function read as a fork copy (patch mode from hunks, where the
 * installers that ForkCopy needs are mostly out of sight): it is named as fork's copies are
 * (copy_huge_pmd(), copy_nonpresent_pte(), copy_hugetlb_page_range()), names a src_/dst_ side, or
 * tests for a COW mapping. Downgrading to a shared entry is no sign: unmap and restore paths make
 * readable entries too (remove_migration_pte()'s device-private rebuild).
 */
export function looksLikeForkCopy(facts: FunctionFacts): boolean {
  return looksLikeForkCopyText(facts.name, facts.model.body.text);
}
