// PTE value flow (docs/architecture.md, "Analyses"): where a page-table value comes from and what was done to
// it on the way. A value is described by its paths: each path is a base (a read of a table slot, a
// merged batch read, a constructor, a parameter) and the ordered steps applied to it (grants,
// write-protects, uffd-wp and soft-dirty setters, ...). Variables are followed through reaching
// definitions, so the same variable reused for different kinds (remove_migration_pte's `pte`)
// gives different values at different points.

import type { SyntaxNode } from '../lang/parser.js';
import { apiOf, hasRole, type ApiEntry } from './kernel-api.js';
import { placeName, type Assignment, type Call, type FunctionModel, type Guard, type Point } from './function-model.js';
import { withoutParensAndCasts } from './syntax.js';
import { GAP_DEFINITION, isGapCall } from './gap.js';

export type BaseKind = 'read' | 'readMerged' | 'construct' | 'decode' | 'encode' | 'param' | 'unknown';

export interface ValueBase {
  kind: BaseKind;
  node: SyntaxNode;
  /** The table slot read (`pvmw.pte`, `vmf->pte`), when known (the origin is the slot, not the read: a guard may test an earlier read of it). */
  origin?: string;
  /** Built from vma->vm_page_prot: a VMA default, not an explicit grant (51d3d5eb74ff: read-only wherever write-notify is needed). */
  vmaDefault?: boolean;
  /** An unknown value a gap of a function rebuilt from hunks may have given (src/analysis/gap.ts). */
  gap?: boolean;
}

export interface ValueStep {
  call: Call;
  api: ApiEntry;
}

export interface ValuePath {
  base: ValueBase;
  steps: ValueStep[];
  /** Conditions known on this path because a later conditional redefinition did not happen. */
  assumptions: Guard[];
}

interface DefinitionIndex {
  /** Sorted by `order` (where the new value becomes visible). */
  byOrder: Assignment[];
  /** The definitions that are not plain `=`, sorted the same way. */
  compound: Assignment[];
  /** Position in definitionsOf(): the order results are given in. */
  position: Map<Assignment, number>;
}

/** The number of definitions visible at or before `order`. */
function upperBound(byOrder: Assignment[], order: number): number {
  let lo = 0;
  let hi = byOrder.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byOrder[mid].order <= order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position whose offset is at least `offset`. */
function lowerBound(sorted: number[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const JUMPS = new Set(['break_statement', 'continue_statement', 'goto_statement']);

function jumpOffsets(body: SyntaxNode): number[] {
  const out: number[] = [];
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (JUMPS.has(n.type)) out.push(n.startIndex);
    for (const c of n.namedChildren) stack.push(c);
  }
  return out.sort((a, b) => a - b);
}

/** How many later definitions withoutOverwritten() tries for each one. */
const FOLLOWERS_TESTED = 16;

const MAX_PATHS = 48;
const MAX_DEPTH = 24;

export class ValueFlow {
  private readonly callByNode = new Map<number, Call>();
  private readonly defsByTarget = new Map<string, Assignment[]>();
  private readonly memo = new Map<number, ValuePath[]>();
  /** The gap statements of a function rebuilt from hunks (src/analysis/gap.ts), in order. */
  readonly gaps: Call[];
  private readonly indexByTarget = new Map<string, DefinitionIndex>();
  /** Start offsets of the function's break/continue/goto statements, sorted. */
  private jumps?: number[];

  constructor(readonly model: FunctionModel) {
    for (const c of model.calls) this.callByNode.set(c.node.id, c);
    this.gaps = model.calls.filter(isGapCall).sort((a, b) => a.node.startIndex - b.node.startIndex);
    for (const a of [...model.assignments, ...outParameterWrites(model)]) {
      const list = this.defsByTarget.get(a.target) ?? [];
      list.push(a);
      this.defsByTarget.set(a.target, list);
    }
  }

  callAt(node: SyntaxNode): Call | undefined {
    return this.callByNode.get(node.id);
  }

  definitionsOf(target: string): Assignment[] {
    return this.defsByTarget.get(target) ?? [];
  }

  /**
   * Definitions of `target` that may reach `at` (a node position): earlier in program order, not
   * in an arm exclusive with `at`, and not overwritten by a later unconditional definition that
   * dominates `at`.
   */
  reachingDefinitions(target: string, at: SyntaxNode): Assignment[] {
    const index = this.indexOf(target);
    if (!index) return [];
    const use = this.model.pointOf(at);
    const order = at.startIndex;
    const { byOrder, compound } = index;
    // Walk back from the use to the latest `=` that dominates it (the killer): every `=` before it
    // is overwritten, so the walk is as long as the definitions between the killer and the use,
    // not as long as the function (a 100,000-line run of `v = f(v)` stays linear).
    const kept: Assignment[] = [];
    let killer: Assignment | undefined;
    for (let i = upperBound(byOrder, order) - 1; i >= 0; i--) {
      const d = byOrder[i];
      if (killer && d.order < killer.order) break;
      if (armsExclusive(d.point, use)) continue;
      kept.push(d); // between the killer and the use, or at the killer's order: not overwritten
      if (!killer && d.operator === '=' && dominates(d.point, use) && !isInside(at, d.node)) killer = d;
    }
    // Compound updates (`|=`, out-parameter writes) keep the value they update, so none is dropped.
    if (killer) {
      for (const d of compound) {
        if (d.order >= killer.order) break;
        if (!armsExclusive(d.point, use)) kept.push(d);
      }
    }
    return this.withoutOverwritten(kept, use).sort((a, b) => index.position.get(a)! - index.position.get(b)!);
  }

  /**
   * Drops the `=` definitions that a later one overwrites on every path to the use even though it
   * does not dominate the use: `pteval = get_and_clear_full_ptes(..); pteval = pte_wrprotect(pteval);`
   * in one if arm, with set_ptes() below the if. Each definition is tested against the few that
   * follow it, which keeps the step linear in the number of definitions.
   */
  private withoutOverwritten(kept: Assignment[], use: Point): Assignment[] {
    if (kept.length < 2) return kept;
    const byOrder = [...kept].sort((a, b) => a.order - b.order);
    const overwritten = new Set<Assignment>();
    for (let i = 0; i < byOrder.length; i++) {
      const d = byOrder[i];
      // A gap's unknown value is overwritten like a visible one (src/analysis/gap.ts).
      if (d.operator !== '=' && d.operator !== GAP_DEFINITION) continue;
      for (let j = i + 1; j < Math.min(byOrder.length, i + 1 + FOLLOWERS_TESTED); j++) {
        const k = byOrder[j];
        if (k.operator !== '=' || k.order <= d.order) continue;
        if (follows(d.point, k.point, use) && !this.jumpBetween(d.order, k.node.startIndex)) {
          overwritten.add(d);
          break;
        }
      }
    }
    return overwritten.size === 0 ? kept : kept.filter((d) => !overwritten.has(d));
  }

  /** Is there a break, continue or goto between the two byte offsets (a way around a definition)? */
  private jumpBetween(from: number, to: number): boolean {
    this.jumps ??= jumpOffsets(this.model.body);
    const i = lowerBound(this.jumps, from);
    return i < this.jumps.length && this.jumps[i] < to;
  }

  /** The definitions of `target` in program order of visibility, built once per target. */
  private indexOf(target: string): DefinitionIndex | undefined {
    const cached = this.indexByTarget.get(target);
    if (cached) return cached;
    // A gap may give any variable a value: one more definition of unknown value at each gap, which
    // never overwrites a visible one but is overwritten like one (src/analysis/gap.ts).
    const defs = [...(this.defsByTarget.get(target) ?? []), ...this.gapDefinitions(target)];
    if (defs.length === 0) return undefined;
    const position = new Map(defs.map((d, i) => [d, i] as const));
    const byOrder = [...defs].sort((a, b) => a.order - b.order || position.get(a)! - position.get(b)!);
    const index = { byOrder, compound: byOrder.filter((d) => d.operator !== '=' && d.operator !== GAP_DEFINITION), position };
    this.indexByTarget.set(target, index);
    return index;
  }

  /**
   * The paths of a variable's value at a position (not necessarily a use of it): at the end of a
   * fragment rebuilt from hunks, where an installer below the last hunk would read it.
   */
  pathsOfVariableAt(target: string, at: SyntaxNode): ValuePath[] {
    return this.variablePaths(target, at, 0);
  }

  /** All paths of the value of an expression. */
  pathsOf(expr: SyntaxNode, depth = 0): ValuePath[] {
    if (depth === 0) {
      // Every analysis and rule asks for the paths of the same installed values. Asked again, the
      // walk would only meet definitions whose paths the first walk memoised: the same answer.
      let paths = this.pathsByExpression.get(expr.id);
      if (!paths) this.pathsByExpression.set(expr.id, (paths = this.walkPaths(expr, 0)));
      return paths;
    }
    return this.walkPaths(expr, depth);
  }

  private readonly pathsByExpression = new Map<number, ValuePath[]>();

  private walkPaths(expr: SyntaxNode, depth: number): ValuePath[] {
    if (depth > MAX_DEPTH) return [unknownPath(expr)];
    const e = withoutParensAndCasts(expr);
    switch (e.type) {
      case 'call_expression':
        return this.callPaths(e, depth);
      case 'identifier':
      case 'field_expression': {
        if (e.type === 'field_expression' && /^orig_p(te|md)$/.test(e.childForFieldName('field')?.text ?? '')) {
          // vmf->orig_pte: the entry read at fault entry from the slot vmf->pte.
          return [{ base: { kind: 'read', node: e, origin: slotOfOrig(e) }, steps: [], assumptions: [] }];
        }
        return this.variablePaths(placeName(e), e, depth);
      }
      case 'pointer_expression':
        if (e.text.startsWith('*')) {
          const arg = e.childForFieldName('argument');
          return [{ base: { kind: 'read', node: e, origin: arg ? placeName(arg) : undefined }, steps: [], assumptions: [] }];
        }
        return [unknownPath(e)];
      case 'conditional_expression': {
        const a = e.childForFieldName('consequence');
        const b = e.childForFieldName('alternative');
        return cap([...(a ? this.pathsOf(a, depth + 1) : []), ...(b ? this.pathsOf(b, depth + 1) : [])]);
      }
      default:
        return [unknownPath(e)];
    }
  }

  private callPaths(e: SyntaxNode, depth: number): ValuePath[] {
    const call = this.callAt(e);
    const name = e.childForFieldName('function')?.text ?? '';
    const api = apiOf(name);
    const args = call?.args ?? e.childForFieldName('arguments')?.namedChildren ?? [];
    if (!api) {
      if (hasRole(name, 'entry-value-wrapper')) return args[0] ? this.pathsOf(args[0], depth + 1) : [unknownPath(e)];
      return [unknownPath(e)];
    }
    switch (api.effect) {
      case 'read': {
        const slot = api.slotArg === -1 ? args[args.length - 1] : args[api.slotArg ?? 0];
        return [{ base: { kind: 'read', node: e, origin: slot ? placeName(slot) : undefined }, steps: [], assumptions: [] }];
      }
      case 'readMerged': {
        const slot = args[api.slotArg ?? 2];
        return [{ base: { kind: 'readMerged', node: e, origin: slot ? placeName(slot) : undefined }, steps: [], assumptions: [] }];
      }
      case 'construct': {
        const vmaDefault = /vm_page_prot/.test(e.text);
        return [{ base: { kind: 'construct', node: e, vmaDefault }, steps: [], assumptions: [] }];
      }
      case 'decode': {
        const inner = args[0] ? this.pathsOf(args[0], depth + 1) : [];
        const origin = inner.length && inner.every((p) => p.base.origin === inner[0].base.origin) ? inner[0].base.origin : undefined;
        return [{ base: { kind: 'decode', node: e, origin }, steps: [], assumptions: [] }];
      }
      case 'encode':
      case 'grantEntry':
        return [{ base: { kind: 'encode', node: e }, steps: call ? [{ call, api }] : [], assumptions: [] }];
      default: {
        const input = args[api.valueArg ?? 0];
        const inner = input ? this.pathsOf(input, depth + 1) : [unknownPath(e)];
        if (!call) return inner;
        return inner.map((p) => ({ ...p, steps: [...p.steps, { call, api }] }));
      }
    }
  }

  private variablePaths(target: string, at: SyntaxNode, depth: number): ValuePath[] {
    const defs = this.reachingDefinitions(target, at);
    if (defs.length === 0) {
      const kind: BaseKind = this.model.params.has(target) ? 'param' : 'unknown';
      return [{ base: { kind, node: at, origin: kind === 'param' ? `param:${target}` : undefined }, steps: [], assumptions: [] }];
    }
    const use = this.model.pointOf(at);
    const out: ValuePath[] = [];
    for (const d of defs) {
      // The paths through d know that the later conditional redefinitions did not run.
      const skipped = defs.filter((o) => o !== d && o.order > d.order && o.operator === '=');
      const assumptions = skipped.flatMap((o) => negatedOwnGuard(o.point, use));
      for (const p of this.definitionPaths(d, depth)) {
        out.push({ ...p, assumptions: [...p.assumptions, ...assumptions] });
      }
    }
    return cap(out);
  }

  /**
   * What the gaps may do to `target`: a definition of unknown value at each gap (a statement the
   * patch does not show). It never kills a visible definition, and a later visible `=` that
   * dominates the use kills it like any other.
   */
  private gapDefinitions(target: string): Assignment[] {
    return this.gaps.map((g) => ({ node: g.node, target, operator: GAP_DEFINITION, value: g.node, point: g.point, order: g.node.endIndex }));
  }

  /**
   * May hidden lines run between `from` and `to` (a gap statement after the one, before the other,
   * on some execution that reaches `to`)? What they may do there (exit, test, redefine, clear,
   * install) is unknown (src/analysis/gap.ts).
   */
  gapBetween(from: SyntaxNode, to: SyntaxNode): boolean {
    const use = this.model.pointOf(to);
    return this.gaps.some((g) => g.node.startIndex >= from.endIndex && g.node.endIndex <= to.startIndex && !armsExclusive(g.point, use));
  }

  /** Gap statements that run before `at` on some execution (src/analysis/gap.ts). */
  gapsBefore(at: SyntaxNode): Call[] {
    const use = this.model.pointOf(at);
    return this.gaps.filter((g) => g.node.endIndex <= at.startIndex && !armsExclusive(g.point, use));
  }

  private definitionPaths(d: Assignment, depth: number): ValuePath[] {
    if (d.operator === GAP_DEFINITION) return [{ base: { kind: 'unknown', node: d.node, gap: true }, steps: [], assumptions: [] }];
    const cached = this.memo.get(d.node.id);
    if (cached) return cached;
    // Compound assignments (`mpfn |= MIGRATE_PFN_WRITE`) keep the old value's paths; an
    // out-parameter update adds its call as a step.
    let paths = d.operator === '=' ? this.pathsOf(d.value, depth + 1) : this.variablePaths(d.target, d.node, depth + 1);
    if (d.operator === OUT_PARAMETER) {
      const call = this.callAt(d.value);
      const api = apiOf(call?.name ?? '');
      if (call && api) paths = paths.map((p) => ({ ...p, steps: [...p.steps, { call, api }] }));
    }
    this.memo.set(d.node.id, paths);
    return paths;
  }

  /**
   * The table slot an expression's value was read from, if all its paths agree: `*pvmw->pmd`,
   * `pmd_to_swp_entry(old_pmd)` with old_pmd = pmdp_invalidate(vma, haddr, pmd), ...
   */
  originOf(expr: SyntaxNode): string | undefined {
    const paths = this.pathsOf(expr);
    const origins = new Set(paths.map((p) => p.base.origin));
    if (origins.size !== 1) return undefined;
    return [...origins][0];
  }
}

/** The operator of a write through `&x` by a call the API table knows (folio_pte_batch_flags). */
export const OUT_PARAMETER = '&out';

/** `folio_pte_batch_flags(folio, vma, ptep, &pte, max_nr, flags)` redefines `pte`. */
function outParameterWrites(model: FunctionModel): Assignment[] {
  const out: Assignment[] = [];
  for (const c of model.calls) {
    const api = apiOf(c.name);
    if (api?.effect !== 'mergeBatch') continue;
    const arg = c.args[api.valueArg ?? 0];
    const target = arg?.type === 'pointer_expression' && arg.text.startsWith('&') ? arg.childForFieldName('argument') : null;
    if (target) out.push({ node: c.node, target: placeName(target), operator: OUT_PARAMETER, value: c.node, point: c.point, order: c.node.endIndex });
  }
  return out;
}

function unknownPath(node: SyntaxNode): ValuePath {
  return { base: { kind: 'unknown', node }, steps: [], assumptions: [] };
}

function cap(paths: ValuePath[]): ValuePath[] {
  return paths.length > MAX_PATHS ? paths.slice(0, MAX_PATHS) : paths;
}

function slotOfOrig(e: SyntaxNode): string {
  const obj = e.childForFieldName('argument')?.text.replace(/\s+/g, '') ?? '';
  const field = e.childForFieldName('field')?.text === 'orig_pmd' ? 'pmd' : 'pte';
  return `${obj}->${field}`;
}

/** Is `inner` inside `outer` (by byte range)? */
export function isInside(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Are the two points in different arms of one if/else-if chain or switch? */
export function armsExclusive(a: Point, b: Point): boolean {
  for (const x of a.arms) for (const y of b.arms) if (x.chain === y.chain && x.arm !== y.arm) return true;
  return false;
}

/**
 * Does the statement at `k` run before every execution of `use` (structural dominance)? The two
 * positions share a prefix, then sit in one block with `k`'s statement first; below that level `k`
 * may only be nested in bare `{ }` blocks, which run whenever their statement does. An if arm, a
 * loop body or a case below that level is conditional, so `k` does not dominate from there.
 */
export function dominates(k: Point, use: Point): boolean {
  const n = Math.min(k.path.length, use.path.length);
  let d = 0;
  while (d < n && k.path[d][0] === use.path[d][0] && k.path[d][1] === use.path[d][1]) d++;
  if (d === k.path.length || d === use.path.length) return false;
  if (k.path[d][0] !== use.path[d][0] || k.path[d][1] >= use.path[d][1]) return false;
  for (let e = d + 1; e < k.path.length; e++) if (!k.path[e][2]) return false;
  return true;
}

/**
 * Does `k` run after `d` on every path from `d` that reaches `use` (jumps aside)? Below the level
 * where `d` leaves towards `use`, `k` sits later in a block that holds `d`, nested only in bare
 * `{ }` blocks: once `d`'s statement there is done, `k` runs before the block is left.
 */
export function follows(d: Point, k: Point, use: Point): boolean {
  const same = (a: Point, b: Point, i: number) => a.path[i][0] === b.path[i][0] && a.path[i][1] === b.path[i][1];
  let e = 0;
  while (e < d.path.length && e < use.path.length && same(d, use, e)) e++;
  let f = 0;
  while (f < d.path.length && f < k.path.length && same(d, k, f)) f++;
  if (f < e || f >= d.path.length || f >= k.path.length) return false;
  if (d.path[f][0] !== k.path[f][0] || d.path[f][1] >= k.path[f][1]) return false;
  for (let g = f + 1; g < k.path.length; g++) if (!k.path[g][2]) return false;
  return true;
}

/** The guard of `def` beyond what `use` already knows, negated, when it is a single condition. */
function negatedOwnGuard(def: Point, use: Point): Guard[] {
  const known = new Set(use.guards.map((g) => g.expr.id * 2 + (g.positive ? 1 : 0)));
  const own = def.guards.filter((g) => !known.has(g.expr.id * 2 + (g.positive ? 1 : 0)));
  if (own.length !== 1) return [];
  return [{ expr: own[0].expr, positive: !own[0].positive }];
}
