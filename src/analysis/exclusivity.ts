// PG_anon_exclusive facts (R9, R10, R10b; origin: "mm/swap:
// remember PG_anon_exclusive via a swp pte bit", 1493a1913e34). Three questions rules ask:
//  - ordering: was the present entry cleared before the try-share call (see
//    folio_try_share_anon_rmap(): "clear PTE first")?
//  - result use: does a try-share / try-dup failure restore the saved entry and abort?
//  - provenance: is RMAP_EXCLUSIVE / SetPageAnonExclusive derived from the entry or a fresh page?
// API names and their roles live in the kernel API table (kernel-api/table.ts); this module only
// combines them with the function model (points, arms, dominance) and the value flow.

import type { SyntaxNode } from '../lang/parser.js';
import {
  apiOf,
  hasRole,
  mentionsDevicePageTest,
  POISON_MARKER,
} from './kernel-api.js';
import { alwaysExits, TRANSPARENT_WRAPPERS, type Call, type Guard, type Point } from './function-model.js';
import { armsExclusive, isInside } from './value-flow.js';
import { atomsOf, isFalseLiteral, isTrueLiteral } from './guards.js';
import { conditionShape } from './condition.js';
import type { FunctionFacts, Sink } from './facts.js';

/** Assertion wrappers: a call inside one has its result "checked" by crashing or warning. */
const ASSERTION_WRAPPERS = new Set(['WARN_ON_ONCE', 'WARN_ON', 'BUG_ON', 'VM_BUG_ON', 'VM_WARN_ON', 'VM_WARN_ON_ONCE']);

export type AnonRmapFamily = 'share' | 'dup';

export interface AnonRmapCall {
  call: Call;
  family: AnonRmapFamily;
  /** How the result is used. */
  use: 'ignored' | 'asserted' | 'tested';
  /** The statement that runs when the call fails (reports -EBUSY / nonzero), when tested. */
  failure?: SyntaxNode;
  /** The call sits in a device-private arm (such pages cannot be pinned: docs/invariants.md#try-share-result-checked). */
  devicePrivateArm: boolean;
}

export interface FailureHandling {
  /** The failure branch re-installs a value read from the slot (the saved original entry). */
  restores: boolean;
  /** The failure branch leaves (return/goto/break/continue) or turns the operation off (`freeze = false`). */
  aborts: boolean;
  /** The abort is a flag turned off, not an exit: the caller continues without unmapping. */
  flagOff: boolean;
}

export interface ExclusivitySink {
  /** RMAP_EXCLUSIVE identifier or SetPageAnonExclusive() call. */
  node: SyntaxNode;
  point: Point;
  what: string;
}

export class ExclusivityAnalysis {
  constructor(private readonly facts: FunctionFacts) {}

  /** try-share and try-dup calls of the function, with how their result is used. */
  anonRmapCalls(): AnonRmapCall[] {
    const out: AnonRmapCall[] = [];
    for (const call of this.facts.model.calls) {
      const family: AnonRmapFamily | undefined = hasRole(call.name, 'anon-rmap-try-share') ? 'share' : hasRole(call.name, 'anon-rmap-try-dup') ? 'dup' : undefined;
      if (!family) continue;
      const devicePrivateArm = call.point.guards.some((g) => g.positive && mentionsDevicePageTest(g.expr.text));
      const { use, failure } = this.resultUse(call.node);
      out.push({ call, family, use, failure, devicePrivateArm });
    }
    return out;
  }

  /**
   * How the result is used; a result stored in a variable (`err = folio_try_share_..(..)`) is
   * followed to the first later `if` that tests the variable.
   */
  private resultUse(node: SyntaxNode): { use: AnonRmapCall['use']; failure?: SyntaxNode } {
    const direct = resultUseOf(node);
    const parent = node.parent;
    const stored = this.facts.model.assignments.find((a) => a.value.id === node.id && a.operator === '=');
    if (!stored || !parent || (parent.type !== 'assignment_expression' && parent.type !== 'init_declarator')) return direct;
    let found: { use: AnonRmapCall['use']; failure?: SyntaxNode } = { use: 'ignored' };
    let best = Infinity;
    walk(this.facts.model.body, (n) => {
      if (n.type !== 'if_statement' || n.startIndex < stored.order || n.startIndex >= best) return;
      const cond = n.childForFieldName('condition');
      if (!cond) return;
      let hit: SyntaxNode | undefined;
      walk(cond, (x) => {
        if (!hit && x.type === 'identifier' && x.text === stored.target) hit = x;
      });
      if (!hit) return;
      best = n.startIndex;
      found = resultUseOf(hit);
    });
    return found;
  }

  /** The clear/invalidate calls that run before `call` on its execution (earlier, not in another arm). */
  clearsBefore(call: Call): Call[] {
    return this.facts.model.calls.filter(
      (c) => hasRole(c.name, 'entry-clearer') && c.node.endIndex <= call.node.startIndex && !armsExclusive(c.point, call.point),
    );
  }

  /**
   * Is the entry cleared on every path before `call` runs? Some earlier statement of an enclosing
   * block clears on all its paths (an if whose arms all clear or leave: try_to_unmap_one()'s
   * present / non-present / hugetlb clears), or the call's own statement follows such a clear.
   */
  clearedOnEveryPath(call: Call): boolean {
    let child: SyntaxNode = call.node;
    let cur = call.node.parent;
    while (cur && cur.id !== this.facts.model.node.id) {
      if (cur.type === 'compound_statement' || cur.type === 'case_statement') {
        for (const sib of cur.namedChildren) {
          if (sib.startIndex >= child.startIndex) break;
          if (alwaysClears(sib)) return true;
        }
      }
      child = cur;
      cur = cur.parent;
    }
    return false;
  }

  /** What the failure branch of a tested call does. */
  failureHandling(failure: SyntaxNode): FailureHandling {
    const restores = this.facts.sinks.some((s) => isInside(s.call.node, failure) && this.restoresSavedValue(s));
    let exits = false;
    let flagOff = false;
    walk(failure, (n) => {
      if (n.type === 'return_statement' || n.type === 'goto_statement' || n.type === 'break_statement' || n.type === 'continue_statement') exits = true;
      if (n.type === 'assignment_expression' && n.childForFieldName('operator')?.text === '=') {
        const right = n.childForFieldName('right');
        if (right && isFalseLiteral(right)) flagOff = true;
      }
    });
    return { restores, aborts: exits || flagOff, flagOff: flagOff && !exits };
  }

  /** A sink whose value is the entry read (or cleared) from the table: the saved original. */
  restoresSavedValue(sink: Sink): boolean {
    if (!sink.value) return false;
    const paths = this.facts.pathsOf(sink.value);
    // read: ptep_get()/the clear's return; readMerged: get_and_clear_ptes() of a batch (2025+).
    if (paths.some((p) => (p.base.kind === 'read' || p.base.kind === 'readMerged') && p.steps.length === 0)) return true;
    // In a fragment rebuilt from patch hunks the saved value is usually read outside the hunk.
    return this.facts.partial && paths.every((p) => (p.base.kind === 'unknown' || p.base.kind === 'param') && p.steps.length === 0);
  }

  /**
   * Installs of a non-present entry that may run after `call` (later in the function, not in an
   * arm exclusive with it). Poison entries and markers carry no bits and are left out.
   */
  nonPresentInstallsAfter(call: Call): Sink[] {
    return this.facts.sinks.filter(
      (s) =>
        s.call.node.startIndex >= call.node.endIndex &&
        !armsExclusive(s.call.point, call.point) &&
        s.value !== undefined &&
        this.isNonPresentValue(s.value),
    );
  }

  private isNonPresentValue(expr: SyntaxNode): boolean {
    const names = this.valueCallNames(expr);
    if ([...names].some((n) => hasRole(n, 'bitless-entry-maker')) || this.valueText(expr).includes(POISON_MARKER)) return false;
    if ([...names].some((n) => hasRole(n, 'pte-marker-maker'))) return false;
    return this.facts.pathsOf(expr).some((p) => p.base.kind === 'encode');
  }

  /**
   * Is the exclusivity of an anon-exclusive page kept by this value on every path where the page
   * can be anon-exclusive? A path (of the entry and, through swp_entry_to_pte(), of the swap entry
   * inside it) whose guards say `!anon_exclusive` needs nothing; any other needs an exclusivity
   * encoder or a writable migration entry (writable implies exclusive).
   */
  encodesExclusivity(expr: SyntaxNode): boolean {
    return this.entryPaths(expr).every((p) => {
      // Only newly encoded entries: a present value on another path (6.1 __split_huge_pmd_locked
      // installs either), or the decoded old entry re-encoded (device-private), keeps nothing new.
      if (!p.encoded || p.inner === 'decode' || p.inner === 'read') return true;
      if (this.saysNotExclusive(p.guards)) return true;
      return [...p.calls].some((n) => hasRole(n, 'exclusivity-encoder') || apiOf(n)?.effect === 'grantEntry');
    });
  }

  /**
   * Do these guards say the page is not anon-exclusive: `!PageAnonExclusive(..)`, or a boolean
   * assigned from it, or one named so when its assignment is not visible (a parameter).
   */
  private saysNotExclusive(guards: Guard[]): boolean {
    if (this.facts.meanings(guards).some((m) => m.cls === 'anonExclusive' && !m.positive)) return true;
    return guards.some((g) =>
      atomsOf(g).some((a) => a.definite && !a.positive && a.node.type === 'identifier' && /^(?:anon_)?excl(?:usive)?$/.test(a.node.text) && this.facts.flow.definitionsOf(a.node.text).length === 0),
    );
  }

  /** Paths of an entry value, combined with the paths of the swap entry an encoder wraps. */
  private entryPaths(expr: SyntaxNode, depth = 0): EntryPath[] {
    const out: EntryPath[] = [];
    for (const p of this.facts.pathsOf(expr)) {
      const calls = new Set(p.steps.map((s) => s.call.name));
      const guards = [...p.assumptions, ...p.steps.flatMap((s) => s.call.point.guards)];
      const base = p.base.node;
      const name = base.type === 'call_expression' ? base.childForFieldName('function')?.text ?? '' : '';
      if (name) calls.add(name);
      const arg = base.type === 'call_expression' ? base.childForFieldName('arguments')?.namedChildren[0] : undefined;
      if (apiOf(name)?.effect === 'encode' && arg && depth < 3) {
        for (const q of this.entryPaths(arg, depth + 1)) {
          out.push({ calls: new Set([...calls, ...q.calls]), guards: [...guards, ...q.guards], encoded: true, inner: q.inner });
        }
      } else {
        out.push({ calls, guards, encoded: p.base.kind === 'encode', inner: p.base.kind });
      }
      if (out.length > 64) break;
    }
    return out;
  }

  /** Names of all calls on any path of the value, looking into the entry an encoder wraps. */
  private valueCallNames(expr: SyntaxNode): Set<string> {
    const out = new Set<string>();
    for (const p of this.entryPaths(expr)) for (const n of p.calls) out.add(n);
    walk(expr, (n) => {
      if (n.type === 'call_expression') out.add(n.childForFieldName('function')?.text ?? '');
    });
    return out;
  }

  private valueText(expr: SyntaxNode): string {
    return this.facts.pathsOf(expr).map((p) => p.base.node.text).join(' ');
  }

  /** The exclusivity encoders of the function (R10: encoded without a try-share?). */
  exclusivityEncoderCalls(): Call[] {
    return this.facts.model.calls.filter((c) => hasRole(c.name, 'exclusivity-encoder'));
  }

  /** Does a guard list say the page is anon-exclusive (PageAnonExclusive, directly or via a boolean)? */
  guardedByAnonExclusive(point: Point): boolean {
    return this.facts.meanings(point.guards).some((m) => m.cls === 'anonExclusive' && m.positive);
  }

  // ---- R9: provenance of exclusivity on (re)map ----

  /** The function decodes a swap/migration entry (R9 scope). */
  decodesEntry(): boolean {
    if (this.facts.model.calls.some((c) => apiOf(c.name)?.effect === 'decode' || hasRole(c.name, 'swap-entry-test'))) return true;
    // unuse_pte() is handed the decoded entry (a swp_entry_t parameter) and the swap-cache folio.
    const text = this.facts.model.node.text;
    if (/\b(?:swp_entry_t|softleaf_t|leaf_entry_t|swapcache)\b/.test(text)) return true;
    // A fragment rebuilt from patch hunks shows a few lines only: any swap/migration word.
    return this.facts.partial && /swp|swap|migration|old_pte|orig_pte/.test(text);
  }

  /** Places that make a page exclusive: RMAP_EXCLUSIVE flags (not tests, not fresh-page adds) and SetPageAnonExclusive(). */
  exclusivitySinks(): ExclusivitySink[] {
    const out: ExclusivitySink[] = [];
    const model = this.facts.model;
    walk(model.body, (n) => {
      if (n.type === 'identifier' && n.text === 'RMAP_EXCLUSIVE' && !isFlagTest(n) && !insideFreshMapper(n)) {
        out.push({ node: n, point: model.pointOf(n), what: 'RMAP_EXCLUSIVE' });
      }
    });
    for (const c of model.calls) if (hasRole(c.name, 'anon-exclusive-setter')) out.push({ node: c.node, point: c.point, what: c.name });
    return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  /** Is exclusivity at this point derived from the entry, the page, or a fresh copy? */
  hasProvenance(point: Point): boolean {
    return point.guards.some((g) => this.proves(g.expr, g.positive, new Set()));
  }

  /**
   * Does the condition, holding with this polarity, prove the page exclusive from its source?
   * `a && b` holds: one side suffices; `a || b` holds: both must (do_swap_page's
   * `exclusive || folio_ref_count(folio) == 1`). Booleans are followed to their assignments; a
   * `x = true` counts by its own guard (`if (folio != swapcache) exclusive = true;`).
   */
  proves(node: SyntaxNode, positive: boolean, visiting: Set<string>): boolean {
    const shape = conditionShape(node);
    if (shape.kind === 'not') return this.proves(shape.arg, !positive, visiting);
    if (shape.kind === 'and' || shape.kind === 'or') {
      const { left: l, right: r } = shape;
      // A conjunction holds (or a disjunction fails): one side suffices. Otherwise both must.
      if ((shape.kind === 'and') === positive) return this.proves(l, positive, visiting) || this.proves(r, positive, visiting);
      return this.proves(l, positive, visiting) && this.proves(r, positive, visiting);
    }
    const n = shape.node;
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (!l || !r) return false;
      // folio != swapcache: a new copy (or KSM copy) of the swapped page.
      const swapcache = /\bswapcache\b/.test(l.text) || /\bswapcache\b/.test(r.text);
      if (swapcache && ((op === '!=' && positive) || (op === '==' && !positive))) return true;
      if (op === '==' && positive && /^(folio_ref_count|page_count|folio_mapcount|page_mapcount)\b/.test(l.text) && r.text === '1') return true;
      // `flags & RMAP_EXCLUSIVE`: the caller decided.
      if (op === '&' && positive && /\bRMAP_EXCLUSIVE\b/.test(n.text)) return true;
      return false;
    }
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function')?.text ?? '';
      return positive ? hasRole(f, 'exclusive-when-true') : hasRole(f, 'exclusive-when-false');
    }
    if (n.type === 'identifier' && positive && !visiting.has(n.text)) {
      visiting.add(n.text);
      const defs = this.facts.flow.definitionsOf(n.text).filter((d) => d.operator === '=');
      // A fragment rebuilt from patch hunks: a boolean assigned outside the shown lines (or a
      // parameter, set by the caller from the entry) may well carry the entry's exclusivity.
      if (defs.length === 0 && (this.facts.partial || /excl/.test(n.text)) && !/^[A-Z0-9_]+$/.test(n.text)) {
        visiting.delete(n.text);
        return true;
      }
      const setting = defs.filter((d) => !isFalseLiteral(d.value));
      const ok =
        setting.length > 0 &&
        setting.every((d) =>
          isTrueLiteral(d.value) ? d.point.guards.some((g) => this.proves(g.expr, g.positive, visiting)) : this.proves(d.value, true, visiting),
        );
      visiting.delete(n.text);
      return ok;
    }
    return false;
  }
}

interface EntryPath {
  calls: Set<string>;
  guards: Guard[];
  /** The top-level value is a newly encoded non-present entry (swp_entry_to_pte & co). */
  encoded: boolean;
  /** Base kind of the innermost value ('decode': the old entry, re-encoded). */
  inner: string;
}

/**
 * How the result of a call is used: ignored (an expression statement), asserted (the argument of
 * WARN_ON_ONCE()/BUG_ON() statement), or tested by an if; then the statement that runs on failure.
 */
function resultUseOf(node: SyntaxNode): { use: AnonRmapCall['use']; failure?: SyntaxNode } {
  let child = node;
  let cur = node.parent;
  let negated = false;
  let asserted = false;
  while (cur) {
    if (cur.type === 'parenthesized_expression') {
      // part of an if condition or just grouping
    } else if (cur.type === 'argument_list') {
      const call = cur.parent;
      const f = call?.childForFieldName('function')?.text ?? '';
      if (!call || !(TRANSPARENT_WRAPPERS.has(f) || ASSERTION_WRAPPERS.has(f))) return { use: 'tested' };
      if (ASSERTION_WRAPPERS.has(f)) asserted = true;
      child = call;
      cur = call.parent;
      continue;
    } else if (cur.type === 'unary_expression' && cur.childForFieldName('operator')?.text === '!') {
      negated = !negated;
    } else if (cur.type === 'binary_expression' && cur.childForFieldName('operator')?.text === '&&' && !negated) {
      // `anon_exclusive && share(..)`: the whole is true when the call failed.
    } else if (cur.type === 'cast_expression' && /^\(\s*void\s*\)/.test(cur.text)) {
      // `(void)folio_try_dup_anon_rmap_pte(..)`: explicitly ignored.
      return { use: asserted ? 'asserted' : 'ignored' };
    } else if (cur.type === 'expression_statement') {
      return { use: asserted ? 'asserted' : 'ignored' };
    } else if (cur.type === 'if_statement' && cur.childForFieldName('condition')?.id === child.id) {
      const cons = cur.childForFieldName('consequence');
      const alt = cur.childForFieldName('alternative');
      const failure = negated ? (alt?.type === 'else_clause' ? alt.namedChildren.find((c) => c.type !== 'comment') : alt ?? undefined) : cons ?? undefined;
      return { use: 'tested', failure: failure ?? undefined };
    } else {
      return { use: 'tested' };
    }
    child = cur;
    cur = cur.parent;
  }
  return { use: 'tested' };
}

/** Does every path through this statement clear an entry (or leave the function/loop)? */
function alwaysClears(stmt: SyntaxNode): boolean {
  switch (stmt.type) {
    case 'compound_statement':
      return stmt.namedChildren.some((c) => alwaysClears(c));
    case 'labeled_statement': {
      const inner = stmt.namedChildren.find((c) => c.type !== 'statement_identifier');
      return !!inner && alwaysClears(inner);
    }
    case 'if_statement': {
      const cons = stmt.childForFieldName('consequence');
      const altClause = stmt.childForFieldName('alternative');
      const alt = altClause?.type === 'else_clause' ? altClause.namedChildren.find((c) => c.type !== 'comment') : altClause ?? undefined;
      if (!cons || !alt) return false;
      return (alwaysClears(cons) || alwaysExits(cons)) && (alwaysClears(alt) || alwaysExits(alt)) && (alwaysClears(cons) || alwaysClears(alt));
    }
    case 'expression_statement':
    case 'declaration': {
      let found = false;
      walk(stmt, (n) => {
        if (n.type === 'call_expression' && hasRole(n.childForFieldName('function')?.text ?? '', 'entry-clearer') && !insideConditional(n, stmt)) found = true;
      });
      return found;
    }
    default:
      return false;
  }
}

/** Is the node in a branch of a ternary or short-circuit operator below `root`? */
function insideConditional(node: SyntaxNode, root: SyntaxNode): boolean {
  let child = node;
  let cur = node.parent;
  while (cur && cur.id !== root.id) {
    if (cur.type === 'conditional_expression' && cur.childForFieldName('condition')?.id !== child.id) return true;
    if (cur.type === 'binary_expression' && /^(&&|\|\|)$/.test(cur.childForFieldName('operator')?.text ?? '') && cur.childForFieldName('right')?.id === child.id) return true;
    child = cur;
    cur = cur.parent;
  }
  return false;
}

function walk(root: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    visit(n);
    for (let i = n.namedChildCount - 1; i >= 0; i--) stack.push(n.namedChild(i)!);
  }
}

/** `flags & RMAP_EXCLUSIVE` tests the flag rather than setting it. */
function isFlagTest(id: SyntaxNode): boolean {
  let cur = id.parent;
  while (cur && cur.type === 'parenthesized_expression') cur = cur.parent;
  return !!cur && cur.type === 'binary_expression' && cur.childForFieldName('operator')?.text === '&';
}

/** RMAP_EXCLUSIVE passed to folio_add_new_anon_rmap() & co: a fresh page, exclusive by construction. */
function insideFreshMapper(id: SyntaxNode): boolean {
  let cur = id.parent;
  while (cur && cur.type !== 'expression_statement' && cur.type !== 'compound_statement') {
    if (cur.type === 'call_expression' && hasRole(cur.childForFieldName('function')?.text ?? '', 'fresh-page-mapper')) return true;
    cur = cur.parent;
  }
  return false;
}
