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

  // A tree without parse errors has most spans derived from the text, not asked (syntax-tree.ts).
  it('matches tree-sitter on clean trees with CRLF, backslash-newlines, directives and unusual tokens', () => {
    const clean = [
      'int f(void)\r\n{\r\n\tint a = 1;\r\n#define X 2\r\n\treturn a + X;\r\n}\r\n',
      'int f(void)\n{\n\tint a = b + \\\n\t\tc;\n\tint d = e \\\r\n + g;\n\treturn a;\n}\n',
      'void f(void)\n{\n#  ifdef CONFIG_X\n\tx();\n#\telse\n\ty();\n# endif\n#define A(x) ((x) + 1)\n#include <linux/mm.h>\n#undef A\n\tA(1);\n}\n   \n',
      'int f(void)\n{\n\tint caf\u00e9 = 1, \\u00e9t\u00e9 = 2, $x = 3, a$b = 4, \u00e9 = 5;\n\treturn caf\u00e9 + $x;\n}\n',
      'int f(void)\n{\n\tint a =\f1;\v\treturn a;\n}\n',
      'int f(void)\n{\n\tchar *s = "a\\n\\"b", c = \'\\\'\', d = L\'x\'; wchar_t *w = L"x" u8"y";\n\treturn 0x1fULL + 1.5e-3f + sizeof(long long) + TRUE + false + NULL;\n}',
      'static inline int f(int a) { return a ? : b; }',
      'int f(void) { label: goto label; switch (a) { case 1: break; default: ; } do { } while (0); for (;;) ; }',
      'int f(void) { asm volatile("" ::: "memory"); __attribute__((unused)) int x; struct s y = { .a = 1, [2] = 3 }; }',
      '   \n\t',
      '/* only */ // comment\n',
    ];
    for (const [i, text] of clean.entries()) {
      expect(parseNative(text).rootNode.hasError, `clean ${i}`).toBe(false);
      check(text, `clean ${i}`);
    }
  });

  // What lowering a clean tree assumes of tree-sitter-c's grammar (syntax-tree.ts, lowerClean).
  it('relies only on what the grammar guarantees', () => {
    type Rule = { type: string; value?: string; named?: boolean; content?: Rule; members?: Rule[] };
    const grammar = JSON.parse(readFileSync(path.join('node_modules', 'tree-sitter-c', 'src', 'grammar.json'), 'utf8')) as { rules: Record<string, Rule> };
    const anonymousAliases: string[] = [];
    const hiddenTokenRules = new Set<string>();
    const visit = (rule: Rule, name: string): void => {
      if (rule.type === 'ALIAS') {
        if (!rule.named) anonymousAliases.push(`${JSON.stringify(rule.content)} as ${rule.value}`);
        return;
      }
      // A pattern inside a rule (not a token rule of its own) is an invisible token.
      if (rule.type === 'PATTERN' || ((rule.type === 'TOKEN' || rule.type === 'IMMEDIATE_TOKEN') && rule.content?.type !== 'STRING')) {
        hiddenTokenRules.add(name);
        return;
      }
      for (const m of rule.members ?? []) visit(m, name);
      if (rule.content) visit(rule.content, name);
    };
    for (const [name, rule] of Object.entries(grammar.rules)) {
      const token = ['TOKEN', 'IMMEDIATE_TOKEN', 'PATTERN', 'STRING'].includes(rule.type) || (rule.type === 'PREC' && ['TOKEN', 'PATTERN'].includes(rule.content!.type));
      if (!token) visit(rule, name);
    }
    // Anonymous nodes are tokens, and the only ones not spelled as their type are directives.
    for (const a of anonymousAliases) expect(a).toMatch(/^\{"type":"PATTERN","value":"#\[ \\t\]\*(\w+)"\} as #\1$/);
    // Only directives end past their last child.
    expect([...hiddenTokenRules].every((r) => r.startsWith('preproc_'))).toBe(true);
    expect(grammar.rules.identifier.type).toBe('PATTERN');
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
