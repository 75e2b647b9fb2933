import { describe, test, expect } from 'vitest';
import { firstParseProblem, parseC } from '../../src/lang/parser.js';
import { extractFunctions } from '../../src/lang/slice.js';

function lines(...l: string[]): string {
  return l.join('\n') + '\n';
}

const FILE = lines(
  '// SPDX-License-Identifier: GPL-2.0',
  '#include <linux/mm.h>',
  '',
  'struct demo_walk {',
  '\tint (*pte_entry)(pte_t *pte, unsigned long addr);',
  '};',
  '',
  'static const struct demo_walk demo_ops = {',
  '\t.pte_entry = NULL,',
  '};',
  '',
  'enum demo_state { DEMO_IDLE, DEMO_BUSY };',
  'union demo_entry { pte_t pte; pmd_t pmd; };',
  'extern int demo_extern(struct page *page);',
  'static vm_fault_t demo_prototype(struct vm_fault *vmf);',
  '#define DEMO_BODY(x) { return (x); }',
  '',
  '/**',
  ' * demo_fault - kernel-doc is not part of the definition',
  ' */',
  'static vm_fault_t',
  'demo_fault(struct vm_fault *vmf,',
  '\t   unsigned long addr)',
  '{',
  '\treturn 0;',
  '}',
  'EXPORT_SYMBOL(demo_fault);',
  '',
  '#if 0',
  'static void demo_dead(void)',
  '{',
  '}',
  '#endif',
  '',
  'SYSCALL_DEFINE3(demo_protect, unsigned long, start, size_t, len,',
  '\t\tunsigned long, prot)',
  '{',
  '\treturn do_demo_protect(start, len, prot);',
  '}',
  '',
  'struct page *',
  'demo_lookup(struct mm_struct *mm)',
  '{',
  '\treturn NULL;',
  '}',
);

describe('extractFunctions', () => {
  const fns = extractFunctions(FILE);

  test('finds definitions only, in file order, with 1-based start/name/end lines', () => {
    expect(fns.map((f) => [f.name, f.startLine, f.nameLine, f.endLine])).toEqual([
      ['demo_fault', 21, 22, 26],
      ['SYSCALL_DEFINE3(demo_protect)', 35, 35, 39],
      ['demo_lookup', 41, 42, 45],
    ]);
  });

  test('text is the preprocessed lines startLine..endLine: row r is file line startLine + r', () => {
    const fault = fns[0];
    const fileLines = FILE.split('\n');
    expect(fault.text.split('\n')).toEqual(fileLines.slice(fault.startLine - 1, fault.endLine));
    const tree = parseC(fault.text);
    expect(firstParseProblem(tree.rootNode)).toBeUndefined();
    const name = tree.rootNode.descendantsOfType('identifier').find((n) => n.text === 'demo_fault');
    expect(fault.startLine + (name?.startPosition.row ?? -1)).toBe(fault.nameLine);
  });

  test('SYSCALL_DEFINEn definitions parse as functions named after the syscall', () => {
    const tree = parseC(fns[1].text);
    expect(firstParseProblem(tree.rootNode)).toBeUndefined();
    const params = tree.rootNode.descendantsOfType('parameter_declaration').map((p) => p.text.replace(/\s+/g, ' '));
    expect(params).toEqual(['unsigned long start', 'size_t len', 'unsigned long prot']);
  });

  test('deterministic: the same input gives the same output', () => {
    expect(extractFunctions(FILE)).toEqual(fns);
  });

  test('text before the definition on its first line is blanked', () => {
    const source = 'static int demo_counter; static int demo_get(void) { return demo_counter; }\n';
    const [fn] = extractFunctions(source);
    expect(fn.name).toBe('demo_get');
    const start = source.indexOf('static int demo_get');
    expect(fn.text).toBe(' '.repeat(start) + source.slice(start).trimEnd());
  });

  test('an all-caps function is named by its declarator, not like a definer macro', () => {
    const source = lines(
      'static inline struct demo_sb_info *DEMO_SB(struct super_block *sb)',
      '{',
      '\treturn sb->s_fs_info;',
      '}',
    );
    expect(extractFunctions(source).map((f) => f.name)).toEqual(['DEMO_SB']);
  });

  test('a function containing an unbalanced brace in a disabled arm still ends at its own }', () => {
    const source = lines(
      'static int demo_arm(int x)',
      '{',
      '#ifdef CONFIG_HIGHMEM',
      '\tif (x) {',
      '#else',
      '\tif (!x) {',
      '#endif',
      '\t\tx++;',
      '\t}',
      '\treturn x;',
      '}',
      'static int demo_following(void)',
      '{',
      '\treturn 1;',
      '}',
    );
    expect(extractFunctions(source).map((f) => [f.name, f.startLine, f.endLine])).toEqual([
      ['demo_arm', 1, 11],
      ['demo_following', 12, 15],
    ]);
  });
});
