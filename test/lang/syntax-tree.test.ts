// The lowered syntax tree must answer every question the analyses ask exactly as tree-sitter's
// native nodes do: compared node by node on real kernel functions and on text with non-ASCII
// characters and parse errors.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';
import { extractFunctions } from '../../src/lang/slice.js';
import { parseNative } from '../../src/lang/parser.js';
import { lowerTree, type SyntaxNode } from '../../src/lang/syntax-tree.js';
import { kernelTree, missingKernelTree } from '../inputs.js';

const FIELDS = ['function', 'arguments', 'condition', 'consequence', 'alternative', 'body', 'left', 'right', 'operator', 'declarator', 'value', 'type', 'argument', 'field', 'initializer', 'update', 'parameters', 'name'];

function compare(native: Parser.SyntaxNode, lowered: SyntaxNode, where: string): number {
  const describe = (n: Parser.SyntaxNode | SyntaxNode) => ({
    type: n.type,
    text: n.text,
    startIndex: n.startIndex,
    endIndex: n.endIndex,
    startPosition: { ...n.startPosition },
    endPosition: { ...n.endPosition },
    isNamed: n.isNamed,
    isMissing: n.isMissing,
    isError: n.isError,
    hasError: n.hasError,
    childCount: n.children.length,
    namedChildCount: n.namedChildCount,
    namedTypes: n.namedChildren.map((c) => c.type),
    parentType: n.parent?.type ?? null,
    fields: FIELDS.map((f) => n.childForFieldName(f)?.startIndex ?? -1),
  });
  expect(describe(lowered), where).toEqual(describe(native));
  let count = 1;
  native.children.forEach((c, i) => (count += compare(c, lowered.children[i], where)));
  return count;
}

function check(text: string, where: string): number {
  const native = parseNative(text);
  const lowered = lowerTree(native, text);
  const n = compare(native.rootNode, lowered.rootNode, where);
  for (const type of ['identifier', 'call_expression', 'ERROR']) {
    expect(lowered.rootNode.descendantsOfType(type).map((d) => d.startIndex), `${where} ${type}`).toEqual(
      native.rootNode.descendantsOfType(type).map((d) => d.startIndex),
    );
  }
  return n;
}

describe('lowered syntax tree', () => {
  it('matches tree-sitter on non-ASCII text, errors and missing tokens', () => {
    check('/* café ✓ \u{1F600} */\nstatic int f(pte_t *p)\n{\n\tif (x) /* é */ y = "\u{1F600}";\n\treturn g(p\n}\n', 'non-ascii');
    check('void f(void) { int a = ; set_pte_at(mm, addr, ptep, pte) }\n', 'errors');
    check('', 'empty');
  });

  it.skipIf(missingKernelTree('6.12'))('matches tree-sitter on every function of mm/memory.c and mm/huge_memory.c', () => {
    let nodes = 0;
    for (const name of ['memory.c', 'huge_memory.c']) {
      const file = path.join(kernelTree('6.12'), 'mm', name);
      for (const fn of extractFunctions(readFileSync(file, 'utf8'))) nodes += check(fn.text, `${name} ${fn.name}`);
    }
    expect(nodes).toBeGreaterThan(50_000);
  });
});
