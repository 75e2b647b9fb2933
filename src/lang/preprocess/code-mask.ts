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

/** Spaces for every character that is not whitespace: line breaks, tabs and columns survive. */
export function blank(text: string): string {
  return text.replace(/\S/g, ' ');
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

/** Index just past the `)` matching the `(` at `open` (code characters only), or -1. */
export function matchParen(text: string, mask: Uint8Array, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (mask[i] === 0) continue;
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the next code character that is not whitespace, at or after `from` (text.length if none). */
export function nextCode(text: string, mask: Uint8Array, from: number): number {
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
