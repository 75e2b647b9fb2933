// Text transforms run before tree-sitter (DESIGN Part 1 step 3, Part 2 §5.1-5.2). Every transform
// REPLACES and never deletes: the output has the input's lines, and every kept token keeps its line
// and column, so a position in a parse tree is a position in the original file.

// ---------------------------------------------------------------------------------------------
// Config profile
// ---------------------------------------------------------------------------------------------

export interface ConfigProfile {
  readonly name: string;
  /**
   * Macros whose state the profile fixes: a number means "defined with this value" (a `y`
   * Kconfig symbol is 1), `false` means "not defined". Symbols not named here follow the
   * policy of `isDefined`/`valueOf` below.
   */
  readonly symbols: Readonly<Record<string, number | false>>;
}

const ON = [
  'CONFIG_MMU', 'CONFIG_TRANSPARENT_HUGEPAGE', 'CONFIG_ARCH_ENABLE_THP_MIGRATION', 'CONFIG_HUGETLB_PAGE',
  'CONFIG_MEM_SOFT_DIRTY', 'CONFIG_HAVE_ARCH_SOFT_DIRTY', 'CONFIG_PTE_MARKER_UFFD_WP', 'CONFIG_USERFAULTFD',
  'CONFIG_HAVE_ARCH_USERFAULTFD_WP', 'CONFIG_MIGRATION', 'CONFIG_DEVICE_PRIVATE', 'CONFIG_ZONE_DEVICE',
  'CONFIG_NUMA_BALANCING', 'CONFIG_NUMA', 'CONFIG_SMP', 'CONFIG_SWAP', 'CONFIG_KSM', 'CONFIG_X86',
  'CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_ARCH_HAS_PTE_SPECIAL', 'CONFIG_ARCH_HAS_PTE_DEVMAP',
  'CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE', 'CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD',
  'CONFIG_SPARSEMEM', 'CONFIG_SPARSEMEM_VMEMMAP', 'CONFIG_PHYS_ADDR_T_64BIT',
];

// Symbols an x86_64 build does not have, where "unknown CONFIG_* is enabled" would pick the
// wrong arm: other architectures, 32-bit x86, the alternatives to the x86_64 choices above, and
// options that strip features (CONFIG_SLUB_TINY hides most of mm/slub.c's fast paths).
const OFF = [
  'CONFIG_X86_32', 'CONFIG_X86_PAE', 'CONFIG_32BIT', 'CONFIG_HIGHMEM', 'CONFIG_HIGHPTE',
  'CONFIG_GUP_GET_PXX_LOW_HIGH', 'CONFIG_FLATMEM', 'CONFIG_NEED_PER_CPU_KM', 'CONFIG_PREEMPT_RT',
  'CONFIG_SLOB', 'CONFIG_SLAB', 'CONFIG_SLUB_TINY', 'CONFIG_KMSAN', 'CONFIG_MMU_GATHER_NO_GATHER',
  'CONFIG_MMU_GATHER_NO_RANGE', 'CONFIG_HUGETLB_PAGE_SIZE_VARIABLE',
  'CONFIG_ARCH_HAS_HUGEPD', 'CONFIG_ARM', 'CONFIG_ARM64', 'CONFIG_ARM64_CONTPTE', 'CONFIG_PPC',
  'CONFIG_PPC64', 'CONFIG_PPC_BOOK3S_64', 'CONFIG_S390', 'CONFIG_SPARC', 'CONFIG_SPARC64',
  'CONFIG_MIPS', 'CONFIG_RISCV', 'CONFIG_LOONGARCH', 'CONFIG_IA64', 'CONFIG_PARISC', 'CONFIG_ALPHA',
  'CONFIG_SUPERH', 'CONFIG_XTENSA', 'CONFIG_M68K', 'CONFIG_MICROBLAZE', 'CONFIG_OPENRISC',
];

// x86 feature macros (arch/x86/include/asm/pgtable*.h and processor.h, union of 6.1 and 6.12): the
// generic fallbacks in include/linux/pgtable.h under `#ifndef __HAVE_ARCH_*` are not the code x86 runs.
const X86_ARCH_MACROS = [
  '__HAVE_ARCH_PFN_MODIFY_ALLOWED', '__HAVE_ARCH_PMDP_CLEAR_YOUNG_FLUSH', '__HAVE_ARCH_PMDP_HUGE_GET_AND_CLEAR',
  '__HAVE_ARCH_PMDP_INVALIDATE_AD', '__HAVE_ARCH_PMDP_SET_ACCESS_FLAGS', '__HAVE_ARCH_PMDP_SET_WRPROTECT',
  '__HAVE_ARCH_PMDP_TEST_AND_CLEAR_YOUNG', '__HAVE_ARCH_PTEP_CLEAR_YOUNG_FLUSH', '__HAVE_ARCH_PTEP_GET_AND_CLEAR',
  '__HAVE_ARCH_PTEP_GET_AND_CLEAR_FULL', '__HAVE_ARCH_PTEP_SET_ACCESS_FLAGS', '__HAVE_ARCH_PTEP_SET_WRPROTECT',
  '__HAVE_ARCH_PTEP_TEST_AND_CLEAR_YOUNG', '__HAVE_ARCH_PTE_SAME', '__HAVE_ARCH_PTE_SWP_EXCLUSIVE',
  '__HAVE_ARCH_PUDP_HUGE_GET_AND_CLEAR', 'ARCH_HAS_PREFETCHW',
];

/**
 * x86_64 with the page-table features the rules reason about: THP, hugetlb, soft-dirty, uffd-wp,
 * migration, device-private.
 */
export const DEFAULT_PROFILE: ConfigProfile = {
  name: 'x86_64',
  symbols: Object.freeze({
    ...Object.fromEntries(ON.map((s) => [s, 1])),
    ...Object.fromEntries(OFF.map((s) => [s, false])),
    ...Object.fromEntries(X86_ARCH_MACROS.map((s) => [s, 1])),
    CONFIG_PGTABLE_LEVELS: 5,
    BITS_PER_LONG: 64,
    __BITS_PER_LONG: 64,
    __KERNEL__: 1,
    __x86_64__: 1,
  }),
};

// ---------------------------------------------------------------------------------------------
// Lexical helpers shared by the transforms (and by slice.ts)
// ---------------------------------------------------------------------------------------------

/**
 * 1 for each code unit that is code, 0 inside comments, string and character literals
 * (delimiters included). A newline inside a block comment is 0: that is how a directive whose
 * comment runs over several lines (`#else /* !CONFIG_MMU ...`) is known to continue.
 * An unterminated string or character literal ends at the end of its line, as in C, so a stray
 * apostrophe (`#error can't`) cannot hide the rest of the file.
 */
export function codeMask(text: string): Uint8Array {
  const n = text.length;
  const mask = new Uint8Array(n).fill(1);
  let i = 0;
  while (i < n) {
    const c = text[i];
    let end = i + 1;
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      end = close < 0 ? n : close + 2;
    } else if (c === '/' && text[i + 1] === '/') {
      end = endOfLogicalLine(text, i);
    } else if (c === '"' || c === "'") {
      end = i + 1;
      while (end < n && text[end] !== c && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1;
      end = Math.min(n, text[end] === c ? end + 1 : end);
    } else {
      i = end;
      continue;
    }
    mask.fill(0, i, end);
    i = end;
  }
  return mask;
}

/** Offset of the newline that ends the line holding `from`, following backslash continuations. */
function endOfLogicalLine(text: string, from: number): number {
  let nl = text.indexOf('\n', from);
  while (nl >= 0 && /\\\r?$/.test(text.slice(Math.max(from, nl - 2), nl))) nl = text.indexOf('\n', nl + 1);
  return nl < 0 ? text.length : nl;
}

/** Spaces for every character that is not whitespace: line breaks, tabs and columns survive. */
export function blank(text: string): string {
  return text.replace(/\S/g, ' ');
}

interface Edit {
  start: number;
  end: number;
  /** Written at `start`; the rest of [start, end) is blanked. Must not span a newline of the range. */
  head: string;
}

/** Applies non-overlapping edits given in increasing order. */
function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(text.slice(at, e.start), e.head, blank(text.slice(e.start + e.head.length, e.end)));
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Index just past the `)` matching the `(` at `open` (code characters only), or -1. */
function matchParen(text: string, mask: Uint8Array, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (mask[i] === 0) continue;
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the next code character that is not whitespace, at or after `from` (text.length if none). */
function nextCode(text: string, mask: Uint8Array, from: number): number {
  let i = from;
  while (i < text.length && (mask[i] === 0 || /\s/.test(text[i]))) i++;
  return i;
}

/** Index of the previous code character that is not whitespace, before `from` (-1 if none). */
export function prevCode(text: string, mask: Uint8Array, from: number): number {
  let i = from - 1;
  while (i >= 0 && (mask[i] === 0 || /\s/.test(text[i]))) i--;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Conditional compilation
// ---------------------------------------------------------------------------------------------

/** `undefined`: the evaluator cannot decide (arithmetic on a macro whose value it does not know). */
type Value = number | undefined;

/** The file's own `#define`s seen so far: a value, `null` (defined, value unknown) or `false` (`#undef`). */
type LocalMacros = Map<string, number | null | false>;

interface Frame {
  parentActive: boolean;
  /** Some arm of this conditional has been taken already. */
  taken: boolean;
  active: boolean;
}

class MacroState {
  readonly local: LocalMacros = new Map();
  constructor(private readonly profile: ConfigProfile) {}

  /**
   * Policy for names neither the file nor the profile fixes: an unknown CONFIG_* is enabled (the
   * feature arm is the one mm code analysis needs), except CONFIG_*_MODULE (the profile builds
   * everything in); any other unknown macro is undefined, so `#ifndef _LINUX_FOO_H` guards and
   * `#ifndef arch_foo` generic fallbacks keep their content.
   */
  isDefined(name: string): boolean {
    const local = this.local.get(name);
    if (local !== undefined) return local !== false;
    const fixed = this.profile.symbols[name];
    if (fixed !== undefined) return fixed !== false;
    return name.startsWith('CONFIG_') && !name.endsWith('_MODULE');
  }

  /** The value of a bare identifier in `#if`; unknown values cannot be decided. */
  valueOf(name: string): Value {
    const local = this.local.get(name);
    if (local !== undefined) return local === null ? undefined : Number(local);
    const fixed = this.profile.symbols[name];
    if (fixed !== undefined) return Number(fixed);
    return undefined;
  }
}

/**
 * Evaluates `#if`/`#ifdef`/`#ifndef`/`#elif`/`#elifdef`/`#elifndef`/`#else`/`#endif` against
 * `profile` and blanks every directive line (with its continuation lines) and every line of an
 * inactive arm. An undecidable condition counts as true, so the first arm is kept.
 */
export function evaluateConditionals(fileText: string, profile: ConfigProfile = DEFAULT_PROFILE): string {
  const mask = codeMask(fileText);
  const macros = new MacroState(profile);
  const stack: Frame[] = [];
  const lines = fileText.split('\n');
  const out: string[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; ) {
    const hash = offset + lines[i].search(/\S/);
    if (hash < offset || fileText[hash] !== '#' || mask[hash] === 0) {
      const active = stack.length === 0 || stack[stack.length - 1].active;
      out.push(active ? lines[i] : blank(lines[i]));
      offset += lines[i].length + 1;
      i++;
      continue;
    }
    // A directive runs on while a line ends with a backslash or inside a block comment.
    let code = '';
    for (;;) {
      const line = lines[i];
      for (let k = 0; k < line.length; k++) code += mask[offset + k] ? line[k] : ' ';
      out.push(blank(line));
      const newline = offset + line.length;
      offset = newline + 1;
      i++;
      if (i >= lines.length || !(/\\\r?$/.test(line) || mask[newline] === 0)) break;
      code = code.replace(/\\\r?$/, '');
    }
    directive(code, stack, macros);
  }
  return out.join('\n');
}

function directive(code: string, stack: Frame[], macros: MacroState): void {
  const m = /^\s*#\s*(\w*)\s*(.*)$/s.exec(code);
  if (!m) return;
  const [, keyword, rest] = m;
  const top = stack[stack.length - 1];
  const active = top === undefined || top.active;
  const word = /^\w+/.exec(rest)?.[0] ?? '';
  const test = (): boolean => {
    switch (keyword) {
      case 'if':
      case 'elif':
        return evaluate(rest, macros) !== 0;
      case 'ifdef':
      case 'elifdef':
        return macros.isDefined(word);
      default: // ifndef, elifndef
        return !macros.isDefined(word);
    }
  };
  switch (keyword) {
    case 'if':
    case 'ifdef':
    case 'ifndef': {
      const cond = active && test();
      stack.push({ parentActive: active, taken: cond, active: cond });
      return;
    }
    case 'elif':
    case 'elifdef':
    case 'elifndef':
      if (top) {
        top.active = top.parentActive && !top.taken && test();
        top.taken ||= top.active;
      }
      return;
    case 'else':
      if (top) {
        top.active = top.parentActive && !top.taken;
        top.taken = true;
      }
      return;
    case 'endif':
      stack.pop();
      return;
    case 'define':
      if (active && word) {
        const body = rest.slice(word.length);
        const value = body.startsWith('(') || body.trim() === '' ? undefined : evaluate(body, macros);
        macros.local.set(word, value ?? null);
      }
      return;
    case 'undef':
      if (active && word) macros.local.set(word, false);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// #if expression evaluator: integers and "unknown", C precedence, short-circuit on known operands.
// ---------------------------------------------------------------------------------------------

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

const TOKEN = /\s*(?:(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*|[A-Za-z_]\w*|&&|\|\||<<|>>|<=|>=|==|!=|[-+*/%<>!~&|^?:(),])/y;

/** Value of a `#if` expression; `undefined` when it cannot be decided (or does not parse). */
function evaluate(expression: string, macros: MacroState): Value {
  const tokens: string[] = [];
  let scanned = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(expression); m; m = TOKEN.exec(expression)) {
    tokens.push(m[0].trim());
    scanned = TOKEN.lastIndex;
  }
  if (expression.slice(scanned).trim() !== '') return undefined;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const expect = (t: string): void => {
    if (tokens[pos++] !== t) throw new SyntaxError(`expected ${t}`);
  };
  const identifier = (): string => {
    const t = tokens[pos++];
    if (t === undefined || !/^[A-Za-z_]/.test(t)) throw new SyntaxError('expected identifier');
    return t;
  };
  const truth = (b: boolean): number => (b ? 1 : 0);

  const primary = (): Value => {
    const t = tokens[pos++];
    if (t === undefined) throw new SyntaxError('unexpected end');
    if (t === '(') {
      const v = ternary();
      expect(')');
      return v;
    }
    if (/^\d/.test(t)) {
      const radix = /^0[xX]/.test(t) ? 16 : /^0\d/.test(t) ? 8 : 10;
      return Number.parseInt(t.replace(/[uUlL]+$/, ''), radix);
    }
    if (!/^[A-Za-z_]/.test(t)) throw new SyntaxError(`unexpected ${t}`);
    if (t === 'defined') {
      const paren = peek() === '(';
      if (paren) pos++;
      const name = identifier();
      if (paren) expect(')');
      return truth(macros.isDefined(name));
    }
    if (peek() !== '(') return macros.valueOf(t);
    pos++;
    if (['IS_ENABLED', 'IS_BUILTIN', 'IS_REACHABLE', 'IS_MODULE'].includes(t)) {
      const name = identifier();
      expect(')');
      return truth(macros.isDefined(t === 'IS_MODULE' ? `${name}_MODULE` : name));
    }
    // Any other function-like macro (`__has_attribute(x)`, ...): skip its arguments, undecidable.
    for (let depth = 1; depth > 0; pos++) {
      if (tokens[pos] === undefined) throw new SyntaxError('unbalanced');
      if (tokens[pos] === '(') depth++;
      else if (tokens[pos] === ')') depth--;
    }
    return undefined;
  };

  const unary = (): Value => {
    const t = peek();
    if (t === '!' || t === '~' || t === '-' || t === '+') {
      pos++;
      const v = unary();
      if (v === undefined) return undefined;
      return t === '!' ? truth(v === 0) : t === '~' ? Number(~BigInt(v)) : t === '-' ? -v : v;
    }
    return primary();
  };

  const binary = (minPrec: number): Value => {
    let left = unary();
    for (;;) {
      const op = peek();
      const prec = op === undefined ? undefined : BINARY[op];
      if (op === undefined || prec === undefined || prec < minPrec) return left;
      pos++;
      const right = binary(prec + 1);
      left = apply(op, left, right);
    }
  };

  const ternary = (): Value => {
    const cond = binary(1);
    if (peek() !== '?') return cond;
    pos++;
    const yes = ternary();
    expect(':');
    const no = ternary();
    return cond === undefined ? (yes === no ? yes : undefined) : cond !== 0 ? yes : no;
  };

  try {
    const v = ternary();
    return pos === tokens.length ? v : undefined;
  } catch {
    return undefined;
  }
}

function apply(op: string, l: Value, r: Value): Value {
  if (op === '&&') return l === 0 || r === 0 ? 0 : l === undefined || r === undefined ? undefined : 1;
  if (op === '||') {
    if ((l !== undefined && l !== 0) || (r !== undefined && r !== 0)) return 1;
    return l === undefined || r === undefined ? undefined : 0;
  }
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    // Bitwise operators through BigInt: JS `|`/`&`/`^` truncate to 32 bits.
    case '|': return Number(BigInt(l) | BigInt(r));
    case '^': return Number(BigInt(l) ^ BigInt(r));
    case '&': return Number(BigInt(l) & BigInt(r));
    case '==': return Number(l === r);
    case '!=': return Number(l !== r);
    case '<': return Number(l < r);
    case '>': return Number(l > r);
    case '<=': return Number(l <= r);
    case '>=': return Number(l >= r);
    // Shifts in #if are on 64-bit values (`1UL << 40`); 32-bit JS shifts would wrap.
    case '<<': return l * 2 ** r;
    case '>>': return Math.floor(l / 2 ** r);
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return r === 0 ? undefined : Math.trunc(l / r);
    default: return r === 0 ? undefined : l % r; // '%'
  }
}

// ---------------------------------------------------------------------------------------------
// Annotation macros
// ---------------------------------------------------------------------------------------------

// Sparse/compiler/section annotations that expand to nothing or to attributes, and that
// tree-sitter takes for types or declarators: `static __always_inline void __copy_present_ptes(..)`
// makes `void` an ERROR; `(const void __user *)src_addr` in hugetlb_mfill_atomic_pte breaks the
// cast; `bool __init_memblock memblock_has_mirror(void)`, `struct .. __percpu *p`, and
// `__no_sanitize_memory` above rmqueue break declarations the same way.
const ANNOTATION_WORDS = new Set([
  '__always_inline', '__maybe_unused', '__always_unused', '__always_used', '__must_check', '__user',
  '__force', '__rcu', '__iomem', '__percpu', '__bitwise', '__nocast', '__safe', '__private',
  '__init', '__exit', '__meminit', '__ref', '__refdata', '__refconst', '__init_memblock',
  '__initdata_memblock', '__initdata', '__initconst', '__exitdata', '__meminitdata', '__meminitconst',
  '__read_mostly', '__ro_after_init', '__weak', '__cold', '__hot', '__pure', '__malloc', '__used',
  '__noreturn', '__deprecated', '__visible', 'asmlinkage', '__latent_entropy', '__randomize_layout',
  '__packed', '__attribute_const__', 'noinline', 'noinline_for_stack', 'notrace', 'noinstr', '__flatten',
  '__cpuidle', '__sched', '__kprobes', '__nocfi', '__noscs', '__fastpath_inline',
  '__no_kmsan_checks', '__no_sanitize_address', '__no_sanitize_memory', '__no_sanitize_thread',
  '__no_sanitize_undefined', '__no_sanitize_coverage', '__cacheline_aligned',
  '__cacheline_aligned_in_smp', '____cacheline_aligned', '____cacheline_aligned_in_smp',
  '__page_aligned_data', '__page_aligned_bss',
]);

// The same, with an argument list: `wp_page_reuse(struct vm_fault *vmf, ..)\n\t__releases(vmf->ptl)`
// leaves a call after the declarator, which tree-sitter cannot fit into a function definition;
// `struct foo *p __free(kfree) = NULL;` (include/linux/cleanup.h) breaks the declaration.
const ANNOTATION_CALLS = new Set([
  '__releases', '__acquires', '__must_hold', '__cond_acquires', '__printf', '__scanf',
  '__attribute__', '__attribute', '__section', '__aligned', '__alloc_size', '__assume_aligned',
  '__free', '__cleanup',
]);

/**
 * Blanks annotation macros (whole words; the argument list of the call-like ones, balanced,
 * possibly over several lines), and the words of `localMacros` (see `localAnnotationMacros`).
 */
export function blankAnnotations(text: string, localMacros: ReadonlySet<string> = new Set()): string {
  const mask = codeMask(text);
  const edits: Edit[] = [];
  const word = /[A-Za-z_]\w*/g;
  let m: RegExpExecArray | null;
  while ((m = word.exec(text))) {
    const start = m.index;
    if (mask[start] === 0) continue;
    let end = start + m[0].length;
    if (ANNOTATION_CALLS.has(m[0])) {
      const open = nextCode(text, mask, end);
      const close = text[open] === '(' ? matchParen(text, mask, open) : -1;
      if (close > 0) end = close;
    } else if (!ANNOTATION_WORDS.has(m[0]) && !localMacros.has(m[0])) {
      continue;
    }
    edits.push({ start, end, head: '' });
    word.lastIndex = end;
  }
  return applyEdits(text, edits);
}

/**
 * Object-like macros that `fileText` defines as nothing or as annotations only, in every arm
 * where it defines them: mm/slub.c `#define pad_check_attributes noinline __no_kmsan_checks`
 * (`#else`: empty) in front of `check_bytes_and_report`. Like the annotations, they expand to
 * nothing a parser needs.
 */
export function localAnnotationMacros(fileText: string): Set<string> {
  const annotations = new Set<string>();
  const others = new Set<string>();
  for (const m of fileText.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![(\w])([^\n]*)$/gm)) {
    const body = m[2].replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
    const blankable = body === '' || body.split(/\s+/).every((w) => ANNOTATION_WORDS.has(w));
    (blankable ? annotations : others).add(m[1]);
  }
  for (const name of others) annotations.delete(name);
  return annotations;
}

// ---------------------------------------------------------------------------------------------
// Iterator macros
// ---------------------------------------------------------------------------------------------

// `list_for_each_entry(pos, head, member) {` expands to a for-header; tree-sitter sees a call
// and then a block, with a MISSING `;` between (__collapse_huge_page_isolate). `scoped_guard`
// is a for-header too (6.12 shrink_huge_zero_page_scan), and so is the interval-tree spelling
// `vma_interval_tree_foreach(..) {` (unmap_ref_private, rmap_walk_file), and page_alloc.c's
// `for_next_zone_zonelist_nodemask(..) {` (get_page_from_freelist).
const ITERATOR = /^(?:\w*for_?each\w*|for_\w+|\w*while_each\w*|scoped_guard|scoped_cond_guard)$/;

const LOOP_HEAD = 'for (;;)';
const DO_TAIL = 'while (0)';

/**
 * Rewrites iterator macros used as loop headers to `for (;;)`, and the `} MACRO(args);` tail of a
 * `do { } MACRO(args);` loop (6.12 show_smaps_rollup: `} for_each_vma(vmi, vma);`) to
 * `} while (0);`, padded with spaces to the same extent.
 */
export function rewriteIteratorMacros(text: string): string {
  const mask = codeMask(text);
  const edits: Edit[] = [];
  const word = /[A-Za-z_]\w*/g;
  let m: RegExpExecArray | null;
  while ((m = word.exec(text))) {
    const start = m.index;
    if (mask[start] === 0 || !ITERATOR.test(m[0])) continue;
    const open = nextCode(text, mask, start + m[0].length);
    if (text[open] !== '(') continue;
    const end = matchParen(text, mask, open);
    if (end < 0) continue;
    const before = prevCode(text, mask, start);
    const after = nextCode(text, mask, end);
    let head: string;
    if (text[after] === ';') {
      if (!(text[before] === '}' && closesDoBody(text, mask, before))) continue;
      head = DO_TAIL;
    } else if (atStatementStart(text, before)) {
      head = LOOP_HEAD;
    } else {
      continue;
    }
    const newline = text.indexOf('\n', start);
    if (newline >= 0 && newline < start + head.length) continue;
    edits.push({ start, end, head });
    word.lastIndex = end;
  }
  return applyEdits(text, edits);
}

/** Whether the code character at `before` (-1: none) ends what may precede a statement. */
function atStatementStart(text: string, before: number): boolean {
  if (before < 0 || ';{}):'.includes(text[before])) return true;
  // `else list_for_each_entry(..)`, `do for_each_..(..)`
  return /(?:^|\W)(?:else|do)$/.test(text.slice(Math.max(0, before - 4), before + 1));
}

/** Whether the `}` at `close` ends the body of a `do` statement. */
function closesDoBody(text: string, mask: Uint8Array, close: number): boolean {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (mask[i] === 0) continue;
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && --depth === 0) {
      const k = prevCode(text, mask, i);
      return k >= 1 && text.slice(k - 1, k + 1) === 'do' && !/\w/.test(text[k - 2] ?? '');
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Macro idioms
// ---------------------------------------------------------------------------------------------

/**
 * Rewrites kernel macro idioms that tree-sitter-c cannot parse to a C spelling of the same extent:
 * type names passed as macro arguments, `SYSCALL_DEFINEn(..)` headers, `static DEFINE_*(..)`
 * local declarations and `DECLARE_BITMAP(..)` declarations.
 */
export function rewriteMacroIdioms(text: string): string {
  const code = codeOnly(text);
  const edits = [
    ...syscallHeaders(code),
    ...typeArguments(code),
    ...staticDeclarationMacros(code),
    ...bitmapDeclarations(code),
  ];
  edits.sort((a, b) => a.start - b.start);
  return applyEdits(text, edits);
}

/** `text` with comments and literals blanked: the regular expressions below then see code only. */
function codeOnly(text: string): string {
  const mask = codeMask(text);
  const chars = text.split('');
  for (let i = 0; i < chars.length; i++) if (mask[i] === 0 && chars[i] !== '\n') chars[i] = ' ';
  return chars.join('');
}

/** [start, end) of each argument of the list opened at `open`; `end` is at its `,` or `)`. */
function argumentRanges(code: string, open: number): Array<[number, number]> | undefined {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth-- === 0) {
      ranges.push([start, i]);
      return ranges;
    } else if (c === ',' && depth === 0) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  return undefined;
}

const SYSCALL_DEFINER = /\b(?:COMPAT_)?SYSCALL_DEFINE[1-6]\s*\(/g;

/**
 * `SYSCALL_DEFINE4(fadvise64_64, int, fd, loff_t, offset, ..)` becomes
 * `long            fadvise64_64( int  fd, loff_t  offset, ..)`: the type/name pairs are
 * comma-separated macro arguments, which tree-sitter reads as a call missing its `;`.
 * (SYSCALL_DEFINE0(name) already parses, as a declarator with no return type.)
 */
function syscallHeaders(code: string): Edit[] {
  const edits: Edit[] = [];
  for (const m of code.matchAll(SYSCALL_DEFINER)) {
    const open = m.index + m[0].length - 1;
    const args = argumentRanges(code, open);
    if (!args || args.length % 2 === 0) continue;
    edits.push({ start: m.index, end: open + 1, head: 'long' }, { start: args[0][1], end: args[0][1] + 1, head: '(' });
    for (let i = 1; i < args.length - 1; i += 2) edits.push({ start: args[i][1], end: args[i][1] + 1, head: '' });
  }
  return edits;
}

// Callees whose parenthesis takes a type in C itself, or that are not calls.
const TAKES_TYPES = new Set([
  'sizeof', 'typeof', '__typeof__', '__typeof', '_Alignof', 'alignof', '__alignof__', '__alignof',
  'offsetof', '__builtin_offsetof', '_Generic', '__builtin_types_compatible_p', 'va_arg',
  '__builtin_va_arg', 'if', 'while', 'for', 'switch', 'return',
]);

const QUALIFIERS = new Set(['const', 'volatile']);
const PRIMITIVES = new Set([
  'unsigned', 'signed', 'long', 'short', 'int', 'char', 'void', '_Bool', 'bool', 'float', 'double',
]);

/**
 * A macro argument that is a type name (`container_of(work, struct bdi_writeback, bw_dwork)`,
 * `min_t(unsigned int, a, b)`, `list_first_entry(&pages, struct page, lru)`) is an ERROR in an
 * argument list; blanking all but its last word (the tag, the last primitive word or the
 * typedef name) leaves one identifier, which parses.
 */
function typeArguments(code: string): Edit[] {
  const edits: Edit[] = [];
  for (const call of code.matchAll(/([A-Za-z_]\w*)\s*\(/g)) {
    if (TAKES_TYPES.has(call[1]) || /^(?:COMPAT_)?SYSCALL_DEFINE\d$/.test(call[1])) continue;
    for (const [start, end] of argumentRanges(code, call.index + call[0].length - 1) ?? []) {
      const tokens = [...code.slice(start, end).matchAll(/\w+|\S/g)];
      const stars = tokens.findIndex((t) => t[0] === '*');
      const words = tokens.slice(0, stars < 0 ? tokens.length : stars).map((t) => t[0]);
      if (tokens.slice(words.length).some((t) => t[0] !== '*') || !isTypeName(words, stars >= 0)) continue;
      for (const t of tokens.slice(0, words.length - 1).concat(tokens.slice(words.length))) {
        edits.push({ start: start + t.index, end: start + t.index + t[0].length, head: '' });
      }
    }
  }
  return edits;
}

/**
 * Whether `words` (then `*`s if `pointer`) spell a type name and nothing else: `unsigned long
 * addr` is a parameter and `a` an expression, but `unsigned long`, `struct page`, `const pte_t`
 * and `u8 *` are types. A lone primitive (`int`) parses as it is.
 */
function isTypeName(words: string[], pointer: boolean): boolean {
  if (!words.every((w) => /^[A-Za-z_]\w*$/.test(w))) return false;
  const qualified = words.length > 0 && QUALIFIERS.has(words[0]);
  const rest = words.filter((w) => !QUALIFIERS.has(w));
  if (['struct', 'union', 'enum'].includes(rest[0])) return rest.length === 2;
  if (rest.length > 0 && rest.every((w) => PRIMITIVES.has(w))) return rest.length > 1 || pointer || qualified;
  return rest.length === 1 && (pointer || qualified);
}

/**
 * `static DEFINE_RATELIMIT_STATE(_rs, 86400 * HZ, ..);` inside a function (dio_warn_stale_pagecache):
 * with `static` the macro reads as a function declarator whose "parameters" are expressions.
 * Without it, it is a call statement, as `DEFINE_FOLIO_VMA_WALK(..)` already is.
 */
function staticDeclarationMacros(code: string): Edit[] {
  return [...code.matchAll(/\bstatic(?=\s+(?:DEFINE|DECLARE)_\w+\s*\()/g)].map((m) => ({
    start: m.index,
    end: m.index + 'static'.length,
    head: '',
  }));
}

/**
 * `DECLARE_BITMAP(to_free, BITS_PER_LONG) = { 0 };` (cluster_swap_free_nr, fill_subsection_map):
 * a call cannot take an initializer. It becomes the declaration it expands to,
 * `long           to_free[BITS_PER_LONG] = { 0 };`.
 */
function bitmapDeclarations(code: string): Edit[] {
  const edits: Edit[] = [];
  for (const m of code.matchAll(/\bDECLARE_BITMAP\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const args = argumentRanges(code, open);
    if (args?.length !== 2) continue;
    edits.push(
      { start: m.index, end: open + 1, head: 'long' },
      { start: args[0][1], end: args[0][1] + 1, head: '[' },
      { start: args[1][1], end: args[1][1] + 1, head: ']' },
    );
  }
  return edits;
}
