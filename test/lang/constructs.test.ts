// One test per construct of kernel C that tree-sitter or the slicer must cope with
// (docs/architecture.md; snippets written in the kernel idiom for these tests): the raw text trips
// tree-sitter-c, the sliced and preprocessed function parses cleanly, the tree has the intended
// shape, and tokens sit at their original line and column.

import { describe, test, expect } from 'vitest';
import { firstParseProblem, parseC, type SyntaxNode, type Tree } from '../../src/lang/parser.js';
import { DEFAULT_PROFILE } from '../../src/lang/preprocess/index.js';
import { extractFunctions, type SourceFunction } from '../../src/lang/slice.js';

function lines(...l: string[]): string {
  return l.join('\n') + '\n';
}

function parsed(source: string, name: string): { fn: SourceFunction; tree: Tree } {
  const fn = extractFunctions(source).find((f) => f.name === name);
  if (!fn) throw new Error(`${name} not extracted`);
  const tree = parseC(fn.text);
  expect(firstParseProblem(tree.rootNode)).toBeUndefined();
  return { fn, tree };
}

function rawProblem(source: string) {
  return firstParseProblem(parseC(source).rootNode);
}

/** The first node of one of `types` whose text is `text`. */
function find(root: SyntaxNode, types: string | string[], text?: string): SyntaxNode {
  const node = root.descendantsOfType(types).find((n) => text === undefined || n.text === text);
  if (!node) throw new Error(`no ${String(types)} ${text ?? ''}`);
  return node;
}

/** `token` (an identifier, first occurrence after `after`) is at the same file line/column in the parse. */
function expectInPlace(source: string, fn: SourceFunction, tree: Tree, token: string, after = ''): void {
  const offset = source.indexOf(token, source.indexOf(after));
  const before = source.slice(0, offset).split('\n');
  const line = before.length; // 1-based
  const column = before[before.length - 1].length;
  const at = tree.rootNode
    .descendantsOfType(['identifier', 'field_identifier', 'type_identifier'])
    .filter((n) => n.text === token)
    .map((n) => [fn.startLine + n.startPosition.row, n.startPosition.column]);
  expect(at, token).toContainEqual([line, column]);
}

describe('kernel C constructs', () => {
  test('`else` as the last token before #endif, else-body after it (remove_migration_pte)', () => {
    const source = lines(
      'static bool demo_restore(struct folio *folio, pte_t pte)',
      '{',
      '\tif (folio_test_large(folio))',
      '\t\tpte = pte_mkhuge(pte);',
      '#ifdef CONFIG_HUGETLB_PAGE',
      '\tif (folio_test_hugetlb(folio)) {',
      '\t\tdemo_set_huge(pte);',
      '\t} else',
      '#endif',
      '\t{',
      '\t\tdemo_set(pte);',
      '\t}',
      '\treturn true;',
      '}',
    );
    expect(rawProblem(source)).toBeDefined();
    const { fn, tree } = parsed(source, 'demo_restore');
    const ifs = tree.rootNode.descendantsOfType('if_statement');
    const hugetlb = ifs.find((n) => n.childForFieldName('condition')?.text.includes('folio_test_hugetlb'));
    const alternative = hugetlb?.childForFieldName('alternative');
    expect(alternative?.type).toBe('else_clause');
    expect(alternative?.namedChildren[0].type).toBe('compound_statement');
    expect(alternative?.text).toContain('demo_set(pte)');
    expectInPlace(source, fn, tree, 'demo_set', '\t{');
  });

  test('__releases(..) after the declarator (wp_page_reuse, do_wp_page)', () => {
    const source = lines(
      'static inline void demo_reuse(struct vm_fault *vmf, struct folio *folio)',
      '\t__releases(vmf->ptl)',
      '{',
      '\tpte_t entry = pte_mkyoung(vmf->orig_pte);',
      '\tpte_unmap_unlock(vmf->pte, vmf->ptl);',
      '}',
    );
    expect(rawProblem(source)).toBeDefined();
    const { fn, tree } = parsed(source, 'demo_reuse');
    expect(fn).toMatchObject({ startLine: 1, nameLine: 1, endLine: 6 });
    const def = find(tree.rootNode, 'function_definition');
    expect(def.childForFieldName('declarator')?.childForFieldName('declarator')?.text).toBe('demo_reuse');
    expectInPlace(source, fn, tree, 'entry');
  });

  test('static __always_inline void (__copy_present_ptes, zap_present_folio_ptes)', () => {
    const source = lines(
      'static __always_inline void demo_copy_ptes(struct vm_area_struct *dst_vma,',
      '\t\tpte_t *dst_pte, pte_t pte, unsigned long addr, int nr)',
      '{',
      '\tset_ptes(dst_vma->vm_mm, addr, dst_pte, pte, nr);',
      '}',
    );
    expect(rawProblem(source)).toBeDefined();
    const { fn, tree } = parsed(source, 'demo_copy_ptes');
    const def = find(tree.rootNode, 'function_definition');
    expect(def.childForFieldName('type')?.text).toBe('void');
    expect(fn.endLine).toBe(5);
    expectInPlace(source, fn, tree, 'set_ptes');
  });

  test('list_for_each_entry(..) { used as a loop header (__collapse_huge_page_isolate)', () => {
    const source = lines(
      'static void demo_release(struct list_head *compound_pagelist)',
      '{',
      '\tstruct folio *folio, *tmp;',
      '',
      '\tlist_for_each_entry_safe(folio, tmp, compound_pagelist, lru) {',
      '\t\tlist_del(&folio->lru);',
      '\t\tfolio_putback_lru(folio);',
      '\t}',
      '}',
    );
    expect(rawProblem(source)).toMatchObject({ kind: 'MISSING', text: ';' });
    const { fn, tree } = parsed(source, 'demo_release');
    const loop = find(tree.rootNode, 'for_statement');
    expect(loop.childForFieldName('body')?.text).toContain('folio_putback_lru(folio);');
    expectInPlace(source, fn, tree, 'folio_putback_lru');
  });

  test('do { } for_each_vma(..); loop tail (show_smaps_rollup), and the functions after it', () => {
    const source = lines(
      'static int demo_rollup(struct seq_file *m, struct vma_iterator vmi)',
      '{',
      '\tstruct vm_area_struct *vma = vma_next(&vmi);',
      '',
      '\tdo {',
      '\t\tdemo_account(m, vma);',
      '\t} for_each_vma(vmi, vma);',
      '\treturn 0;',
      '}',
      '',
      'static void demo_after(pte_t *ptep)',
      '{',
      '\tptep_set_wrprotect(NULL, 0, ptep);',
      '}',
    );
    expect(rawProblem(source)).toMatchObject({ kind: 'ERROR', row: 4 });
    const { fn, tree } = parsed(source, 'demo_rollup');
    const loop = find(tree.rootNode, 'do_statement');
    expect(loop.childForFieldName('condition')?.text).toBe('(0)');
    expect(loop.childForFieldName('body')?.text).toContain('demo_account(m, vma);');
    expectInPlace(source, fn, tree, 'demo_account');
    parsed(source, 'demo_after');
  });

  test('casts with __user (hugetlb_mfill_atomic_pte)', () => {
    const source = lines(
      'static int demo_fill(struct folio *folio, unsigned long src_addr)',
      '{',
      '\treturn copy_folio_from_user(folio, (const void __user *) src_addr, false);',
      '}',
    );
    expect(rawProblem(source)).toBeDefined();
    const { fn, tree } = parsed(source, 'demo_fill');
    const cast = find(tree.rootNode, 'cast_expression');
    expect(cast.childForFieldName('type')?.text.replace(/\s+/g, ' ')).toBe('const void *');
    expect(cast.childForFieldName('value')?.text).toBe('src_addr');
    expectInPlace(source, fn, tree, 'src_addr', 'copy_folio');
  });

  test('#ifdef CONFIG_MEM_SOFT_DIRTY around a single statement is kept (move_soft_dirty_pte)', () => {
    const source = lines(
      'static pte_t demo_move_pte(struct mm_struct *mm, unsigned long addr, pte_t *src)',
      '{',
      '\tpte_t pte = ptep_get_and_clear(mm, addr, src);',
      '',
      '#ifdef CONFIG_MEM_SOFT_DIRTY',
      '\tpte = pte_mksoft_dirty(pte);',
      '#endif',
      '\treturn pte;',
      '}',
    );
    const { fn, tree } = parsed(source, 'demo_move_pte');
    const calls = tree.rootNode.descendantsOfType('call_expression').map((c) => c.childForFieldName('function')?.text);
    expect(calls).toEqual(['ptep_get_and_clear', 'pte_mksoft_dirty']);
    expectInPlace(source, fn, tree, 'pte_mksoft_dirty');
  });

  test('duplicate definitions under #ifdef/#else: only the active one is kept (clear_soft_dirty)', () => {
    const source = lines(
      '#ifdef CONFIG_MEM_SOFT_DIRTY',
      'static inline void demo_clear_soft_dirty(struct vm_area_struct *vma,',
      '\t\tunsigned long addr, pte_t *pte)',
      '{',
      '\tpte_t ptent = ptep_get(pte);',
      '',
      '\tif (pte_present(ptent))',
      '\t\tptent = pte_clear_soft_dirty(ptent);',
      '\tset_pte_at(vma->vm_mm, addr, pte, ptent);',
      '}',
      '#else',
      'static inline void demo_clear_soft_dirty(struct vm_area_struct *vma,',
      '\t\tunsigned long addr, pte_t *pte)',
      '{',
      '}',
      '#endif',
    );
    const active = extractFunctions(source);
    expect(active.map((f) => [f.name, f.startLine, f.endLine])).toEqual([['demo_clear_soft_dirty', 2, 10]]);
    const stubProfile = {
      name: 'no-soft-dirty',
      symbols: { ...DEFAULT_PROFILE.symbols, CONFIG_MEM_SOFT_DIRTY: false as const },
    };
    expect(extractFunctions(source, stubProfile).map((f) => [f.startLine, f.endLine])).toEqual([[12, 15]]);
  });

  test('line and column survive every transform', () => {
    const source = lines(
      'static __always_inline int',
      'demo_all(struct mm_struct *mm, const char __user *buf, struct list_head *head)',
      '\t__must_hold(&mm->mmap_lock)',
      '{',
      '\tstruct demo_item *item = container_of(head, struct demo_item, node);',
      '#ifdef CONFIG_HIGHMEM',
      '\tdemo_highmem();',
      '#endif',
      '\tlist_for_each_entry(item, head, node) {',
      '\t\tdemo_visit(item, (void __force *)buf);',
      '\t}',
      '\treturn demo_done(mm);',
      '}',
    );
    const { fn, tree } = parsed(source, 'demo_all');
    expect(fn).toMatchObject({ startLine: 1, nameLine: 2, endLine: 13 });
    expect(fn.text.split('\n')).toHaveLength(13);
    const called = tree.rootNode.descendantsOfType('call_expression').map((c) => c.childForFieldName('function')?.text);
    expect(called).not.toContain('demo_highmem');
    for (const token of ['demo_all', 'buf', 'container_of', 'demo_item', 'node', 'demo_visit', 'demo_done']) {
      expectInPlace(source, fn, tree, token, token === 'demo_item' || token === 'node' ? 'container_of' : '');
    }
  });

  test('braces in strings, character literals and comments do not end the function', () => {
    const source = lines(
      'static void demo_braces(struct seq_file *m)',
      '{',
      "\tchar open = '{';",
      '\tseq_puts(m, "} closing brace in a string\\',
      '}\\n");',
      '\t/* a closing brace in a comment:',
      '}',
      '\t */',
      '\tseq_putc(m, open);',
      '}',
      '',
      'static void demo_next(void)',
      '{',
      '}',
    );
    const fns = extractFunctions(source);
    expect(fns.map((f) => [f.name, f.startLine, f.endLine])).toEqual([
      ['demo_braces', 1, 10],
      ['demo_next', 12, 14],
    ]);
    const { fn, tree } = parsed(source, 'demo_braces');
    expectInPlace(source, fn, tree, 'seq_putc');
  });

  test('one-line header functions and header functions with { on the signature line', () => {
    const source = lines(
      'static inline pte_t pte_demo_mkclean(pte_t pte) { return pte_clear_flags(pte, _PAGE_DIRTY); }',
      'static inline int pte_demo_dirty(pte_t pte) { return pte_flags(pte) & _PAGE_DIRTY; } ' +
        'static inline int pte_demo_young(pte_t pte) { return 1; }',
      'static inline bool demo_userfaultfd_wp(struct vm_area_struct *vma) {',
      '\treturn vma->vm_flags & VM_UFFD_WP;',
      '}',
    );
    const fns = extractFunctions(source);
    expect(fns.map((f) => [f.name, f.startLine, f.nameLine, f.endLine])).toEqual([
      ['pte_demo_mkclean', 1, 1, 1],
      ['pte_demo_dirty', 2, 2, 2],
      ['pte_demo_young', 2, 2, 2],
      ['demo_userfaultfd_wp', 3, 3, 5],
    ]);
    for (const f of fns) {
      const tree = parseC(f.text);
      expect(firstParseProblem(tree.rootNode)).toBeUndefined();
      expect(tree.rootNode.descendantsOfType('function_definition')).toHaveLength(1);
    }
    const young = fns[2];
    expect(young.text.indexOf('static')).toBe(source.split('\n')[1].lastIndexOf('static'));
  });

  test('a 100 000-character function is extracted and parses', () => {
    const body = '\tnr += demo_batch(ptep + nr, pte_advance_pfn(pte, nr));\n'.repeat(2000);
    const source = `static int demo_long(pte_t *ptep, pte_t pte)\n{\n\tint nr = 0;\n\n${body}\treturn nr;\n}\n`;
    expect(source.length).toBeGreaterThan(100_000);
    const { fn, tree } = parsed(source, 'demo_long');
    expect(fn.endLine).toBe(2006);
    expect(find(tree.rootNode, 'compound_statement').namedChildren).toHaveLength(2002);
  });
});
