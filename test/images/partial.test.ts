import { describe, expect, it } from 'vitest';
import { buildImages, noTreeSource, type SourceImage } from '../../src/input/images.js';
import { nameFromSection, namesShown, resolveTruncatedSection } from '../../src/input/images/fragment.js';
import { firstParseProblem, parseC } from '../../src/lang/parser.js';
import { extractFunctions } from '../../src/lang/slice.js';
import { buildFunctionModel } from '../../src/analysis/function-model.js';
import { patchFrom } from './helpers.js';

/** A one-file diff from hunks given as [oldStart, newStart, section, lines]; counts are computed. */
function diff(name: string, hunks: Array<[number, number, string, string[]]>): string {
  const out = [`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`];
  for (const [oldStart, newStart, section, lines] of hunks) {
    const pre = lines.filter((l) => !l.startsWith('+')).length;
    const post = lines.filter((l) => !l.startsWith('-')).length;
    out.push(`@@ -${oldStart},${pre} +${newStart},${post} @@${section ? ' ' + section : ''}`, ...lines);
  }
  return out.join('\n') + '\n';
}

async function images(text: string): Promise<{ pre: SourceImage; post: SourceImage }> {
  const [file] = await buildImages(patchFrom(text), noTreeSource());
  expect(file.errors).toEqual([]);
  return { pre: file.pre!, post: file.post!, };
}

/** The functions the slicer finds, each with its first parse problem (undefined: clean). */
function functions(image: SourceImage) {
  return extractFunctions(image.text).map((f) => ({
    name: f.name,
    startLine: f.startLine,
    endLine: f.endLine,
    problem: firstParseProblem(parseC(f.text).rootNode),
  }));
}

function lines(image: SourceImage): string[] {
  return image.text.split('\n');
}

const RESTORE = diff('mm/sample.c', [
  [9, 9, 'static bool restore_entry(struct vm_area_struct *vma, pte_t *ptep,', [
    ' \tif (pte_swp_soft_dirty(old))',
    ' \t\tpte = pte_mksoft_dirty(pte);',
    ' \tif (writable)',
    '-\t\tpte = maybe_mkwrite(pte, vma);',
    '+\t\tpte = pte_mkwrite(pte);',
    ' \telse if (pte_swp_uffd_wp(old))',
    ' \t\tpte = pte_mkuffd_wp(pte);',
    ' ',
  ]],
]);

describe('partial images (no tree)', () => {
  it('places hunk lines at their real line numbers, empty lines elsewhere, and names the fragment from the section', async () => {
    const { pre, post } = await images(RESTORE);
    expect(pre.partial).toBe(true);
    expect(post.partial).toBe(true);
    expect(lines(pre).slice(0, 17)).toEqual([
      '', '', '', '', '', '', '',
      'void restore_entry(struct vm_area_struct *vma, pte_t *ptep, ...) {',
      '\tif (pte_swp_soft_dirty(old))',
      '\t\tpte = pte_mksoft_dirty(pte);',
      '\tif (writable)',
      '\t\tpte = maybe_mkwrite(pte, vma);',
      '\telse if (pte_swp_uffd_wp(old))',
      '\t\tpte = pte_mkuffd_wp(pte);',
      '',
      '}',
      '',
    ]);
    expect(lines(post)[11]).toBe('\t\tpte = pte_mkwrite(pte);');
    expect(pre.changedLines).toEqual([12]);
    expect(post.changedLines).toEqual([12]);
    expect(post.syntheticLines).toEqual([8, 16]);
    // Input lines: the `@@` header is line 4 of the diff, the first context line 5.
    expect(post.inputLineOf(9)).toBe(5);
    expect(pre.inputLineOf(12)).toBe(8);
    expect(post.inputLineOf(12)).toBe(9);
    expect(post.inputLineOf(8)).toBeUndefined();
    expect(functions(post)).toEqual([{ name: 'restore_entry', startLine: 8, endLine: 16, problem: undefined }]);
    expect(functions(pre)).toEqual([{ name: 'restore_entry', startLine: 8, endLine: 16, problem: undefined }]);
  });

  it('opens `if (1) {` for a `}` followed by else, and closes what stays open', async () => {
    const { pre, post } = await images(diff('mm/sample.c', [
      [27, 27, 'static void split_entry(struct vm_area_struct *vma, pte_t *ptep, bool write,', [
        ' \t} else {',
        ' \t\tentry = pte_mkdirty(*ptep);',
        ' \t\tif (write)',
        '-\t\t\tentry = maybe_mkwrite(entry, vma);',
        '+\t\t\tentry = pte_mkwrite(entry);',
        ' \t\tif (!young)',
        ' \t\t\tentry = pte_mkold(entry);',
      ]],
    ]));
    expect(lines(post)[25]).toBe('void split_entry(struct vm_area_struct *vma, pte_t *ptep, bool write, ...) { if (1) {');
    expect(lines(post)[32]).toBe('}}');
    for (const image of [pre, post]) {
      expect(functions(image)).toEqual([{ name: 'split_entry', startLine: 26, endLine: 33, problem: undefined }]);
    }
  });

  it('parses a hunk that starts mid-condition and inside a switch', async () => {
    const { post } = await images(diff('mm/walk.c', [
      [40, 40, 'static int count_entries(pte_t *ptep, int nr)', [
        ' \t\t    pte_present(ptep[i])) {',
        ' \t\t\tswitch (kind(ptep[i])) {',
        ' \t\t\tcase 1:',
        '-\t\t\t\tn--;',
        '+\t\t\t\tn++;',
        ' \t\t\t\tbreak;',
        ' \t\t\t}',
        ' \t\t}',
        ' \t}',
      ]],
      [60, 60, 'static int count_kinds(pte_t *ptep, int nr)', [
        ' \t\t\tcase 2:',
        '-\t\t\t\tn--;',
        '+\t\t\t\tn++;',
        ' \t\t\t\tbreak;',
        ' \t\t\t}',
      ]],
    ]));
    expect(lines(post)[38]).toBe('void count_entries(pte_t *ptep, int nr) { { if (');
    expect(lines(post)[58]).toBe('void count_kinds(pte_t *ptep, int nr) { {');
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([
      ['count_entries', undefined],
      ['count_kinds', undefined],
    ]);
  });

  it('parses a hunk that starts inside a comment or ends inside a call', async () => {
    const { post } = await images(diff('mm/comment.c', [
      [10, 10, 'static void fold(struct vm_area_struct *vma)', [
        ' \t * the comment goes on, and it\'s long',
        ' \t */',
        ' \tif (vma)',
        '-\t\tfold_one(vma);',
        '+\t\tfold_two(vma);',
        ' \tret = fold_range(vma, start,',
      ]],
    ]));
    expect(lines(post)[8]).toBe('void fold(struct vm_area_struct *vma) { /*');
    expect(lines(post)[14]).toBe('0);}');
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([['fold', undefined]]);
  });

  it('needs no header where the hunk reaches file scope, and keeps the real function found', async () => {
    const { post } = await images(diff('mm/two.c', [
      [20, 20, 'static void first(void)', [
        ' \treturn;',
        ' }',
        ' ',
        '+/* The second one. */',
        ' static int second(struct vm_area_struct *vma,',
        ' \t\t  unsigned long addr)',
        ' {',
        ' \tint ret;',
      ]],
    ]));
    expect(lines(post)[18]).toBe('void first(void) {');
    expect(lines(post)[27]).toBe('}');
    expect(functions(post).map((f) => [f.name, f.startLine, f.endLine, f.problem])).toEqual([
      ['first', 19, 21, undefined],
      ['second', 24, 28, undefined],
    ]);
  });

  it('writes nothing before a hunk at line 1 (file scope), and names an unnamed fragment by its hunk', async () => {
    const { post } = await images(diff('mm/top.c', [
      [1, 1, '', [
        ' // SPDX-License-Identifier: GPL-2.0',
        ' #include <linux/mm.h>',
        '+#include <linux/swapops.h>',
        ' ',
        ' static bool enabled;',
      ]],
      [30, 31, '', [
        ' \tif (enabled)',
        '-\t\treturn 0;',
        '+\t\treturn 1;',
      ]],
    ]));
    expect(lines(post).slice(0, 6)).toEqual([
      '// SPDX-License-Identifier: GPL-2.0', '#include <linux/mm.h>', '#include <linux/swapops.h>', '', 'static bool enabled;', '',
    ]);
    expect(post.syntheticLines).toEqual([30, 33]);
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([['__ptelint_fragment_2', undefined]]);
    expect(parseC(post.text).rootNode.hasError).toBe(false);
  });

  it('merges hunks closer than 2 lines into one fragment', async () => {
    const { post } = await images(diff('mm/close.c', [
      [10, 10, 'static void near(void)', [' \ta();', '-\tb();', '+\tc();', ' \td();']],
      [14, 14, 'static void near(void)', [' \te();', '-\tf();', '+\tg();', ' \th();']],
      [30, 30, 'static void near(void)', [' \ti();', '-\tj();', '+\tk();', ' \tl();']],
      [35, 35, 'static void near(void)', [' \tm();', '-\tn();', '+\to();', ' \tp();']],
    ]));
    // Hunks 1 (10..12) and 2 (14..16) leave one empty line between them: merged with nothing
    // written there. Hunks 3 (30..32) and 4 (35..37) continue the same function further down:
    // stitched to it, the first hidden line of each gap an opaque statement.
    expect(post.syntheticLines).toEqual([9, 17, 33, 38]);
    expect(lines(post)[12]).toBe('');
    expect(lines(post)[16]).toBe('__ptelint_gap();');
    expect(lines(post)[32]).toBe('__ptelint_gap();');
    expect(functions(post).map((f) => [f.name, f.startLine, f.endLine, f.problem])).toEqual([['near', 9, 38, undefined]]);
  });

  it('stitches hunks of one function however far apart, with the header the hunk header gives, and a truncated name completed', async () => {
    const section = 'static int copy_one(struct vm_area_struct *dst_vma, pte_t *dst_pte, pte_t *src_pte)';
    const { post } = await images(diff('mm/copy.c', [
      [20, 20, section, [' \tpte_t pte = ptep_get(src_pte);', ' ', '-\tif (is_cow_mapping(dst_vma->vm_flags))', '+\tif (is_cow_mapping(dst_vma->vm_flags) && pte_write(pte))', ' \t\tptep_set_wrprotect(src_mm, addr, src_pte);']],
      // git cut this section at 80 columns, in the middle of the name.
      [200, 200, 'static int copy_one(struct vm_area_struct *dst_vma, pte_t *dst_pte, pte_t *src_pte)', [' \tif (!userfaultfd_wp(dst_vma))', '-\t\tpte = pte_clear_uffd_wp(pte);', '+\t\tpte = pte_mkold(pte);', ' \tset_pte_at(dst_mm, addr, dst_pte, pte);']],
      [300, 300, 'static void copy_one_trailer_with_a_name_long_enough_that_git_cuts_it_at_eighty_col', [' \tint ret;', '-\tret = 0;', '+\tret = 1;']],
      [320, 320, 'static void copy_one_trailer_with_a_name_long_enough_that_git_cuts_it_at_eighty_col', [' \tret++;', '-\tret--;', '+\tret -= 2;']],
      [400, 400, 'static void caller(void)', [' \tcopy_one_trailer_with_a_name_long_enough_that_git_cuts_it_at_eighty_columns(vma);', '-\tx = 1;', '+\tx = 2;']],
    ]));
    const found = functions(post);
    expect(found.map((f) => [f.name, f.startLine, f.problem])).toEqual([
      ['copy_one', 19, undefined],
      ['copy_one_trailer_with_a_name_long_enough_that_git_cuts_it_at_eighty_columns', 299, undefined],
      ['caller', 399, undefined],
    ]);
    expect(lines(post)[18]).toBe('void copy_one(struct vm_area_struct *dst_vma, pte_t *dst_pte, pte_t *src_pte) {');
    expect(lines(post)[23]).toBe('__ptelint_gap();');
    const fn = extractFunctions(post.text)[0];
    const def = parseC(fn.text).rootNode.namedChildren.find((c) => c.type === 'function_definition')!;
    expect([...(buildFunctionModel(def)?.params.keys() ?? [])]).toEqual(['dst_vma', 'dst_pte', 'src_pte']);
  });

  it('keeps hunks of different functions, or below the end of the function, apart', async () => {
    const { post } = await images(diff('mm/apart.c', [
      [10, 10, 'static void first(void)', [' \ta();', '-\tb();', '+\tc();', ' \td();']],
      [30, 30, 'static void second(void)', [' \ti();', '-\tj();', '+\tk();', ' \tl();']],
      // git names a hunk after the function above it even when the hunk starts below its end.
      [40, 40, 'static void second(void)', [' ', '-int counter;', '+long counter;', ' ', ' static int third(void)', ' {', ' \tx();']],
    ]));
    expect(functions(post).map((f) => [f.name, f.startLine, f.problem])).toEqual([
      ['first', 9, undefined],
      ['second', 29, undefined],
      ['third', 43, undefined],
    ]);
    expect(post.text).not.toContain('__ptelint_gap');
  });

  it('parses a whitespace-stripped hunk (seed 003 shape) where column 0 means nothing', async () => {
    const { pre, post } = await images([
      'diff --git a/mm/huge.c b/mm/huge.c',
      '--- a/mm/huge.c',
      '+++ b/mm/huge.c',
      '@@ -2234,7 +2234,7 @@ static void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd,',
      '} else {',
      'entry = mk_pte(page + i, READ_ONCE(vma->vm_page_prot));',
      'if (write)',
      '- entry = maybe_mkwrite(entry, vma);',
      '+ entry = pte_mkwrite(entry);',
      'if (anon_exclusive)',
      'SetPageAnonExclusive(page + i);',
      'if (!young)',
      '',
    ].join('\n'));
    expect(lines(post)[2232]).toBe('void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd, ...) { if (1) {');
    for (const image of [pre, post]) {
      expect(functions(image).map((f) => [f.name, f.problem])).toEqual([['__split_huge_pmd_locked', undefined]]);
    }
  });

  it('closes a conditional the hunk leaves open so that later fragments survive', async () => {
    const { post } = await images(diff('mm/cond.c', [
      [10, 10, 'static void soft(pte_t pte)', [
        ' \tx = 1;',
        ' #ifdef CONFIG_X86_32',
        ' \tif (pte_soft_dirty(pte))',
        '-\t\ta();',
        '+\t\tb();',
      ]],
      [40, 40, 'static void later(pte_t pte)', [' \ty = 1;', '-\tz = 2;', '+\tz = 3;']],
    ]));
    expect(lines(post).slice(12, 15)).toEqual(['\t\tb();', '#endif', '}']);
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([
      ['soft', undefined],
      ['later', undefined],
    ]);
  });

  it('bridges a hidden line between merged hunks that leaves a call open', async () => {
    const { post } = await images(diff('mm/bridge.c', [
      [10, 10, 'static int bridge(struct vm_area_struct *vma)', [
        ' \tif (vma) {',
        '-\t\tret = walk_range(vma, start,',
        '+\t\tret = walk_range(vma, addr,',
      ]],
      // Line 12 (`end, &ops);` in the real file) is not shown.
      [13, 13, 'static int bridge(struct vm_area_struct *vma)', [' \t}', '-\treturn 0;', '+\treturn ret;', ' }']],
    ]));
    expect(lines(post).slice(8, 16)).toEqual([
      'void bridge(struct vm_area_struct *vma) {',
      '\tif (vma) {',
      '\t\tret = walk_range(vma, addr,',
      '0);',
      '\t}',
      '\treturn ret;',
      '}',
      '',
    ]);
    expect(post.syntheticLines).toEqual([9, 12]);
    expect(functions(post).map((f) => [f.name, f.startLine, f.endLine, f.problem])).toEqual([['bridge', 9, 15, undefined]]);
  });

  it('closes a `do` body with `while (0);` and a ternary with its other arm', async () => {
    const { post } = await images(diff('mm/loop.c', [
      [20, 20, 'static void loop(pte_t *ptep)', [
        ' \tdo {',
        '-\t\tpte = ptep_get(ptep);',
        '+\t\tpte = ptep_get_lockless(ptep);',
        ' \t\tnr = pte_present(pte) ?',
      ]],
    ]));
    expect(lines(post)[22]).toBe('0 : 0;} while (0);}');
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([['loop', undefined]]);
  });

  it('wraps a hunk inside an initializer or a struct as one, not as a function', async () => {
    const { post } = await images(diff('mm/ops.c', [
      [30, 30, 'static const struct mm_walk_ops walk_ops = {', [
        ' \t.pmd_entry\t= walk_pmd,',
        '-\t.pte_entry\t= walk_pte,',
        '+\t.pte_entry\t= walk_pte_range,',
        ' \t.walk_lock\t= PGWALK_RDLOCK,',
        ' };',
      ]],
      [60, 60, 'struct walk_state {', [
        ' \tunsigned long addr;',
        '-\tint nr;',
        '+\tlong nr;',
        ' \tbool young:1;',
        ' };',
      ]],
    ]));
    expect(lines(post)[28]).toBe('static int __ptelint_fragment_1[] = {');
    expect(lines(post)[58]).toBe('struct __ptelint_fragment_2 {');
    expect(functions(post)).toEqual([]);
    expect(firstParseProblem(parseC(post.text).rootNode)).toBeUndefined();
  });

  it('closes a parameter list cut at file scope with `...)`', async () => {
    const { post } = await images(diff('mm/decl.c', [
      [50, 50, 'static int first(void)', [
        ' }',
        ' ',
        '-static int second(struct vm_area_struct *vma,',
        '+static long second(struct vm_area_struct *vma,',
      ]],
    ]));
    expect(lines(post)[52]).toBe('...);');
    expect(firstParseProblem(parseC(post.text).rootNode)).toBeUndefined();
  });

  it('names a definer macro fragment as the slicer names the real one', async () => {
    const { post } = await images(diff('mm/mprotect.c', [
      [800, 800, 'SYSCALL_DEFINE3(mprotect, unsigned long, start, size_t, len,', [' \tint ret;', '-\tret = 0;', '+\tret = 1;']],
    ]));
    expect(functions(post).map((f) => [f.name, f.problem])).toEqual([['SYSCALL_DEFINE3(mprotect)', undefined]]);
  });

  it('marks the line after a pure deletion in the post-image', async () => {
    const { pre, post } = await images(diff('mm/del.c', [
      [10, 10, 'static void f(void)', [' \ta();', '-\tpte = pte_wrprotect(pte);', ' \tset_pte(pte);', ' \tb();']],
    ]));
    expect(pre.changedLines).toEqual([11]);
    expect(post.changedLines).toEqual([11]);
    expect(lines(post)[10]).toBe('\tset_pte(pte);');
  });

  it('builds a new file and a deleted file exactly (not partial)', async () => {
    const text = [
      'diff --git a/mm/new.c b/mm/new.c', 'new file mode 100644', '--- /dev/null', '+++ b/mm/new.c',
      '@@ -0,0 +1,3 @@', '+int fresh(void)', '+{', '+}',
      'diff --git a/mm/old.c b/mm/old.c', 'deleted file mode 100644', '--- a/mm/old.c', '+++ /dev/null',
      '@@ -1,2 +0,0 @@', '-int old;', '-int older;', '',
    ].join('\n');
    const [added, deleted] = await buildImages(patchFrom(text), noTreeSource());
    expect(added.pre).toBeUndefined();
    expect(added.post).toMatchObject({ text: 'int fresh(void)\n{\n}\n', partial: false, changedLines: [1, 2, 3] });
    expect(deleted.post).toBeUndefined();
    expect(deleted.pre).toMatchObject({ text: 'int old;\nint older;\n', partial: false, changedLines: [1, 2] });
  });

  it('reports hunks out of order instead of guessing', async () => {
    const [file] = await buildImages(
      patchFrom(diff('mm/bad.c', [
        [20, 20, '', [' a;', '-b;', '+c;']],
        [10, 10, '', [' d;', '-e;', '+f;']],
      ])),
      noTreeSource(),
    );
    expect(file.errors.map((e) => e.message)).toEqual(['hunk 2 (@@ -10,2 +10,2 @@) overlaps or precedes hunk 1 in mm/bad.c']);
    expect(file.pre).toBeUndefined();
  });
});

describe('nameFromSection', () => {
  it.each([
    ['static bool remove_migration_pte(struct folio *folio,', 'remove_migration_pte', 'void remove_migration_pte(struct folio *folio, ...)'],
    ['static __printf(2, 3) void report(struct mm_struct *mm, const char *fmt, ...)', 'report', 'void report(struct mm_struct *mm, const char *fmt, ...)'],
    ['static vm_fault_t do_wp_page(struct vm_fault *vmf)', 'do_wp_page', 'void do_wp_page(struct vm_fault *vmf)'],
    // git cuts the section at 80 columns: the parameters complete before the cut are kept.
    ['static int copy_present_ptes(struct vm_area_struct *dst_vma, struct vm_area_struct *sr', 'copy_present_ptes', 'void copy_present_ptes(struct vm_area_struct *dst_vma, ...)'],
    ['static void flush(void)', 'flush', 'void flush(void)'],
    ['SYSCALL_DEFINE3(mprotect, unsigned long, start, size_t, len,', 'SYSCALL_DEFINE3', 'SYSCALL_DEFINE3(mprotect, int, __ptelint_arg)'],
    ['static DEFINE_WALKER(walk_pmd, struct mm_walk *walk)', 'DEFINE_WALKER', 'void DEFINE_WALKER(walk_pmd)'],
    ['int __ref online_pages(unsigned long pfn, unsigned long nr_pages,', 'online_pages', 'void online_pages(unsigned long pfn, unsigned long nr_pages, ...)'],
  ])('%s', (section, name, head) => {
    expect(nameFromSection(section)).toEqual({ name, head });
  });

  it.each(['', 'again:', 'struct mm_walk_ops walk_ops = {', 'static int nr_entries;'])('names nothing in %j', (section) => {
    expect(nameFromSection(section)).toBeUndefined();
  });
});

describe('resolveTruncatedSection', () => {
  const names = namesShown(['\tnr = folio_unmap_pte_batch(folio, pvmw, flags, pteval);', 'static int folio_unmap_pte_batch(struct folio *folio,', '\tfolio_unlock(folio);']);

  it('completes a name git cut at 80 columns from the one name the patch shows that it begins', () => {
    expect(resolveTruncatedSection('static inline unsigned int folio_unmap_p', names)).toBe('static inline unsigned int folio_unmap_pte_batch(');
    expect(nameFromSection(resolveTruncatedSection('static inline unsigned int folio_unmap_p', names))?.name).toBe('folio_unmap_pte_batch');
  });

  it('leaves whole names, labels, declarations and ambiguous prefixes alone', () => {
    for (const section of ['static bool try_to_unmap_one(struct folio *folio,', 'again:', 'static int nr_entries;', 'static void folio_un', 'static void nothing_like_it']) {
      expect(resolveTruncatedSection(section, names)).toBe(section);
    }
  });
});
