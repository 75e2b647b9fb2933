import { applyEdits, isDigit, isSpace, isWordChar, masked, spaces, type Edit, type MaskedText } from './code-mask.js';

// ---------------------------------------------------------------------------------------------
// Macro idioms
// ---------------------------------------------------------------------------------------------

/**
 * Rewrites kernel macro idioms that tree-sitter-c cannot parse to a C spelling of the same extent:
 * type names passed as macro arguments, `SYSCALL_DEFINEn(..)` headers, `static DEFINE_*(..)`
 * local declarations and `DECLARE_BITMAP(..)` declarations.
 */
export function rewriteMacroIdioms(text: string): string {
  return applyEdits(text, macroIdiomEdits(masked(text)));
}

/** The edits of rewriteMacroIdioms, in increasing order, for a text whose code mask is known. */
export function macroIdiomEdits(source: MaskedText): Edit[] {
  const code = codeOnly(source);
  const edits = [
    ...syscallHeaders(code),
    ...typeArguments(code),
    ...staticDeclarationMacros(code),
    ...bitmapDeclarations(code),
  ];
  edits.sort((a, b) => a.start - b.start);
  return edits;
}

/**
 * `text` with comments and literals blanked (every code unit but a newline becomes a space): the
 * regular expressions below then see code only. Copies runs of code whole rather than building a
 * string per character: this runs on every function of every file that passes the prefilter.
 */
function codeOnly(source: MaskedText): string {
  const { text, mask } = source;
  const n = text.length;
  let code = '';
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && mask[j] === 1) j++;
    if (j > i) code += text.slice(i, j);
    // A comment or literal: spaces, and its newlines. 34 ms over the 28,647 definitions of the
    // 831 keyword files of 6.12; with a regular expression replace per lexeme and a join, 154 ms.
    for (i = j; j < n && mask[j] === 0; j++) {
      if (text.charCodeAt(j) !== 0x0a) continue;
      code += spaces(j - i) + '\n';
      i = j + 1;
    }
    code += spaces(j - i);
    i = j;
  }
  return code;
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
  // A literal search first, as most definitions hold none: 4 ms over the 28,647 definitions of
  // the 831 keyword files of 6.12; the pattern alone, 12 ms (static: 6 and 18, bitmap: 4 and 11).
  if (!code.includes('SYSCALL_DEFINE')) return edits;
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
  const candidates: number[] = [];
  // The calls of /([A-Za-z_]\w*)\s*\(/g, found from each `(` backwards: whitespace, then a run of
  // word characters, from its first non-digit. This function takes 103 ms over the 28,647
  // definitions of the 831 keyword files of 6.12; with that regular expression, which tries
  // every position of every word, and an array per argument, 316 ms.
  for (let open = code.indexOf('('); open >= 0; open = code.indexOf('(', open + 1)) {
    let nameEnd = open;
    while (nameEnd > 0 && isSpace(code.charCodeAt(nameEnd - 1))) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > 0 && isWordChar(code.charCodeAt(nameStart - 1))) nameStart--;
    while (nameStart < nameEnd && isDigit(code.charCodeAt(nameStart))) nameStart++;
    if (nameStart === nameEnd) continue;
    const name = code.slice(nameStart, nameEnd);
    if (TAKES_TYPES.has(name) || SYSCALL_DEFINER_NAME.test(name)) continue;
    if (!typeNameCandidates(code, open, candidates)) continue;
    for (let k = 0; k < candidates.length; k += 2) blankTypeName(code, candidates[k], candidates[k + 1], edits);
  }
  return edits;
}

/**
 * The arguments of the list opened at `open` that may pass isTypeName, as [start, end) pairs in
 * `out`: only word characters, whitespace and `*`, and two words or more, or a word and a `*`.
 * False, with nothing to blank, when the list is not closed. One pass per call, with no array
 * per argument: most arguments are one word or an expression with operators.
 */
function typeNameCandidates(code: string, open: number, out: number[]): boolean {
  out.length = 0;
  let depth = 0;
  let start = open + 1;
  let words = 0;
  let inWord = false;
  let star = false;
  let other = false; // a character that no type name holds: an operator, a bracket, a comma inside one
  for (let i = start; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) {
      depth++;
      other = true;
    } else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      if (depth-- === 0) {
        if (!other && (words > 1 || (words === 1 && star))) out.push(start, i);
        return true;
      }
      other = true;
    } else if (c === 0x2c && depth === 0) {
      if (!other && (words > 1 || (words === 1 && star))) out.push(start, i);
      start = i + 1;
      words = 0;
      inWord = false;
      star = false;
      other = false;
    } else if (!other) {
      const word = isWordChar(c);
      if (word && !inWord) words++;
      else if (c === 0x2a) star = true;
      else if (!word && !isSpace(c)) other = true;
      inWord = word;
    }
  }
  return false;
}

/**
 * If code[start, end), which holds only word characters, whitespace and `*` (typeNameCandidates),
 * is words then `*`s that spell a type name, blanks all of it but its last word. Tokenized by
 * character code, without a regular expression and arrays per argument: one argument in six
 * gets here (`*ptr`, `a * b` as well as `unsigned long`).
 */
function blankTypeName(code: string, start: number, end: number, edits: Edit[]): void {
  const wordRanges: number[] = [];
  let pointer = false;
  for (let i = start; i < end; ) {
    if (!isWordChar(code.charCodeAt(i))) {
      if (code.charCodeAt(i) === 0x2a) pointer = true;
      i++;
      continue;
    }
    if (pointer) return; // a word after a `*`: an expression
    const wordStart = i;
    while (i < end && isWordChar(code.charCodeAt(i))) i++;
    wordRanges.push(wordStart, i);
  }
  const words: string[] = [];
  for (let k = 0; k < wordRanges.length; k += 2) words.push(code.slice(wordRanges[k], wordRanges[k + 1]));
  if (!isTypeName(words, pointer)) return;
  for (let k = 0; k < wordRanges.length - 2; k += 2) edits.push({ start: wordRanges[k], end: wordRanges[k + 1], head: '' });
  if (!pointer) return;
  for (let i = wordRanges.length > 0 ? wordRanges[wordRanges.length - 1] : start; i < end; i++) {
    if (code.charCodeAt(i) === 0x2a) edits.push({ start: i, end: i + 1, head: '' });
  }
}

const SYSCALL_DEFINER_NAME = /^(?:COMPAT_)?SYSCALL_DEFINE\d$/;

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
  // Every header says `static`; the macro's prefix is the rare part.
  if (!code.includes('DEFINE_') && !code.includes('DECLARE_')) return [];
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
  if (!code.includes('DECLARE_BITMAP')) return edits;
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
