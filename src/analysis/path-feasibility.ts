// Is a value path (ValueFlow.pathsOf) one that can really run? Reaching definitions keep a
// definition alive past an if/else-if/else chain whose every arm redefines the variable, because no
// single arm dominates the use. 6.1 remove_migration_pte:
//
//     if (..dirty..) pte = pte_mkdirty(pte);
//     if (is_writable_migration_entry(entry)) pte = maybe_mkwrite(pte, vma);
//     else if (pte_swp_uffd_wp(*pvmw.pte))   pte = pte_mkuffd_wp(pte);
//     else                                   pte = pte_wrprotect(pte);
//     set_pte_at(.., pte);
//
// has a path "mk_pte > pte_mkdirty > set_pte_at" that takes none of the three arms. A rule that
// asks "is there a wrprotect after the last mkdirty?" (R15) must drop it.

import type { SyntaxNode } from '../lang/parser.js';
import { placeName, type Assignment, type FunctionModel } from './function-model.js';
import { dominates, isInside, type ValuePath } from './value-flow.js';

/**
 * Does the path skip a redefinition that certainly runs: between two consecutive definitions it
 * goes through (or its last definition and `use`), an exhaustive if/else chain that dominates the
 * next one and assigns the variable in every arm?
 */
export function skipsCertainRedefinition(model: FunctionModel, path: ValuePath, use: SyntaxNode): boolean {
  const hops: Assignment[] = [];
  for (const node of [path.base.node, ...path.steps.map((s) => s.call.node)]) {
    const a = enclosingAssignment(model, node);
    if (a && hops[hops.length - 1] !== a) hops.push(a);
  }
  for (let i = 0; i < hops.length; i++) {
    const next = i + 1 < hops.length ? hops[i + 1].node : use;
    if (exhaustiveRedefinitionBetween(model, hops[i], next)) return true;
  }
  return false;
}

/** The innermost assignment whose value contains the node. */
function enclosingAssignment(model: FunctionModel, node: SyntaxNode): Assignment | undefined {
  let best: Assignment | undefined;
  for (const a of model.assignments) {
    if (!isInside(node, a.value)) continue;
    if (!best || a.value.endIndex - a.value.startIndex < best.value.endIndex - best.value.startIndex) best = a;
  }
  return best;
}

function exhaustiveRedefinitionBetween(model: FunctionModel, def: Assignment, next: SyntaxNode): boolean {
  const usePoint = model.pointOf(next);
  const seen = new Set<number>();
  for (const a of model.assignments) {
    if (a.target !== def.target || a.operator !== '=' || a.order <= def.order || a.node.startIndex >= next.startIndex) continue;
    const chain = chainTop(a.node);
    if (!chain || seen.has(chain.id)) continue;
    seen.add(chain.id);
    if (chain.startIndex <= def.node.startIndex || isInside(next, chain)) continue;
    const point = model.statementPoints.get(chain.id);
    if (!point || !dominates(point, usePoint)) continue;
    if (everyArmAssigns(chain, def.target)) return true;
  }
  return false;
}

/** The first `if` of the if/else-if chain an assignment statement is an arm statement of. */
function chainTop(assignment: SyntaxNode): SyntaxNode | undefined {
  let stmt: SyntaxNode | null = assignment;
  while (stmt && stmt.type !== 'expression_statement') stmt = stmt.parent;
  if (!stmt) return undefined;
  let p: SyntaxNode | null = stmt.parent;
  if (p?.type === 'compound_statement') p = p.parent;
  if (p?.type === 'else_clause') p = p.parent;
  if (p?.type !== 'if_statement') return undefined;
  let top: SyntaxNode = p;
  while (top.parent?.type === 'else_clause' && top.parent.parent?.type === 'if_statement') top = top.parent.parent;
  return top;
}

function everyArmAssigns(top: SyntaxNode, target: string): boolean {
  let cur: SyntaxNode = top;
  for (;;) {
    const cons = cur.childForFieldName('consequence');
    if (!cons || !armAssigns(cons, target)) return false;
    const alt = cur.childForFieldName('alternative');
    const body = alt?.type === 'else_clause' ? alt.namedChildren.find((c) => c.type !== 'comment') : alt ?? undefined;
    if (!body) return false;
    if (body.type === 'if_statement') {
      cur = body;
      continue;
    }
    return armAssigns(body, target);
  }
}

/** Does the arm assign `target` unconditionally (a statement of its own block)? */
function armAssigns(arm: SyntaxNode, target: string): boolean {
  const stmts = arm.type === 'compound_statement' ? arm.namedChildren : [arm];
  return stmts.some((s) => {
    if (s.type !== 'expression_statement') return false;
    const e = s.namedChildren[0];
    if (e?.type !== 'assignment_expression') return false;
    const left = e.childForFieldName('left');
    const op = e.childForFieldName('operator')?.text ?? e.children[1]?.text;
    return !!left && op === '=' && placeName(left) === target;
  });
}
