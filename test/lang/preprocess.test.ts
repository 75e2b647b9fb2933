import { describe, test, expect } from 'vitest';
import {
  DEFAULT_PROFILE,
  blankAnnotations,
  evaluateConditionals,
  localAnnotationMacros,
  rewriteIteratorMacros,
  rewriteMacroIdioms,
  type ConfigProfile,
} from '../../src/lang/preprocess/index.js';

function lines(...l: string[]): string {
  return l.join('\n') + '\n';
}

/** The lines of `out` that still hold code, trimmed. */
function kept(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Replace-never-delete: same length, newlines at the same offsets. */
function expectSameShape(input: string, output: string): void {
  expect(output.length).toBe(input.length);
  const newlines = (s: string) => [...s.matchAll(/\n/g)].map((m) => m.index);
  expect(newlines(output)).toEqual(newlines(input));
}

/** Every occurrence of `token` in `output` sits where it was in `input`. */
function expectTokenKept(input: string, output: string, token: string): void {
  const at = input.indexOf(token);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(output.slice(at, at + token.length)).toBe(token);
}

function run(text: string, profile?: ConfigProfile): string[] {
  const out = evaluateConditionals(text, profile);
  expectSameShape(text, out);
  return kept(out);
}

describe('evaluateConditionals', () => {
  test('#if 0 is false and its #else arm is kept; every directive line is blanked', () => {
    expect(run('#if 0\nold();\n#else\nnew();\n#endif\n')).toEqual(['new();']);
  });

  test('an unknown CONFIG_* counts as enabled: the feature arm is kept', () => {
    expect(run('#ifdef CONFIG_SOME_FEATURE\nfeature();\n#else\nstub();\n#endif\n')).toEqual(['feature();']);
  });

  test('the default profile is x86_64: 32-bit and other-arch arms are dropped, MMU is on', () => {
    const text = lines(
      '#ifdef CONFIG_HIGHMEM',
      'high();',
      '#endif',
      '#ifndef CONFIG_MMU',
      'nommu();',
      '#endif',
      '#ifdef CONFIG_ARM64',
      'arm();',
      '#endif',
      'x();',
    );
    expect(run(text)).toEqual(['x();']);
    expect(DEFAULT_PROFILE.symbols.CONFIG_MEM_SOFT_DIRTY).toBe(1);
    expect(DEFAULT_PROFILE.symbols.CONFIG_PTE_MARKER_UFFD_WP).toBe(1);
  });

  test('an unknown non-CONFIG macro is undefined: header guards and generic fallbacks keep their content', () => {
    const text = lines(
      '#ifndef _LINUX_PTE_DEMO_H',
      '#define _LINUX_PTE_DEMO_H',
      '#ifndef arch_demo_hook',
      'static inline void arch_demo_hook(void) { }',
      '#endif',
      '#endif',
    );
    expect(run(text)).toEqual(['static inline void arch_demo_hook(void) { }']);
  });

  test('x86 arch feature macros are defined, so the generic version is dropped', () => {
    const text = lines(
      '#ifndef __HAVE_ARCH_PTEP_SET_WRPROTECT',
      'generic_wrprotect();',
      '#endif',
      '#ifdef __HAVE_ARCH_PTE_SWP_EXCLUSIVE',
      'swp_exclusive();',
      '#endif',
    );
    expect(run(text)).toEqual(['swp_exclusive();']);
  });

  test('defined(X), defined X, !, && and || with parentheses', () => {
    const text = [
      '#if defined(CONFIG_NUMA) && !defined(CONFIG_HIGHMEM)',
      'a();',
      '#endif',
      '#if defined CONFIG_HIGHMEM || (defined(CONFIG_X86_32) && defined(CONFIG_X86_PAE))',
      'b();',
      '#endif',
      '#if !(defined(CONFIG_HIGHMEM) || defined(__UNKNOWN_MACRO))',
      'c();',
      '#endif',
    ].join('\n');
    expect(run(text)).toEqual(['a();', 'c();']);
  });

  test('IS_ENABLED and IS_BUILTIN test the symbol; IS_MODULE is false (everything is built in)', () => {
    const text = lines(
      '#if IS_ENABLED(CONFIG_USERFAULTFD)',
      'a();',
      '#endif',
      '#if IS_BUILTIN(CONFIG_HIGHMEM)',
      'b();',
      '#endif',
      '#if IS_MODULE(CONFIG_ZSWAP)',
      'c();',
      '#endif',
    );
    expect(run(text)).toEqual(['a();']);
  });

  test('integer comparisons use the profile values', () => {
    const text = lines(
      '#if CONFIG_PGTABLE_LEVELS > 4',
      'five();',
      '#endif',
      '#if BITS_PER_LONG == 32',
      'thirty_two();',
      '#elif BITS_PER_LONG == 64',
      'sixty_four();',
      '#endif',
      '#if (1UL << 40) > 0x10000',
      'shift();',
      '#endif',
    );
    expect(run(text)).toEqual(['five();', 'sixty_four();', 'shift();']);
  });

  test('an undecidable expression keeps the first arm', () => {
    const text = lines(
      '#if PAGETABLE_LEVELS > 2',
      'three_levels();',
      '#else',
      'two_levels();',
      '#endif',
      '#if __has_attribute(__fallthrough__)',
      'attr();',
      '#else',
      'no_attr();',
      '#endif',
    );
    expect(run(text)).toEqual(['three_levels();', 'attr();']);
  });

  test('#elif and #elifdef: only the first true arm of a chain is kept', () => {
    const text = lines(
      '#if defined(CONFIG_HIGHMEM)',
      'a();',
      '#elifdef CONFIG_NUMA',
      'b();',
      '#elif 1',
      'c();',
      '#else',
      'd();',
      '#endif',
      '#ifdef CONFIG_X86_32',
      'e();',
      '#elifndef CONFIG_HIGHMEM',
      'f();',
      '#endif',
    );
    expect(run(text)).toEqual(['b();', 'f();']);
  });

  test('nested conditionals: an inner true arm inside an inactive outer arm stays inactive', () => {
    const text = lines(
      '#ifdef CONFIG_HIGHMEM',
      '#ifdef CONFIG_NUMA',
      'inner();',
      '#else',
      'inner_else();',
      '#endif',
      '#else',
      '#if 1',
      'outer_else();',
      '#endif',
      '#endif',
    );
    expect(run(text)).toEqual(['outer_else();']);
  });

  test('backslash-continued directives and #define bodies are blanked on every line', () => {
    const text = [
      '#if defined(CONFIG_HIGHMEM) || \\',
      '    defined(CONFIG_X86_32)',
      'dropped();',
      '#endif',
      '#define pte_demo(x)\t\\',
      '\tdo_demo(x);\t\\',
      '\tmore_demo(x)',
      'kept();',
    ].join('\n');
    expect(run(text)).toEqual(['kept();']);
  });

  test('a comment opened on a directive line and closed lines later belongs to the directive', () => {
    const text = lines(
      '#ifdef CONFIG_HIGHMEM',
      'high();',
      '#else /* !CONFIG_HIGHMEM: the',
      '   direct map covers all memory */',
      'low();',
      '#endif',
    );
    expect(run(text)).toEqual(['low();']);
  });

  test('# inside a block comment is not a directive', () => {
    const text = '/*\n#if 0\n */\nkept();\n/*\n#endif\n */\n';
    expect(run(text)).toEqual(['/*', '#if 0', '*/', 'kept();', '/*', '#endif', '*/']);
  });

  test("the file's own #define and #undef are honoured", () => {
    const text = lines(
      '#if defined(CONFIG_MEMCG)',
      '#define NEED_DEMO_EXT',
      '#endif',
      '#ifdef NEED_DEMO_EXT',
      'ext();',
      '#endif',
      '#define DEMO_CHECK 0',
      '#if DEMO_CHECK',
      'check();',
      '#endif',
      '#undef NEED_DEMO_EXT',
      '#ifdef NEED_DEMO_EXT',
      'again();',
      '#endif',
    );
    expect(run(text)).toEqual(['ext();']);
  });

  test('a custom profile turns a feature off', () => {
    const profile: ConfigProfile = {
      name: 'no-soft-dirty',
      symbols: { ...DEFAULT_PROFILE.symbols, CONFIG_MEM_SOFT_DIRTY: false },
    };
    const text = '#ifdef CONFIG_MEM_SOFT_DIRTY\nsoft_dirty();\n#endif\nmove();\n';
    expect(run(text, profile)).toEqual(['move();']);
    expect(run(text)).toEqual(['soft_dirty();', 'move();']);
  });

  test('kept lines keep their columns, including an #ifdef-ed single statement', () => {
    const text = lines(
      '\tpte = pte_mkold(pte);',
      '#ifdef CONFIG_MEM_SOFT_DIRTY',
      '\tpte = pte_mksoft_dirty(pte);',
      '#endif',
      '\tset_pte_at(mm, addr, ptep, pte);',
    );
    const out = evaluateConditionals(text);
    expectSameShape(text, out);
    expectTokenKept(text, out, 'pte_mksoft_dirty(pte);');
    expectTokenKept(text, out, 'set_pte_at(mm, addr, ptep, pte);');
    expect(out.split('\n')[1]).toBe(' '.repeat('#ifdef CONFIG_MEM_SOFT_DIRTY'.length));
  });
});

describe('blankAnnotations', () => {
  test('blanks __releases(..) after a declarator and keeps everything else in place', () => {
    const text = 'static vm_fault_t do_demo(struct vm_fault *vmf)\n\t__releases(vmf->ptl)\n{\n';
    const out = blankAnnotations(text);
    expectSameShape(text, out);
    expect(out.split('\n')[1].trim()).toBe('');
    expectTokenKept(text, out, 'do_demo(struct vm_fault *vmf)');
  });

  test('blanks word annotations, whole words only', () => {
    const text = 'static __always_inline void f(const void __user *src, int __user_count)\n';
    const out = blankAnnotations(text);
    expectSameShape(text, out);
    expect(out.replace(/\s+/g, ' ')).toBe('static void f(const void *src, int __user_count) ');
  });

  test('balanced parentheses across lines: __attribute__((..))', () => {
    const text = 'int demo __attribute__((section(".data"),\n\t\taligned(64))) = 1;\n';
    const out = blankAnnotations(text);
    expectSameShape(text, out);
    expect(kept(out)).toEqual(['int demo', '= 1;']);
  });

  test('leaves comments and string literals alone', () => {
    const text = '/* __user pointers */ pr_info("__must_check %s", s);\n';
    expect(blankAnnotations(text)).toBe(text);
  });

  test('blanks the words of a file-local annotation macro', () => {
    const text = lines(
      '#ifdef CONFIG_KMSAN',
      '#define demo_attrs noinline __no_kmsan_checks',
      '#else',
      '#define demo_attrs',
      '#endif',
      '#define demo_value 42',
      'static demo_attrs int demo(void)',
    );
    const macros = localAnnotationMacros(text);
    expect(macros.has('demo_attrs')).toBe(true);
    expect(macros.has('demo_value')).toBe(false);
    const out = blankAnnotations('static demo_attrs int demo(void)', macros);
    expect(out.replace(/\s+/g, ' ')).toBe('static int demo(void)');
  });
});

describe('rewriteIteratorMacros', () => {
  test('an iterator used as a loop header becomes for (;;) padded to the same extent', () => {
    const text = '\tlist_for_each_entry(folio, &pagelist, lru) {\n\t\tput(folio);\n\t}\n';
    const out = rewriteIteratorMacros(text);
    expectSameShape(text, out);
    const padding = ' '.repeat('list_for_each_entry(folio, &pagelist, lru)'.length - 'for (;;)'.length);
    expect(out).toBe(`\tfor (;;)${padding} {\n\t\tput(folio);\n\t}\n`);
  });

  test('arguments over several lines keep their newlines', () => {
    const text = lines(
      '\tvma_interval_tree_foreach(vma, &mapping->i_mmap,',
      '\t\t\t\t  first, last) {',
      '\t\tunmap(vma);',
      '\t}',
    );
    const out = rewriteIteratorMacros(text);
    expectSameShape(text, out);
    expect(kept(out)).toEqual(['for (;;)', '{', 'unmap(vma);', '}']);
  });

  test('a loop header after else or a label, and a body without braces', () => {
    const text = lines(
      'if (a)',
      '\tx();',
      'else for_each_node(nid)',
      '\ty(nid);',
      'out:',
      '\txa_for_each(&xa, idx, entry)',
      '\t\tz(entry);',
    );
    expect(kept(rewriteIteratorMacros(text))).toEqual([
      'if (a)', 'x();', 'else for (;;)', 'y(nid);', 'out:', 'for (;;)', 'z(entry);',
    ]);
  });

  test('an iterator-named call ending with ; is left alone', () => {
    const text = '\tfor_each_online_pgdat_demo(pgdat);\n\tx = list_for_each_count(head);\n';
    expect(rewriteIteratorMacros(text)).toBe(text);
  });

  test('the tail of do { } MACRO(args); becomes while (0);', () => {
    const text = '\tdo {\n\t\tsum(vma);\n\t} for_each_vma(vmi, vma);\n';
    const out = rewriteIteratorMacros(text);
    expectSameShape(text, out);
    expect(out.split('\n')[2]).toBe(`\t} while (0)${' '.repeat('for_each_vma(vmi, vma)'.length - 9)};`);
  });

  test('a } MACRO(args); that does not close a do body is left alone', () => {
    const text = '\tif (x) {\n\t\ty();\n\t} for_each_demo_call(x);\n';
    expect(rewriteIteratorMacros(text)).toBe(text);
  });

  test('scoped_guard is a loop header too', () => {
    const text = '\tscoped_guard(spinlock, &demo_lock) {\n\t\tcount++;\n\t}\n';
    expect(kept(rewriteIteratorMacros(text))[0].replace(/\s+/g, ' ')).toBe('for (;;) {');
  });
});

describe('rewriteMacroIdioms', () => {
  test('a type passed as a macro argument is reduced to one identifier in place', () => {
    const text = lines(
      '\tstruct demo *d = container_of(work, struct demo, work);',
      '\tn = min_t(unsigned long, a, b);',
      '\tp = list_first_entry(&head, const struct page *, lru);',
      '\ts = sizeof(struct demo);',
    );
    const out = rewriteMacroIdioms(text);
    expectSameShape(text, out);
    expect(kept(out).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'struct demo *d = container_of(work, demo, work);',
      'n = min_t( long, a, b);',
      'p = list_first_entry(&head, page , lru);',
      's = sizeof(struct demo);',
    ]);
  });

  test('expressions that merely look like words are not types', () => {
    const text = '\tx = f(a * b, c, *p, n);\n';
    expect(rewriteMacroIdioms(text)).toBe(text);
  });

  test('SYSCALL_DEFINEn(name, type, arg, ..) becomes a declarator with the name in place', () => {
    const text = 'SYSCALL_DEFINE3(demo_call, unsigned long, start, size_t, len,\n\t\tint, flags)\n';
    const out = rewriteMacroIdioms(text);
    expectSameShape(text, out);
    expectTokenKept(text, out, 'demo_call');
    expect(out.replace(/\s+/g, ' ')).toBe('long demo_call( unsigned long start, size_t len, int flags) ');
  });

  test('static DEFINE_*(..) inside a function loses static; DECLARE_BITMAP becomes an array', () => {
    const text = lines(
      '\tstatic DEFINE_RATELIMIT_STATE(rs, 60 * HZ, 5);',
      '\tDECLARE_BITMAP(seen, NR_DEMO) = { 0 };',
    );
    const out = rewriteMacroIdioms(text);
    expectSameShape(text, out);
    expect(kept(out).map((l) => l.replace(/\s+/g, ' '))).toEqual([
      'DEFINE_RATELIMIT_STATE(rs, 60 * HZ, 5);',
      'long seen[ NR_DEMO] = { 0 };',
    ]);
  });
});
