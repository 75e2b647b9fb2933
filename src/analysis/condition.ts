// C conditions as the analyses read them. `conditionShape()` sees through what does not change a
// condition's truth (parentheses, casts, likely()/unlikely() and the other transparent wrappers,
// `x != 0`, `x != NULL`) and names the connective left: `!`, `&&`, `||`, a ternary, or an atom.
// `evaluateCondition()` folds a condition to true / false / unknown from the truth of its atoms,
// which the caller's classifier gives (a registration test, an entry-type predicate, ...).
// Every analysis that walks a condition goes through here, so the C spellings are handled once.

import type { SyntaxNode } from '../lang/parser.js';
import { TRANSPARENT_WRAPPERS } from './function-model.js';

/** Three-valued truth: `undefined` is "unknown". */
export type Truth = boolean | undefined;

/** A condition's top connective; `node` is the condition under what was seen through. */
export type ConditionShape =
  | { kind: 'not'; node: SyntaxNode; arg: SyntaxNode }
  | { kind: 'and' | 'or'; node: SyntaxNode; left: SyntaxNode; right: SyntaxNode }
  | { kind: 'ternary'; node: SyntaxNode; condition: SyntaxNode; consequence: SyntaxNode; alternative: SyntaxNode }
  | { kind: 'atom'; node: SyntaxNode };

/** The truth of an atom (a call, a variable, a comparison) under the caller's assumptions. */
export type AtomClassifier = (atom: SyntaxNode) => Truth;

/** The connective at the top of a condition, under what leaves its truth unchanged. */
export function conditionShape(node: SyntaxNode): ConditionShape {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) {
      n = n.namedChild(0)!;
      continue;
    }
    if (n.type === 'cast_expression' && n.childForFieldName('value')) {
      n = n.childForFieldName('value')!;
      continue;
    }
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function')?.text ?? '';
      const arg = n.childForFieldName('arguments')?.namedChildren[0];
      if (TRANSPARENT_WRAPPERS.has(f) && arg) {
        n = arg;
        continue;
      }
      return { kind: 'atom', node: n };
    }
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
      const arg = n.childForFieldName('argument');
      if (arg) return { kind: 'not', node: n, arg };
      return { kind: 'atom', node: n };
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return { kind: 'atom', node: n };
      if (op === '&&') return { kind: 'and', node: n, left, right };
      if (op === '||') return { kind: 'or', node: n, left, right };
      if (op === '==' || op === '!=') {
        // `x == 0`, `NULL != x`: the truth of x, negated for `==`.
        const tested = isZero(right) ? left : isZero(left) ? right : undefined;
        if (tested) {
          if (op === '==') return { kind: 'not', node: n, arg: tested };
          n = tested;
          continue;
        }
      }
      return { kind: 'atom', node: n };
    }
    if (n.type === 'conditional_expression') {
      const condition = n.childForFieldName('condition');
      const consequence = n.childForFieldName('consequence');
      const alternative = n.childForFieldName('alternative');
      if (condition && consequence && alternative) return { kind: 'ternary', node: n, condition, consequence, alternative };
    }
    return { kind: 'atom', node: n };
  }
}

/**
 * The truth of a condition given the truth of its atoms. `&&` and `||` follow Kleene's logic (false
 * on either side of `&&` decides it, whatever the other side); a ternary with an unknown condition
 * is known when both its arms agree.
 */
export function evaluateCondition(node: SyntaxNode, classify: AtomClassifier): Truth {
  const shape = conditionShape(node);
  switch (shape.kind) {
    case 'not': {
      const v = evaluateCondition(shape.arg, classify);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      const a = evaluateCondition(shape.left, classify);
      const b = evaluateCondition(shape.right, classify);
      return a === false || b === false ? false : a === true && b === true ? true : undefined;
    }
    case 'or': {
      const a = evaluateCondition(shape.left, classify);
      const b = evaluateCondition(shape.right, classify);
      return a === true || b === true ? true : a === false && b === false ? false : undefined;
    }
    case 'ternary': {
      const c = evaluateCondition(shape.condition, classify);
      const a = evaluateCondition(shape.consequence, classify);
      const b = evaluateCondition(shape.alternative, classify);
      if (c !== undefined) return c ? a : b;
      return a === b ? a : undefined;
    }
    case 'atom':
      return classify(shape.node);
  }
}

/** `0`, `0UL`, `NULL`, `false`: what a condition compares with to test truth. */
function isZero(n: SyntaxNode): boolean {
  const v = n.type === 'parenthesized_expression' && n.namedChildCount === 1 ? n.namedChild(0)! : n;
  return v.type === 'false' || v.type === 'null' || (v.type === 'number_literal' && /^0+[uUlL]*$/.test(v.text)) || (v.type === 'identifier' && v.text === 'NULL');
}
