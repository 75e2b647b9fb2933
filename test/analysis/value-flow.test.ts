// Unit tests of reaching definitions (src/analysis/value-flow.ts): which assignments of a variable
// may reach a use. A later `=` kills an earlier one when it runs before every execution of the use,
// which holds through bare `{ }` blocks at any depth, but not from an if arm or a loop body that
// the use is outside of.

import { describe, expect, test } from 'vitest';
import { parseC } from '../../src/lang/parser.js';
import { buildFunctionFacts } from '../../src/analysis/facts.js';
import { parseKernelVersion } from '../../src/kernel-version.js';

/** The right-hand sides of the definitions of `v` reaching the argument of `use(v)`. */
function reaching(body: string): string[] {
  const fn = parseC(`static void f(pte_t *ptep, bool c, int n)\n{\n\tpte_t v;\n${body}\n}`).rootNode.namedChildren.find(
    (c) => c.type === 'function_definition',
  );
  if (!fn) throw new Error('no function');
  const version = parseKernelVersion('6.12');
  if (!version) throw new Error('bad version');
  const facts = buildFunctionFacts(fn, version, { helper: () => undefined });
  if (!facts) throw new Error('no facts');
  const use = facts.model.calls.find((c) => c.name === 'use');
  if (!use) throw new Error('no use()');
  return facts.flow.reachingDefinitions('v', use.args[0]).map((d) => d.value.text);
}

describe('reaching definitions', () => {
  test('a later definition in a bare block inside an if arm kills the earlier one', () => {
    expect(reaching(`\tif (c) {\n\t\t{\n\t\t\tv = a(ptep);\n\t\t\tv = b(v);\n\t\t}\n\t\tuse(v);\n\t}`)).toEqual(['b(v)']);
    // The same without the braces gave the same answer before; it must stay so.
    expect(reaching(`\tif (c) {\n\t\tv = a(ptep);\n\t\tv = b(v);\n\t\tuse(v);\n\t}`)).toEqual(['b(v)']);
  });

  test('bare blocks nest to any depth, and the use may be deeper than the definition', () => {
    expect(reaching(`\tv = a(ptep);\n\t{\n\t\t{\n\t\t\t{ v = b(v); }\n\t\t}\n\t}\n\tif (c)\n\t\tuse(v);`)).toEqual(['b(v)']);
    expect(reaching(`\tv = a(ptep);\n\twhile (n--) {\n\t\t{ v = b(v); }\n\t\tuse(v);\n\t}`)).toEqual(['b(v)']);
  });

  test('a definition in an if arm or a loop body does not kill for a use after it', () => {
    expect(reaching(`\tv = a(ptep);\n\t{\n\t\tif (c) {\n\t\t\tv = b(v);\n\t\t}\n\t}\n\tuse(v);`)).toEqual(['a(ptep)', 'b(v)']);
    expect(reaching(`\tv = a(ptep);\n\twhile (n--) {\n\t\t{ v = b(v); }\n\t}\n\tuse(v);`)).toEqual(['a(ptep)', 'b(v)']);
    expect(reaching(`\tv = a(ptep);\n\tswitch (n) {\n\tcase 1:\n\t\t{ v = b(v); }\n\t}\n\tuse(v);`)).toEqual(['a(ptep)', 'b(v)']);
  });

  test('a later definition in the same arm overwrites on every path to a use below the arm', () => {
    expect(reaching(`\tif (c) {\n\t\tv = a(ptep);\n\t\tv = b(v);\n\t} else {\n\t\tv = d(ptep);\n\t}\n\tuse(v);`)).toEqual(['b(v)', 'd(ptep)']);
    expect(reaching(`\twhile (n--) {\n\t\tv = a(ptep);\n\t\t{ v = b(v); }\n\t}\n\tuse(v);`)).toEqual(['b(v)']);
    // Not when the later one is itself conditional, or a jump can go around it.
    expect(reaching(`\tif (c) {\n\t\tv = a(ptep);\n\t\tif (n)\n\t\t\tv = b(v);\n\t}\n\tuse(v);`)).toEqual(['a(ptep)', 'b(v)']);
    expect(reaching(`\twhile (n--) {\n\t\tv = a(ptep);\n\t\tif (c)\n\t\t\tbreak;\n\t\tv = b(v);\n\t}\n\tuse(v);`)).toEqual(['a(ptep)', 'b(v)']);
  });

  test('a definition after the use, or holding it, does not kill', () => {
    expect(reaching(`\tv = a(ptep);\n\tuse(v);\n\t{ v = b(v); }`)).toEqual(['a(ptep)']);
    expect(reaching(`\tv = a(ptep);\n\t{ v = b(use(v)); }`)).toEqual(['a(ptep)']);
  });
});
