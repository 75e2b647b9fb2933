// uffd-wp on copies and moves (R4, see docs/invariants.md). fork() copies entries
// from the parent's table into the child's, mremap() moves them from the old slot to the new one.
// When the destination VMA is not uffd-wp registered (`!userfaultfd_wp(dst_vma)`, or
// `vma_has_uffd_without_event_remap(vma)` for mremap, 0cef0bb836e3), the copied value must lose
// uffd-wp for every kind of entry that reaches the installer: the present bit
// (`pte_clear_uffd_wp`), the swp bit (`pte_swp_clear_uffd_wp`) and uffd-wp markers (dropped, or
// `copy_pte_marker()`). This module finds those transfers and computes, per entry kind, whether a
// clear runs whenever the destination is unregistered and the entry has that kind; which transfers
// are findings is rules/uffd-wp-clear-on-unregistered-dst.ts's decision.
//
// Kinds are judged per value origin: guards that test the entry (`pte_present(pte)`,
// `is_migration_entry(entry)`, ...) narrow it; an unguarded decode (`pte_to_swp_entry(orig_pte)`)
// marks the function as handling non-present entries only (copy_nonpresent_pte); an unguarded
// present-only transform (`pte_mkold`, `pmd_wrprotect`) marks it present-only
// (__copy_present_ptes); an earlier if/else-if arm that exits removes the kind it tested.

import type { SyntaxNode } from '../lang/parser.js';
import {
  hasRole,
  roleData,
  UFFD_WP_MARKER,
  type UffdCarrierKind,
} from './kernel-api.js';
import { alwaysExits, placeName, type Call, type Guard, type Point } from './function-model.js';
import type { FunctionFacts, Sink } from './facts.js';
import type { ValuePath } from './value-flow.js';
import { containsCall } from './syntax.js';
import { evaluateCondition, type Truth } from './condition.js';

export const UFFD_CARRIER_KINDS: readonly UffdCarrierKind[] = ['present', 'swap', 'marker'];

export type TransferMode = 'copy' | 'move';

export interface UffdTransfer {
  sink: Sink;
  mode: TransferMode;
  /** The slot the entry was read from (`src_pte`, `old_pte`, `param:pte`). */
  source: string;
  /** Kinds that may reach the installer with uffd-wp when the destination is unregistered. */
  uncovered: UffdCarrierKind[];
  /** uffd-wp clears applied to the installed value (on any of its paths). */
  clears: Call[];
}


/**
 * Every transfer of a possibly-uffd-wp value into another slot, with the kinds of entry that reach
 * the installer uncleared when the destination is unregistered (FunctionFacts.uffdWpTransfers).
 */
export function uffdWpTransfersOf(facts: FunctionFacts): UffdTransfer[] {
  const analysis = new TransferAnalysis(facts);
  const out: UffdTransfer[] = [];
  for (const sink of facts.sinks) {
    const t = analysis.transfer(sink);
    if (t) out.push(t);
  }
  return out;
}

class TransferAnalysis {
  private readonly fork: boolean;
  private readonly exitingIfs: SyntaxNode[];

  constructor(private readonly facts: FunctionFacts) {
    // fork: the function takes a source and a destination VMA or mm (copy_*_range(dst_vma, src_vma,
    // ..)); UFFDIO_COPY (dst_vma, src_addr) copies user data, not entries.
    const params = [...facts.model.params];
    const owner = (type: string) => /struct\s+(vm_area_struct|mm_struct)\b/.test(type);
    const slot = (type: string) => /\b(pte_t|pmd_t)\s*\*/.test(type);
    this.fork =
      params.some(([n, type]) => /^dst(_|$)/.test(n) && owner(type)) &&
      params.some(([n, type]) => /^src(_|$)/.test(n) && (owner(type) || slot(type)));
    this.exitingIfs = collectExitingIfs(facts.model.body);
  }

  transfer(sink: Sink): UffdTransfer | undefined {
    const { facts } = this;
    if (!sink.value || !sink.slot || /pud/.test(sink.call.name)) return undefined; // no PUD-level uffd-wp
    const slot = placeName(sink.slot);
    // Writing back the parent's (source) entry is not a transfer.
    if (/\bsrc/.test(slot)) return undefined;
    const point = sink.call.point;
    const level = /pmd/.test(sink.call.name) ? 'pmd' : 'pte';
    const paths = facts.pathsOf(sink.value);
    let mode: TransferMode | undefined;
    let source = '';
    const needed = new Set<UffdCarrierKind>();
    for (const p of paths) {
      if (this.deadAt(p, sink.call.node)) continue;
      const carrier = this.carrier(p, slot);
      if (!carrier) continue;
      if (carrier.mode) {
        mode ??= carrier.mode;
        source ||= p.base.origin ?? '';
      }
      for (const k of this.kindsAt(p, point, sink.call.node, level)) needed.add(k);
    }
    // Only values read from another slot (or built from such a value in a fork) are transfers.
    if (!mode && !this.fork) return undefined;
    if (needed.size === 0) return undefined;
    if (!mode) {
      mode = 'copy';
      source = paths.find((p) => p.base.origin)?.base.origin ?? 'the source entry';
    }
    const clears = uniqueCalls(paths.flatMap((p) => p.steps.filter((s) => hasRole(s.call.name, 'uffdClear')).map((s) => s.call)));
    const uncovered = [...needed].filter((k) => !clears.some((c) => this.clearCovers(c, k, point)));
    return { sink, mode, source, uncovered: sortKinds(uncovered), clears };
  }

  /**
   * Can this path bring uffd-wp into the destination? A read of another slot (fork: any read or
   * an entry parameter; move: a read that clears the old slot), or a uffd-wp setter that does not
   * require the destination to be registered (copy_present_page's `userfaultfd_pte_wp(dst_vma, ..)`
   * is such a requirement).
   */
  private carrier(p: ValuePath, slot: string): { mode?: TransferMode } | undefined {
    const { base } = p;
    let carries = false;
    let mode: TransferMode | undefined;
    if ((base.kind === 'read' || base.kind === 'readMerged' || base.kind === 'param') && base.origin && base.origin !== slot) {
      const name = base.node.type === 'call_expression' ? base.node.childForFieldName('function')?.text ?? '' : '';
      if (this.fork && base.kind !== 'readMerged') mode = 'copy';
      else if (hasRole(name, 'clearing-read')) mode = 'move';
      carries = mode !== undefined;
    }
    if (base.kind === 'encode' && hasRole(base.node.childForFieldName('function')?.text ?? '', 'pte-marker-maker')) {
      carries = this.markerMayCarryUffd(base.node);
    }
    for (const s of p.steps) {
      if (s.api.effect === 'setUffd' && !this.requiresRegistered(s.call.point)) carries = true;
    }
    return carries ? { mode } : undefined;
  }

  /**
   * Was this path's value built inside an if-arm that always leaves before the installer
   * (copy_huge_pmd's migration arm ends in `goto out_unlock`, copy_hugetlb_page_range's pinned
   * copy in `continue`)? A goto to a label between the arm and the installer does reach it.
   */
  private deadAt(p: ValuePath, sinkNode: SyntaxNode): boolean {
    const nodes = [p.base.node, ...p.steps.map((s) => s.call.node)];
    for (const arm of this.exitingIfs) {
      const cons = arm.childForFieldName('consequence')!;
      if (cons.endIndex > sinkNode.startIndex || !nodes.some((n) => inside(n, cons))) continue;
      if (this.jumpsForwardTo(cons, sinkNode)) continue;
      return true;
    }
    return false;
  }

  /** Does the arm end in `goto L` with L between the arm and the installer? */
  private jumpsForwardTo(cons: SyntaxNode, sinkNode: SyntaxNode): boolean {
    const last = cons.type === 'compound_statement' ? cons.namedChildren.filter((c) => c.type !== 'comment').at(-1) : cons;
    if (last?.type !== 'goto_statement') return false;
    const label = last.childForFieldName('label')?.text ?? last.namedChildren[0]?.text;
    const target = findLabel(this.facts.model.body, label ?? '');
    return !!target && target.startIndex > cons.endIndex && target.startIndex <= sinkNode.startIndex;
  }

  /** make_pte_marker(m): carries uffd-wp unless m comes from copy_pte_marker() or is a constant without it. */
  private markerMayCarryUffd(node: SyntaxNode): boolean {
    const arg = node.childForFieldName('arguments')?.namedChildren[0];
    if (!arg) return false;
    if (arg.text.includes(UFFD_WP_MARKER)) return !this.requiresRegistered(this.facts.model.pointOf(node));
    if (arg.type !== 'identifier') return false;
    const defs = this.facts.flow.reachingDefinitions(arg.text, node);
    return defs.some((d) => !containsCall(d.value, (name) => hasRole(name, 'uffd-wp-marker-copier')) && !/^[A-Z_]+$/.test(d.value.text));
  }

  /** Does this point only run when the destination is registered? */
  private requiresRegistered(point: Point): boolean {
    return point.guards.some((g) => this.evaluate(g.expr, g.positive, undefined, undefined) === false);
  }

  /** The kinds this path's value may have at the installer when the destination is unregistered. */
  private kindsAt(p: ValuePath, point: Point, sinkNode: SyntaxNode, level: 'pte' | 'pmd'): UffdCarrierKind[] {
    // A value hidden lines may have given, or that passed hidden lines on its way to the installer
    // (which may exit for any kind, or clear it), is of no known kind: no evidence (src/analysis/gap.ts).
    if (p.base.gap || this.facts.flow.gapBetween(p.base.node, sinkNode)) return [];
    let kinds = baseKinds(p);
    if (level === 'pmd') kinds = kinds.filter((k) => k !== 'marker'); // no PMD markers
    const origin = p.base.origin;
    if (origin && this.decodedUnguarded(origin)) kinds = kinds.filter((k) => k !== 'present');
    if (this.presentTransformUnguarded(p)) kinds = kinds.filter((k) => k === 'present');
    const guards: Guard[] = [...point.guards, ...p.assumptions];
    return kinds.filter((k) =>
      guards.every((g) => this.evaluate(g.expr, g.positive, k, origin) !== false) && !this.exitedBefore(sinkNode, k, origin),
    );
  }

  /** `swp_entry_t entry = pte_to_swp_entry(orig_pte)` with no kind test around it: non-present only. */
  /**
   * Does `arg` name the entry read from `origin`: some of its paths come from there and none from
   * another slot (`entry` after copy_nonpresent_pte's arms also has rebuilt, slot-less values).
   */
  private testsOrigin(arg: SyntaxNode, origin: string): boolean {
    const origins = this.facts.pathsOf(arg).map((p) => p.base.origin);
    return origins.includes(origin) && origins.every((o) => o === undefined || o === origin);
  }

  private decodedUnguarded(origin: string): boolean {
    return this.facts.model.calls.some((c) => {
      if (!hasRole(c.name, ['swap-entry-decoder', 'leaf-entry-decoder']) || !c.args[0]) return false;
      if (!this.testsOrigin(c.args[0], origin)) return false;
      return !this.hasKindTest(c.point);
    });
  }

  /** A present-only transform (pte_mkold, pmd_wrprotect, ...) applied to the value without a kind test. */
  private presentTransformUnguarded(p: ValuePath): boolean {
    return p.steps.some((s) => hasRole(s.call.name, 'present-only-accessor') && !hasRole(s.call.name, 'uffdClear') && !this.hasKindTest(s.call.point));
  }

  private hasKindTest(point: Point): boolean {
    return point.guards.some((g) => containsCall(g.expr, (name) => hasRole(name, 'uffdCarrierKindTest')));
  }

  /**
   * Did an earlier if/else-if arm that always exits take every entry of kind k? Its condition holds
   * for k and every earlier arm of its chain fails for k (copy_nonpresent_pte's marker arm).
   */
  private exitedBefore(sinkNode: SyntaxNode, k: UffdCarrierKind, origin: string | undefined): boolean {
    for (const arm of this.exitingIfs) {
      if (arm.endIndex > sinkNode.startIndex) continue;
      // The chain must be on the way to the installer (its block, seen through #ifdef, holds it).
      let holder = chainTop(arm).parent;
      while (holder && holder.type.startsWith('preproc_')) holder = holder.parent;
      if (!holder || !inside(sinkNode, holder)) continue;
      const cond = arm.childForFieldName('condition');
      if (!cond || this.evaluate(cond, true, k, origin) !== true) continue;
      if (earlierArms(arm).every((c) => this.evaluate(c, true, k, origin) === false)) return true;
    }
    return false;
  }

  /**
   * Does clear `c` cover kind k: does it clear that kind, and run whenever the destination is
   * unregistered and the entry has kind k (its guards beyond the installer's all hold then)?
   */
  private clearCovers(c: Call, k: UffdCarrierKind, sinkPoint: Point): boolean {
    if (!(roleData(c.name, 'uffdClear') ?? []).includes(k)) return false;
    const shared = new Set(sinkPoint.guards.map((g) => `${g.expr.id}:${g.positive}`));
    const origin = c.args[0] ? this.facts.flow.originOf(c.args[0]) : undefined;
    return c.point.guards.every((g) => shared.has(`${g.expr.id}:${g.positive}`) || this.evaluate(g.expr, g.positive, k, origin, true) === true);
  }

  /**
   * The truth of a condition when the destination is unregistered and (if k is given) the entry
   * from `origin` has kind k. `uffdHolds`: a test that the entry carries uffd-wp counts as true
   * (a clear that runs only when the bit is set still covers the kind).
   */
  private evaluate(expr: SyntaxNode, positive: boolean, k: UffdCarrierKind | undefined, origin: string | undefined, uffdHolds = false, depth = 0): Truth {
    const v = this.truth(expr, k, origin, uffdHolds, depth);
    return v === undefined ? undefined : v === positive;
  }

  private truth(node: SyntaxNode, k: UffdCarrierKind | undefined, origin: string | undefined, uffdHolds: boolean, depth: number): Truth {
    if (depth > 8) return undefined;
    return evaluateCondition(node, (atom) => this.atomTruth(atom, k, origin, uffdHolds, depth));
  }

  private atomTruth(n: SyntaxNode, k: UffdCarrierKind | undefined, origin: string | undefined, uffdHolds: boolean, depth: number): Truth {
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function')?.text ?? '';
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      const reg = roleData(f, 'uffdRegistration');
      if (reg) {
        const vma = args[reg.vmaArg];
        // userfaultfd_wp(src_vma) says nothing about the destination.
        if (vma && /\bsrc/.test(vma.text) && !reg.whenUnregistered) return undefined;
        return reg.whenUnregistered;
      }
      const kindTest = roleData(f, 'uffdCarrierKindTest');
      if (kindTest && k && origin && args[0] && this.testsOrigin(args[0], origin)) {
        const t = kindTest.canBeTrue.includes(k);
        const fl = kindTest.canBeFalse.includes(k);
        return t && !fl ? true : !t ? false : undefined;
      }
      if (uffdHolds && hasRole(f, 'uffd-wp-test')) return true;
      return undefined;
    }
    if (n.type === 'identifier') {
      // need_clear_uffd_wp = vma_has_uffd_without_event_remap(vma) (move_ptes, move_huge_pte).
      const defs = this.facts.flow.definitionsOf(n.text).filter((d) => d.operator === '=');
      if (defs.length === 0 || defs.length > 4) return undefined;
      const vals = defs.map((d) => this.truth(d.value, k, origin, uffdHolds, depth + 1));
      return vals.every((v) => v === vals[0]) ? vals[0] : undefined;
    }
    return undefined;
  }
}

function inside(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

function findLabel(body: SyntaxNode, label: string): SyntaxNode | undefined {
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'labeled_statement' && n.childForFieldName('label')?.text === label) return n;
    for (const c of n.namedChildren) stack.push(c);
  }
  return undefined;
}

function baseKinds(p: ValuePath): UffdCarrierKind[] {
  const { base } = p;
  const name = base.node.type === 'call_expression' ? base.node.childForFieldName('function')?.text ?? '' : '';
  if (base.kind === 'construct') return ['present'];
  // swp_entry_to_pte() & co build a swap-format entry; make_pte_marker() a marker.
  if (base.kind === 'encode') return hasRole(name, 'pte-marker-maker') ? ['marker'] : ['swap'];
  return [...UFFD_CARRIER_KINDS];
}

function sortKinds(kinds: UffdCarrierKind[]): UffdCarrierKind[] {
  return UFFD_CARRIER_KINDS.filter((k) => kinds.includes(k));
}

function uniqueCalls(calls: Call[]): Call[] {
  const seen = new Set<number>();
  return calls.filter((c) => (seen.has(c.node.id) ? false : (seen.add(c.node.id), true))).sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** Every if statement (including else-if arms) whose consequence always leaves the block. */
function collectExitingIfs(body: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'if_statement') {
      const cons = n.childForFieldName('consequence');
      if (cons && alwaysExits(cons)) out.push(n);
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return out;
}

/** The outermost if of an else-if chain. */
function chainTop(ifStmt: SyntaxNode): SyntaxNode {
  let cur = ifStmt;
  for (;;) {
    const p = cur.parent;
    const gp = p?.type === 'else_clause' ? p.parent : p?.type === 'if_statement' ? p : undefined;
    if (!gp || gp.type !== 'if_statement' || gp.childForFieldName('alternative')?.id !== (p?.type === 'else_clause' ? p.id : cur.id)) return cur;
    cur = gp;
  }
}

/** Conditions of the arms before this one in its else-if chain. */
function earlierArms(ifStmt: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let cur = ifStmt;
  for (;;) {
    const p = cur.parent;
    const gp = p?.type === 'else_clause' ? p.parent : p?.type === 'if_statement' ? p : undefined;
    if (!gp || gp.type !== 'if_statement' || gp.childForFieldName('alternative')?.id !== (p?.type === 'else_clause' ? p.id : cur.id)) return out;
    const cond = gp.childForFieldName('condition');
    if (cond) out.push(cond);
    cur = gp;
  }
}
