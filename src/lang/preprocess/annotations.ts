import { applyEdits, isDigit, isWordChar, masked, matchParen, nextCode, type Edit, type MaskedText } from './code-mask.js';

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
  return applyEdits(text, annotationEdits(masked(text), localMacros));
}

/**
 * The blanking of blankAnnotations as edits, for the slicer to carry the code mask on. Looks
 * only at the words that hold an anchor of a name it blanks (see `anchorPattern`):
 * blankAnnotations takes 107 ms over the 831 keyword files of 6.12, lexing included; matching
 * every word with /[A-Za-z_]\w*\/g and looking each up, 291 ms; a loop over every character
 * code instead of the anchor search, 3 to 4 times this function's own time.
 */
export function annotationEdits(source: MaskedText, localMacros: ReadonlySet<string> = new Set()): Edit[] {
  const { text, mask } = source;
  const anchors = localMacros.size === 0 ? new RegExp(BUILTIN_ANCHORS) : anchorPattern([...BUILTIN_NAMES, ...localMacros]);
  const edits: Edit[] = [];
  const n = text.length;
  let m: RegExpExecArray | null;
  while ((m = anchors.exec(text))) {
    // The word of /[A-Za-z_]\w*/g that holds the anchor: its run of word characters from the
    // first that is not a digit. Every name blanked holds an anchor, so no other word is one.
    let start = m.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    while (isDigit(text.charCodeAt(start))) start++;
    let end = m.index + m[0].length;
    while (end < n && isWordChar(text.charCodeAt(end))) end++;
    anchors.lastIndex = end;
    if (mask[start] === 0) continue;
    const word = text.slice(start, end);
    if (ANNOTATION_CALLS.has(word)) {
      const open = nextCode(text, mask, end);
      const close = text.charCodeAt(open) === 0x28 ? matchParen(text, mask, open) : -1;
      if (close > 0) end = close;
    } else if (!ANNOTATION_WORDS.has(word) && !localMacros.has(word)) {
      continue;
    }
    edits.push({ start, end, head: '' });
    anchors.lastIndex = end;
  }
  return edits;
}

const BUILTIN_NAMES = [...ANNOTATION_WORDS, ...ANNOTATION_CALLS];

/**
 * A pattern for the anchors of `names`: `__` for a name that starts with it (most do: it is
 * rarer in code than any first letter), else the whole name.
 */
function anchorPattern(names: readonly string[]): RegExp {
  const anchors = new Set(names.map((name) => (name.startsWith('__') ? '__' : name)));
  return new RegExp([...anchors].join('|'), 'g');
}

const BUILTIN_ANCHORS = anchorPattern(BUILTIN_NAMES);

/**
 * Object-like macros that `fileText` defines as nothing or as annotations only, in every arm
 * where it defines them: mm/slub.c `#define pad_check_attributes noinline __no_kmsan_checks`
 * (`#else`: empty) in front of `check_bytes_and_report`. Like the annotations, they expand to
 * nothing a parser needs.
 */
export function localAnnotationMacros(fileText: string): Set<string> {
  const annotations = new Set<string>();
  const others = new Set<string>();
  for (const m of objectLikeDefines(fileText)) {
    const body = m[2].replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
    const blankable = body === '' || body.split(/\s+/).every((w) => ANNOTATION_WORDS.has(w));
    (blankable ? annotations : others).add(m[1]);
  }
  for (const name of others) annotations.delete(name);
  return annotations;
}

// An object-like `#define` from its line start (`y`: where objectLikeDefines puts it).
const DEFINE_LINE = /[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![(\w])([^\n]*)$/my;

/**
 * The matches of /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![(\w])([^\n]*)$/gm, in order: the
 * pattern is tried only at the start of a line that holds `define`. localAnnotationMacros takes
 * 23 ms over the 831 keyword files of 6.12; with the pattern tried at every position, 49 ms.
 */
function* objectLikeDefines(fileText: string): Generator<RegExpExecArray> {
  const define = new RegExp(DEFINE_LINE);
  let searchFrom = 0; // a match ends at its line's end; the next starts after it
  let tried = -1;
  for (let at = fileText.indexOf('define'); at >= 0; at = fileText.indexOf('define', at + 1)) {
    let lineStart = at;
    while (lineStart > 0 && !isLineTerminator(fileText.charCodeAt(lineStart - 1))) lineStart--;
    if (lineStart < searchFrom || lineStart === tried) continue;
    tried = lineStart;
    define.lastIndex = lineStart;
    const m = define.exec(fileText);
    if (m === null) continue;
    searchFrom = define.lastIndex;
    yield m;
  }
}

/** What `^` and `$` of a multiline pattern take for a line break. */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}
