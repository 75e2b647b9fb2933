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
