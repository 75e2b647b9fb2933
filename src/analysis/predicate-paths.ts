// The return paths of a predicate function (R12, docs/invariants.md#write-upgrade-predicate-complete):
// every way through the body to a `return` whose value can be true, with the
// conditions known on that way. Unlike the function model's dominating guards, each if/else is
// split into its two ways, so `if (!(vm_flags & VM_SHARED)) { ...; if (!excl) return false; }
// return true;` (6.1 can_change_pte_writable) yields a private path that checked exclusivity and a
// shared path that did not enter the block. An early `return false` under a condition leaves its
// negation known on the way that goes on. Works on the function body alone; `establishes` also
// reads same-file helpers the predicate calls (file.helper), as the later split form needs.

import type { SyntaxNode } from '../lang/parser.js';
import { alwaysExits, type Guard } from './function-model.js';
import { conditionShape } from './condition.js';
import { isFalseLiteral, isTrueLiteral, type AtomClass } from './guards.js';
import { isWriteUpgradePredicate } from './kernel-api.js';
import type { FunctionFacts } from './facts.js';
import { unparenthesized } from './syntax.js';

export interface ReturnPath {
  /** The return statement. */
  node: SyntaxNode;
  /**
   * Conditions known on the way to the return, in order; for a non-literal return value
   * (`return page && PageAnonExclusive(page);`) the value itself is the last one: the path
   * returns true exactly when it holds.
   */
  facts: Guard[];
  /** The return value is a true literal (`return true;`, `return 1;`). */
  literal: boolean;
}

/** Bound on the ways explored (predicates are small; this keeps a pathological body linear-ish). */
const MAX_WAYS = 512;

interface Way {
  facts: Guard[];
}

/** The function body (for goto targets) and what is left of the ways budget. */
interface Walk {
  left: number;
  body: SyntaxNode;
}

/**
 * The ways through `body` that return a value that can be true. A forward goto to a label of the
 * body goes on from the label; ways that return a false literal, leave by any other
 * goto/break/continue or run into a noreturn call are dropped, and so are ways whose facts
 * contradict (the same condition both ways). Past MAX_WAYS branchings the rest is not explored.
 */
export function returnTruePaths(body: SyntaxNode): ReturnPath[] {
  const out: ReturnPath[] = [];
  const walk: Walk = { left: MAX_WAYS, body };
  block(body, [{ facts: [] }], out, walk);
  return out.filter((p) => !selfContradicting(p.facts));
}

/** Runs a block's statements over the live ways; returns the ways that fall through its end. */
function block(node: SyntaxNode, ways: Way[], out: ReturnPath[], walk: Walk): Way[] {
  let live = ways;
  for (const stmt of node.namedChildren) {
    if (stmt.type === 'comment') continue;
    live = statement(stmt, live, out, walk);
    if (live.length === 0) break;
  }
  return live;
}

function statement(stmt: SyntaxNode, ways: Way[], out: ReturnPath[], walk: Walk): Way[] {
  switch (stmt.type) {
    case 'compound_statement':
      return block(stmt, ways, out, walk);
    case 'if_statement': {
      const cond = stmt.childForFieldName('condition');
      const cons = stmt.childForFieldName('consequence');
      const alt = elseBody(stmt);
      if (!cond || !cons) return ways;
      const next: Way[] = [];
      for (const w of ways) {
        if (walk.left-- <= 0) return next;
        next.push(...statement(cons, [{ facts: [...w.facts, { expr: cond, positive: true }] }], out, walk));
        const elseWay = { facts: [...w.facts, { expr: cond, positive: false, earlyExit: alwaysExits(cons) }] };
        next.push(...(alt ? statement(alt, [elseWay], out, walk) : [elseWay]));
      }
      return next;
    }
    case 'return_statement': {
      const value = stmt.namedChildren.find((c) => c.type !== 'comment');
      if (!value) return [];
      const v = unparenthesized(value);
      if (isFalseLiteral(v)) return [];
      const literal = isTrueLiteral(v);
      for (const w of ways) {
        if (literal) {
          out.push({ node: stmt, facts: w.facts, literal });
          continue;
        }
        // `return pte_write(pte) || (FOLL_FORCE && ...)`: one way per alternative, each knowing
        // that the alternatives before it failed.
        const failed: Guard[] = [];
        for (const alt of disjuncts(value)) {
          out.push({ node: stmt, facts: [...w.facts, ...failed, { expr: alt, positive: true }], literal });
          failed.push({ expr: alt, positive: false });
        }
      }
      return [];
    }
    case 'goto_statement': {
      // A forward jump to a label of the function's own block (`goto out;` ... `out: return ret;`)
      // goes on from the label; other jumps leave the ways (they cannot be followed soundly).
      const label = stmt.childForFieldName('label')?.text;
      const stmts = walk.body.namedChildren;
      const at = stmts.findIndex((c) => c.type === 'labeled_statement' && c.childForFieldName('label')?.text === label);
      if (!label || at < 0 || stmts[at].startIndex < stmt.endIndex) return [];
      let live = ways;
      for (const s of stmts.slice(at)) {
        if (s.type === 'comment') continue;
        live = statement(s, live, out, walk);
        if (live.length === 0) break;
      }
      return [];
    }
    case 'break_statement':
    case 'continue_statement':
      return [];
    case 'labeled_statement': {
      const inner = stmt.namedChildren.find((c) => c.type !== 'statement_identifier');
      return inner ? statement(inner, ways, out, walk) : ways;
    }
    case 'while_statement':
    case 'for_statement':
    case 'do_statement':
    case 'switch_statement': {
      // Loops and switches are rare in predicates: their returns are taken with the facts known
      // before them, and the ways also go on past them unchanged.
      const body = stmt.childForFieldName('body');
      if (body) statement(body, ways, out, walk);
      return ways;
    }
    case 'case_statement': {
      const value = stmt.childForFieldName('value');
      let live = ways;
      for (const s of stmt.namedChildren) {
        if (s.type === 'comment' || (value && s.id === value.id)) continue;
        live = statement(s, live, out, walk);
      }
      return live;
    }
    default:
      return alwaysExits(stmt) ? [] : ways;
  }
}

/** The alternatives of a top-level `||` chain, left to right. */
function disjuncts(expr: SyntaxNode): SyntaxNode[] {
  const n = unparenthesized(expr);
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '||') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (l && r) return [...disjuncts(l), ...disjuncts(r)];
  }
  return [expr];
}

function elseBody(ifStmt: SyntaxNode): SyntaxNode | undefined {
  const alt = ifStmt.childForFieldName('alternative');
  if (!alt) return undefined;
  if (alt.type === 'else_clause') return alt.namedChildren.find((c) => c.type !== 'comment');
  return alt;
}

/** The same condition text required both ways on one path. */
function selfContradicting(facts: Guard[]): boolean {
  const seen = new Map<string, boolean>();
  for (const f of facts) {
    const key = unparenthesized(f.expr).text.replace(/\s+/g, '');
    const prev = seen.get(key);
    if (prev !== undefined && prev !== f.positive) return true;
    seen.set(key, f.positive);
  }
  return false;
}

/** A test on one atom's meaning: which class, held which way. */
export interface MeaningTest {
  cls: AtomClass;
  positive: boolean;
}

/** How deep same-file helpers are followed (maybe_change_pte_writable, can_follow_write_common). */
const MAX_HELPER_DEPTH = 3;

/**
 * Does a known condition establish one of `tests`? Short-circuit operators are followed exactly:
 * `a && b` known true establishes what a or b does; known false (`!a || !b`) only what both
 * alternatives do. So `if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte)) return false;`
 * establishes "no soft-dirty write fault needed" on the way on, whichever conjunct failed.
 * A call known true of another write-upgrade predicate establishes everything (it is checked
 * where it is defined); one of a same-file helper establishes what every way it returns true does
 * (2025+ mm/mprotect.c `if (!maybe_change_pte_writable(vma, pte)) return false;`, mm/gup.c
 * can_follow_write_common()).
 */
export function establishes(facts: FunctionFacts, fact: Guard, tests: MeaningTest[], depth = 0): boolean {
  return holds(facts, fact.expr, fact.positive, tests, depth);
}

function holds(facts: FunctionFacts, node: SyntaxNode, positive: boolean, tests: MeaningTest[], depth: number): boolean {
  const shape = conditionShape(node);
  if (shape.kind === 'not') return holds(facts, shape.arg, !positive, tests, depth);
  if (shape.kind === 'and' || shape.kind === 'or') {
    // Both sides are known to hold (positive &&, negative ||): either establishing suffices.
    const both = (shape.kind === 'and') === positive;
    return both
      ? holds(facts, shape.left, positive, tests, depth) || holds(facts, shape.right, positive, tests, depth)
      : holds(facts, shape.left, positive, tests, depth) && holds(facts, shape.right, positive, tests, depth);
  }
  const n = shape.node;
  const meanings = facts.guards.meaningsOf({ node: n, positive, definite: true });
  if (meanings.some((m) => tests.some((t) => t.cls === m.cls && t.positive === m.positive))) return true;
  if (n.type === 'call_expression' && positive) {
    const f = n.childForFieldName('function')?.text ?? '';
    if (isWriteUpgradePredicate(f) && f !== facts.name) return true;
    if (depth < MAX_HELPER_DEPTH && f !== facts.name) {
      const helper = facts.file.helper(f);
      if (helper) return helperEstablishes(helper, tests, depth + 1);
    }
  }
  return false;
}

/** Does every way a helper returns true establish one of `tests`? */
function helperEstablishes(helper: FunctionFacts, tests: MeaningTest[], depth: number): boolean {
  const paths = helper.returnTruePaths;
  return paths.length > 0 && paths.every((p) => p.facts.some((f) => establishes(helper, f, tests, depth)));
}
