// Function slicing (docs/architecture.md, "Preprocess and slicing"): whole-file parses of kernel C
// lose functions silently (6.12 fs/proc/task_mmu.c loses 53 after show_smaps_rollup's
// `} for_each_vma(..);`), so each definition is located textually and parsed on its own.

import {
  DEFAULT_PROFILE,
  annotationEdits,
  applyEdits,
  blank,
  cleanCut,
  codeMask,
  conditionalEdits,
  isDigit,
  isWordChar,
  iteratorEdits,
  localAnnotationMacros,
  macroIdiomEdits,
  masked,
  prevCode,
  withEdits,
  type ConfigProfile,
  type MaskedText,
} from './preprocess/index.js';

export interface SourceFunction {
  /** The declarator's name; for a definer macro, the macro and its first argument: `SYSCALL_DEFINE3(mprotect)`. */
  name: string;
  /** 1-based: first line of the definition (the return-type line(s) above the name). */
  startLine: number;
  /** 1-based line of the name. */
  nameLine: number;
  /** 1-based line of the closing `}`. */
  endLine: number;
  /**
   * The preprocessed lines startLine..endLine joined with '\n'; text before the definition on its
   * first line and after the `}` on its last line is blanked. Row r of a parse of `text` is file
   * line startLine + r, at the same column.
   */
  readonly text: string;
  /**
   * The same lines before the macro rewrites of `text` (rewriteMacroIdioms, rewriteIteratorMacros).
   * Those only blank words, to the same extent, or write C keywords (`long`, `for`, `while`), so an
   * identifier absent from here is absent from `text`: see mayHoldWords.
   */
  readonly sliced: string;
}

/**
 * Whether `test`, which asks for identifiers (a rule keyword, a callee's name), can hold on the
 * function's text: tried on the unrewritten slice first, so that the macro rewrites run only for
 * the functions some test wants (6.12 mm/: 514 of the 3,505 functions of its 58 files that hold a
 * keyword).
 * `test` must only look for identifiers or parts of them (the rules' keywords are): then failing
 * on `sliced` means failing on `text`. A test that also reads punctuation is not one: the syscall
 * header rewrite turns `SYSCALL_DEFINE2(foo, int, a)` into `long foo( int a)`, so `foo\s*\(`
 * can match `text` alone.
 */
export function mayHoldWords(fn: SourceFunction, test: (text: string) => boolean): boolean {
  return test(fn.sliced) && test(fn.text);
}

/** A sliced definition whose macro rewrites are made when its text is first asked for. */
class SlicedFunction implements SourceFunction {
  // Private to the class, so that two slicings of one text compare equal whichever was read.
  #rewritten: string | undefined;
  /** The sliced file text and where the definition lies in it, for the code mask of `sliced`. */
  readonly #file: MaskedText;
  readonly #from: number;
  readonly #start: number;
  readonly #end: number;

  constructor(
    readonly name: string,
    readonly startLine: number,
    readonly nameLine: number,
    readonly endLine: number,
    readonly sliced: string,
    file: MaskedText,
    from: number,
    start: number,
    end: number,
  ) {
    this.#file = file;
    this.#from = from;
    this.#start = start;
    this.#end = end;
  }

  get text(): string {
    if (this.#rewritten === undefined) {
      const sliced = { text: this.sliced, mask: this.#slicedMask() };
      const idioms = withEdits(sliced, macroIdiomEdits(sliced));
      this.#rewritten = applyEdits(idioms.text, iteratorEdits(idioms));
    }
    return this.#rewritten;
  }

  /**
   * The code mask of `sliced`, taken from the file's where the definition is cut cleanly from
   * the text around it (code-mask.ts `cleanCut`): what is blanked around it is code then, and
   * its own lexemes are the file's. Lexing every slice again takes 41 ms for the 28,647
   * definitions of the 831 keyword files of 6.12, as much as lexing the files.
   */
  #slicedMask(): Uint8Array {
    if (!cleanCut(this.#file, this.#start) || !cleanCut(this.#file, this.#end)) return codeMask(this.sliced);
    const mask = new Uint8Array(this.sliced.length);
    const start = this.#start - this.#from;
    const end = this.#end - this.#from;
    mask.fill(1, 0, start);
    mask.set(this.#file.mask.subarray(this.#start, this.#end), start);
    mask.fill(1, end);
    return mask;
  }
}

const NOT_A_NAME = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__typeof__']);

/**
 * The function definitions of a C file, in file order. Conditionals are evaluated first, so
 * `#ifdef`/`#else` duplicates (task_mmu.c clear_soft_dirty) keep only the active definition and
 * stubs of disabled features are dropped. A definition is a top-level `{ .. }` whose header ends
 * with a parameter list: the kernel's column-0 `{` as well as header one-liners
 * (`static inline pte_t pte_foo(pte_t pte) { return pte; }`). Struct/union/enum bodies and
 * initializers end their header with a name or `=`, not `)`, and are skipped.
 */
export function extractFunctions(fileText: string, profile: ConfigProfile = DEFAULT_PROFILE): SourceFunction[] {
  // Annotations are blanked on the whole file (the same result as per slice: they never span two
  // definitions) so that `do_wp_page(..)\n\t__releases(vmf->ptl)\n{` ends its header with `)`,
  // and so that the file's own `#define`s of annotation lists are known. The code mask is lexed
  // once and carried through both steps (code-mask.ts `withEdits`).
  const raw = masked(fileText);
  const evaluated = withEdits(raw, conditionalEdits(raw, profile));
  const file = withEdits(evaluated, annotationEdits(evaluated, localAnnotationMacros(fileText)));
  const { text, mask } = file;
  const lines = new LineCursor(text);
  const functions: SourceFunction[] = [];
  for (let i = text.indexOf('{'); i >= 0; ) {
    if (mask[i] === 0) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    const end = matchBrace(text, mask, i);
    if (end < 0) break;
    const header = functionHeader(text, mask, i);
    if (header) {
      const startLine = lines.lineOf(header.start);
      const from = lines.lineStart;
      const nameLine = lines.lineOf(header.nameStart);
      const endLine = lines.lineOf(end - 1);
      const newline = text.indexOf('\n', end - 1);
      const to = newline < 0 ? text.length : newline;
      const slice = blank(text.slice(from, header.start)) + text.slice(header.start, end) + blank(text.slice(end, to));
      functions.push(new SlicedFunction(header.name, startLine, nameLine, endLine, slice, file, from, header.start, end));
    }
    i = text.indexOf('{', end);
  }
  return functions;
}

interface Header {
  name: string;
  nameStart: number;
  /** Offset of the first token of the definition. */
  start: number;
}

/** The header of the top-level block opened at `brace`, if it is a function definition. */
function functionHeader(text: string, mask: Uint8Array, brace: number): Header | undefined {
  const close = prevCode(text, mask, brace);
  if (close < 0 || text.charCodeAt(close) !== 0x29) return undefined;
  const open = matchParenBackward(text, mask, close);
  if (open < 0) return undefined;
  const nameEnd = prevCode(text, mask, open) + 1;
  const nameStart = wordStart(text, nameEnd);
  const word = text.slice(nameStart, nameEnd);
  if (nameStart === nameEnd || isDigit(text.charCodeAt(nameStart)) || NOT_A_NAME.has(word)) return undefined;
  // SYSCALL_DEFINE3(mprotect, ..): the macro alone would name every syscall alike. (An all-caps
  // function, shmem.c SHMEM_SB(struct super_block *sb), has no lone first argument.)
  const firstArgument = /^[A-Z][A-Z0-9_]*$/.test(word) ? /^\(\s*(\w+)\s*[,)]/.exec(text.slice(open, close + 1)) : null;
  const name = firstArgument ? `${word}(${firstArgument[1]})` : word;
  // The return type: words and `*` before the name (`static vm_fault_t` on the line above).
  let start = nameStart;
  for (let k = prevCode(text, mask, start); k >= 0; k = prevCode(text, mask, start)) {
    const c = text.charCodeAt(k);
    if (c === 0x2a) start = k;
    else if (isWordChar(c)) start = wordStart(text, k + 1);
    else break;
  }
  return { name, nameStart, start };
}

function wordStart(text: string, end: number): number {
  let i = end;
  while (i > 0 && isWordChar(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * Index just past the `}` matching the `{` at `open`, or -1. Jumps from brace to brace with
 * indexOf: 10 ms for every top-level block of the 831 keyword files of 6.12; testing each
 * character, 62 ms.
 */
function matchBrace(text: string, mask: Uint8Array, open: number): number {
  let depth = 0;
  let nextOpen = open;
  let nextClose = text.indexOf('}', open);
  while (nextClose >= 0) {
    if (nextOpen >= 0 && nextOpen < nextClose) {
      if (mask[nextOpen] === 1) depth++;
      nextOpen = text.indexOf('{', nextOpen + 1);
    } else {
      if (mask[nextClose] === 1 && --depth === 0) return nextClose + 1;
      nextClose = text.indexOf('}', nextClose + 1);
    }
  }
  return -1;
}

/** Index of the `(` matching the `)` at `close`, or -1. */
function matchParenBackward(text: string, mask: Uint8Array, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (mask[i] === 0) continue;
    const c = text.charCodeAt(i);
    if (c === 0x29) depth++;
    else if (c === 0x28 && --depth === 0) return i;
  }
  return -1;
}

/**
 * 1-based line numbers for offsets asked in increasing order, as the slicer meets them (a
 * definition's start, name and end, then the next definition's): counting newlines as it goes
 * does not index the lines of the whole file first (0.041 s in a CPU profile of `check` on the
 * whole 6.12 tree; 0.023 s counting).
 */
class LineCursor {
  #line = 1;
  #lineStart = 0;

  constructor(private readonly text: string) {}

  /** The line of `offset`; counting starts over from the top for an offset before the last line asked. */
  lineOf(offset: number): number {
    if (offset < this.#lineStart) {
      this.#line = 1;
      this.#lineStart = 0;
    }
    for (let nl = this.text.indexOf('\n', this.#lineStart); nl >= 0 && nl < offset; nl = this.text.indexOf('\n', nl + 1)) {
      this.#line++;
      this.#lineStart = nl + 1;
    }
    return this.#line;
  }

  /** Offset of the start of the line last returned. */
  get lineStart(): number {
    return this.#lineStart;
  }
}
