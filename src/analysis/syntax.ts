// Small questions about tree-sitter-c nodes that every analysis asks: what an expression is
// without its parentheses (and casts), which names it mentions, whether it calls something. One
// copy here, so that the analyses agree on them.

import type { SyntaxNode } from '../lang/parser.js';

/** The expression inside any number of parentheses: `((x))` -> `x`. */
export function unparenthesized(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/** The value under parentheses and casts: `(pte_t)(x)` -> `x` (a cast keeps a PTE's bits). */
export function withoutParensAndCasts(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else return n;
  }
}

/** The identifiers written inside a node (calls, variables and constants alike). */
export function identifiersIn(node: SyntaxNode): string[] {
  const out: string[] = [];
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.push(n.text);
    for (const c of n.namedChildren) stack.push(c);
  }
  return out;
}

/** Does the node contain a call whose function name satisfies `pred`? */
export function containsCall(node: SyntaxNode, pred: (name: string) => boolean): boolean {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'call_expression' && pred(n.childForFieldName('function')?.text ?? '')) return true;
    for (const c of n.namedChildren) stack.push(c);
  }
  return false;
}

// The analyses compare conditions and places by their text without blanks, again and again for
// the same nodes (every compatible() call keys each atom of its guards): one regular-expression
// replace per node, kept while the tree lives.
const compactTexts = new WeakMap<SyntaxNode, string>();

/** The node's text without whitespace: `vmf -> pte` and `vmf->pte` are one place. */
export function compactText(node: SyntaxNode): string {
  let text = compactTexts.get(node);
  if (text === undefined) compactTexts.set(node, (text = node.text.replace(/\s+/g, '')));
  return text;
}
