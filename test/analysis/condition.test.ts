// Unit tests of the one condition walker (src/analysis/condition.ts): three-valued evaluation of a
// C condition from the truth of its atoms, through the spellings kernel code uses.

import { describe, expect, test } from 'vitest';
import { parseC, type SyntaxNode } from '../../src/lang/parser.js';
import { conditionShape, evaluateCondition, type Truth } from '../../src/analysis/condition.js';

/** The expression of `return <expr>;` in a one-line function. */
function expr(text: string): SyntaxNode {
  const root = parseC(`int f(void)\n{\n\treturn ${text};\n}\n`).rootNode;
  const ret = root.descendantsOfType('return_statement')[0];
  const e = ret?.namedChildren[0];
  if (!e) throw new Error(`no expression in ${text}`);
  return e;
}

/** `yes` is true, `no` is false, every other atom unknown; the atoms asked are recorded. */
function evaluate(text: string, asked: string[] = []): Truth {
  return evaluateCondition(expr(text), (atom) => {
    asked.push(atom.text);
    return atom.text === 'yes' ? true : atom.text === 'no' ? false : undefined;
  });
}

describe('evaluateCondition', () => {
  test('&&, || and ! follow three-valued logic', () => {
    expect(evaluate('yes && yes')).toBe(true);
    expect(evaluate('yes && no')).toBe(false);
    expect(evaluate('no && other')).toBe(false);
    expect(evaluate('other && no')).toBe(false);
    expect(evaluate('yes && other')).toBeUndefined();
    expect(evaluate('other || yes')).toBe(true);
    expect(evaluate('no || no')).toBe(false);
    expect(evaluate('no || other')).toBeUndefined();
    expect(evaluate('!no')).toBe(true);
    expect(evaluate('!other')).toBeUndefined();
    expect(evaluate('!(yes && !no)')).toBe(false);
  });

  test('parentheses, casts, !! and the transparent wrappers do not change the truth', () => {
    expect(evaluate('((yes))')).toBe(true);
    expect(evaluate('(bool)no')).toBe(false);
    expect(evaluate('!!yes')).toBe(true);
    expect(evaluate('unlikely(!no)')).toBe(true);
    expect(evaluate('likely(no)')).toBe(false);
    expect(evaluate('WARN_ON_ONCE(yes || other)')).toBe(true);
    const asked: string[] = [];
    evaluate('likely(pte_present(pte)) && !unlikely(is_swap_pte(pte))', asked);
    expect(asked).toEqual(['pte_present(pte)', 'is_swap_pte(pte)']);
  });

  test('comparisons with 0, NULL and false test the truth of the other side', () => {
    expect(evaluate('no == 0')).toBe(true);
    expect(evaluate('yes == NULL')).toBe(false);
    expect(evaluate('NULL != yes')).toBe(true);
    expect(evaluate('0UL == no')).toBe(true);
    expect(evaluate('yes != false')).toBe(true);
    expect(evaluate('other == 0')).toBeUndefined();
    // Any other comparison is an atom for the classifier.
    const asked: string[] = [];
    expect(evaluate('folio_ref_count(folio) == 1', asked)).toBeUndefined();
    expect(asked).toEqual(['folio_ref_count(folio) == 1']);
  });

  test('a ternary takes the arm its condition selects, or the value both arms agree on', () => {
    expect(evaluate('yes ? no : yes')).toBe(false);
    expect(evaluate('no ? no : yes')).toBe(true);
    expect(evaluate('other ? yes : !no')).toBe(true);
    expect(evaluate('other ? yes : no')).toBeUndefined();
  });
});

describe('conditionShape', () => {
  test('names the top connective under what was seen through', () => {
    expect(conditionShape(expr('(!(a))')).kind).toBe('not');
    expect(conditionShape(expr('likely(a && b)')).kind).toBe('and');
    expect(conditionShape(expr('(a || b)')).kind).toBe('or');
    expect(conditionShape(expr('a == NULL')).kind).toBe('not');
    const atom = conditionShape(expr('unlikely((pte_none(pte)))'));
    expect(atom.kind).toBe('atom');
    expect(atom.node.text).toBe('pte_none(pte)');
    expect(conditionShape(expr('a != 0')).node.text).toBe('a');
    expect(conditionShape(expr('a ? b : c')).kind).toBe('ternary');
  });
});
