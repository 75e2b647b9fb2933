import { describe, test, expect } from 'vitest';
import { firstParseProblem, parseC } from '../../src/lang/parser.js';

describe('parseC', () => {
  test('parses a kernel-style function into a function_definition', () => {
    const tree = parseC('static pte_t pte_keep(pte_t pte)\n{\n\treturn pte;\n}\n');
    const fn = tree.rootNode.namedChildren[0];
    expect(fn.type).toBe('function_definition');
    expect(fn.childForFieldName('declarator')?.childForFieldName('declarator')?.text).toBe('pte_keep');
    expect(firstParseProblem(tree.rootNode)).toBeUndefined();
  });

  test('reports rows and columns in UTF-16 units of the input, after non-ASCII comments', () => {
    const tree = parseC('/* Jérôme — ✓ */ int x;\n');
    const decl = tree.rootNode.namedChildren[1];
    expect(decl.type).toBe('declaration');
    expect(decl.startPosition).toEqual({ row: 0, column: '/* Jérôme — ✓ */ '.length });
    expect(decl.text).toBe('int x;');
  });

  test('a function of more than 100 000 characters parses completely', () => {
    const body = '\tnr_ptes += pte_batch_hint(ptep, pte);\n'.repeat(3000);
    const head = 'static unsigned long count_ptes(pte_t *ptep, pte_t pte)\n{\n\tunsigned long nr_ptes = 0;\n';
    const text = `${head}${body}\treturn nr_ptes;\n}\n`;
    expect(text.length).toBeGreaterThan(100_000);
    const tree = parseC(text);
    expect(firstParseProblem(tree.rootNode)).toBeUndefined();
    const fn = tree.rootNode.namedChildren[0];
    expect(fn.type).toBe('function_definition');
    expect(fn.endPosition.row).toBe(3004);
    expect(fn.childForFieldName('body')?.namedChildren).toHaveLength(3002);
  });
});

describe('firstParseProblem', () => {
  test('finds an ERROR node with its position', () => {
    const tree = parseC('void f(void)\n{\n\tx = = 1;\n}\n');
    const problem = firstParseProblem(tree.rootNode);
    expect(problem).toMatchObject({ kind: 'ERROR', row: 2 });
  });

  test('finds a MISSING node and names the missing token', () => {
    // An iterator macro used as a loop header, unrewritten: tree-sitter inserts the `;` it expects.
    const tree = parseC('void f(void)\n{\n\tlist_for_each_entry(p, &head, lru) {\n\t\tg(p);\n\t}\n}\n');
    const afterCall = '\tlist_for_each_entry(p, &head, lru)'.length;
    expect(firstParseProblem(tree.rootNode)).toEqual({ row: 2, column: afterCall, kind: 'MISSING', text: ';' });
  });

  test('returns the first problem in document order', () => {
    const tree = parseC('void f(void)\n{\n\ta(\n}\nvoid g(void)\n{\n\tb = = 2;\n}\n');
    expect(firstParseProblem(tree.rootNode)?.row).toBeLessThan(4);
  });
});
