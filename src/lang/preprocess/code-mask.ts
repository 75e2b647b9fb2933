// ---------------------------------------------------------------------------------------------
// Lexical helpers shared by the transforms (and by slice.ts)
// ---------------------------------------------------------------------------------------------

import { cLexemes } from '../c-lexemes.js';

/**
 * 1 for each code unit that is code, 0 inside comments, string and character literals
 * (delimiters included; src/lang/c-lexemes.ts). A newline inside a block comment is 0: that is
 * how a directive whose comment runs over several lines (`#else /* !CONFIG_MMU ...`) is known to
 * continue. An unterminated literal ends at the end of its line, as in C, so a stray apostrophe
 * (`#error can't`) cannot hide the rest of the file.
 */
export function codeMask(text: string): Uint8Array {
  const mask = new Uint8Array(text.length).fill(1);
  for (const lexeme of cLexemes(text)) {
    if (lexeme.kind !== 'stray-comment-end') mask.fill(0, lexeme.start, lexeme.end);
  }
  return mask;
}

/** A text and its code mask, handed from one transform to the next so that each need not lex again. */
export interface MaskedText {
  readonly text: string;
  readonly mask: Uint8Array;
}

/** `text` with the mask lexing it gives. */
export function masked(text: string): MaskedText {
  return { text, mask: codeMask(text) };
}

const NEWLINE = 10;

// The code units `\s` matches (ECMAScript WhiteSpace and LineTerminator): the transforms were
// written with \s and \S, and a C file may hold a no-break space or a BOM.
const WHITESPACE = new Uint8Array(0x10000);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) WHITESPACE[c] = 1;
for (let c = 0x2000; c <= 0x200a; c++) WHITESPACE[c] = 1;

/** Whether the code unit `c` is one `\s` matches. */
export function isSpace(c: number): boolean {
  return WHITESPACE[c] === 1;
}

/** Whether the code unit `c` is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whether the code unit `c` is one `\w` matches (ASCII letters, digits, `_`). */
export function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

const SPACES = ' '.repeat(1024);

/** `length` spaces. */
export function spaces(length: number): string {
  return length <= SPACES.length ? SPACES.slice(0, length) : ' '.repeat(length);
}

/**
 * Spaces for every character that is not whitespace: line breaks, tabs and columns survive.
 * Copies whitespace runs and slices of a run of spaces: 22 ms for the 16,033 runs of lines that
 * the conditionals of the 831 keyword files of 6.12 blank (2 MB); `replace(/\S/g, ' ')`, 67 ms.
 */
export function blank(text: string): string {
  const n = text.length;
  let out = '';
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && WHITESPACE[text.charCodeAt(j)] === 1) j++;
    if (j > i) out += text.slice(i, j);
    i = j;
    while (j < n && WHITESPACE[text.charCodeAt(j)] === 0) j++;
    if (j > i) out += spaces(j - i);
    i = j;
  }
  return out;
}

export interface Edit {
  start: number;
  end: number;
  /** Written at `start`; the rest of [start, end) is blanked. Must not span a newline of the range. */
  head: string;
}

/** Applies non-overlapping edits given in increasing order. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
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

/**
 * `source` with `edits` applied, and the code mask of the result. Lexing the result again is
 * avoided where it cannot differ: when every edit is cut cleanly from the lexemes around it (see
 * `cleanCut`) and writes no character that opens or closes one, the lexemes outside the edits
 * are unchanged and none is left inside, so the mask is the old one with the edits set to code.
 * Otherwise the result is lexed. Lexing takes 40 ms over the 831 keyword files of 6.12 (27 MB);
 * each step used to lex its input again, three times per file and twice per rewritten definition.
 */
export function withEdits(source: MaskedText, edits: readonly Edit[]): MaskedText {
  if (edits.length === 0) return source;
  const text = applyEdits(source.text, edits);
  let at = 0;
  for (const e of edits) {
    if (e.start < at || !cleanCut(source, e.start) || !cleanCut(source, e.end) || LEXICAL.test(e.head)) return masked(text);
    at = e.end;
  }
  const mask = source.mask.slice();
  for (const e of edits) mask.fill(1, e.start, e.end);
  return { text, mask };
}

// Characters that open or close a lexeme (c-lexemes.ts), and the newline that ends some.
const LEXICAL = /[/*"'\n]/;

function slashOrStar(c: number): boolean {
  return c === 0x2f || c === 0x2a;
}

/**
 * Whether a lexer started fresh at `at` finds the lexemes that lexing from the start finds from
 * `at` on, and a lexer stopped at `at` the ones before it: no lexeme holds both `at - 1` and
 * `at`, and no `/*`, `//` or `*\/` is split. True at a line start or a line end whose newline is
 * code (edits keep newlines), and between two code characters that are not both `/` or `*`
 * (a quote in code always opens a literal, so neither is one). Requiring neither to be `*`
 * relexed 8 of the 831 keyword files of 6.12 whole, for `*__init` and `*__must_check`.
 */
export function cleanCut(source: MaskedText, at: number): boolean {
  const { text, mask } = source;
  if (at <= 0 || at >= text.length) return true;
  if (text.charCodeAt(at - 1) === NEWLINE) return mask[at - 1] === 1;
  if (text.charCodeAt(at) === NEWLINE) return mask[at] === 1;
  return mask[at - 1] === 1 && mask[at] === 1 && !(slashOrStar(text.charCodeAt(at - 1)) && slashOrStar(text.charCodeAt(at)));
}

/** Index just past the `)` matching the `(` at `open` (code characters only), or -1. */
export function matchParen(text: string, mask: Uint8Array, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (mask[i] === 0) continue;
    const c = text.charCodeAt(i);
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the next code character that is not whitespace, at or after `from` (text.length if none). */
export function nextCode(text: string, mask: Uint8Array, from: number): number {
  let i = from;
  while (i < text.length && (mask[i] === 0 || WHITESPACE[text.charCodeAt(i)] === 1)) i++;
  return i;
}

/** Index of the previous code character that is not whitespace, before `from` (-1 if none). */
export function prevCode(text: string, mask: Uint8Array, from: number): number {
  let i = from - 1;
  while (i >= 0 && (mask[i] === 0 || WHITESPACE[text.charCodeAt(i)] === 1)) i--;
  return i;
}
