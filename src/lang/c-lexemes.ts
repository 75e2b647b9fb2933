// The one C lexer for what is not code: comments, string and character literals. The
// preprocessor's code mask (lang/preprocess/code-mask.ts), the lexer of patch fragments
// (input/images/c-scan.ts) and the fixture annotation parser (testing/annotations.ts) all stand
// on it, so a comment is a comment everywhere.
//
// It follows C's translation phases as far as these lexemes need them: a backslash at the end of
// a line (before "\n" or "\r\n") splices the next line into a `//` comment or a literal, and `/*`
// starts a comment wherever code is (so `*/*` is `*` and a comment). Where a compiler would stop
// with an error it recovers instead, and never fails: an unterminated literal ends at the end of
// its line, so a stray apostrophe (`#error can't`) cannot hide the rest of the file, and an
// unterminated block comment runs to the end of the text. Splices elsewhere (`/\` newline `*`)
// are not followed; the kernel does not write them.

export type LexemeKind =
  | 'block-comment'
  | 'line-comment'
  | 'string'
  | 'char'
  /** `*\/` met in code: the text began inside a comment (a patch fragment), or is not C. */
  | 'stray-comment-end';

export interface Lexeme {
  kind: LexemeKind;
  /** Offset of the opening delimiter (0 for the comment a text starts inside). */
  start: number;
  /**
   * Offset just past the closing delimiter; for an unterminated lexeme, of the newline that ends
   * a literal's line or a line comment, or the text's length.
   */
  end: number;
  /** Ends with its closing delimiter (always true for line comments and stray comment ends). */
  closed: boolean;
}

export interface LexOptions {
  /** The text starts inside a block comment (a fragment cut from a file). */
  inComment?: boolean;
}

const NEWLINE = 10;
const RETURN = 13;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const STAR = 42;
const SLASH = 47;
const BACKSLASH = 92;

/** Is the newline at `nl` spliced away, i.e. does its line end with a backslash (before an optional "\r")? */
function splicedNewline(text: string, nl: number): boolean {
  let k = nl - 1;
  if (k >= 0 && text.charCodeAt(k) === RETURN) k--;
  return k >= 0 && text.charCodeAt(k) === BACKSLASH;
}

/** Offset of the newline that ends the logical line holding `from` (splices followed), or the text's length. */
function endOfLogicalLine(text: string, from: number): number {
  let nl = text.indexOf('\n', from);
  while (nl >= 0 && splicedNewline(text, nl)) nl = text.indexOf('\n', nl + 1);
  return nl < 0 ? text.length : nl;
}

/** The block comment whose body starts at `from`. */
function blockComment(text: string, start: number, from: number): Lexeme {
  const close = text.indexOf('*/', from);
  return close < 0
    ? { kind: 'block-comment', start, end: text.length, closed: false }
    : { kind: 'block-comment', start, end: close + 2, closed: true };
}

/** The string or character literal that opens at `start`. */
function literal(text: string, start: number): Lexeme {
  const quote = text.charCodeAt(start);
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      return { kind: quote === DOUBLE_QUOTE ? 'string' : 'char', start, end: i + 1, closed: true };
    }
    if (c === NEWLINE) break;
    if (c === BACKSLASH) {
      // An escape takes the next character; "\\\r\n" is a splice as much as "\\\n".
      i += text.charCodeAt(i + 1) === RETURN && text.charCodeAt(i + 2) === NEWLINE ? 3 : 2;
    } else {
      i++;
    }
  }
  return { kind: quote === DOUBLE_QUOTE ? 'string' : 'char', start, end: Math.min(i, n), closed: false };
}

/**
 * The comments, literals and stray comment ends of C text, in order; everything between them is code.
 * @param text C source, or a fragment of it
 * @param options where the text starts (default: in code)
 * @returns non-overlapping lexemes in increasing offset order
 */
export function cLexemes(text: string, options: LexOptions = {}): Lexeme[] {
  const lexemes: Lexeme[] = [];
  const n = text.length;
  let i = 0;
  if (options.inComment) {
    const first = blockComment(text, 0, 0);
    lexemes.push(first);
    i = first.end;
  }
  // Jump from one possible lexeme start to the next: most of a C file is neither.
  const starts = /\/[*/]|["']|\*\//g;
  while (i < n) {
    starts.lastIndex = i;
    const m = starts.exec(text);
    if (m === null) break;
    const at = m.index;
    const c = text.charCodeAt(at);
    let lexeme: Lexeme | undefined;
    if (c === SLASH) {
      lexeme = text.charCodeAt(at + 1) === STAR
        ? blockComment(text, at, at + 2)
        : { kind: 'line-comment', start: at, end: endOfLogicalLine(text, at + 2), closed: true };
    } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      lexeme = literal(text, at);
    } else {
      // `*` before a comment opener is code; otherwise `*/` closes a comment the text never opened.
      const after = text.charCodeAt(at + 2);
      if (after !== STAR && after !== SLASH) lexeme = { kind: 'stray-comment-end', start: at, end: at + 2, closed: true };
    }
    if (lexeme === undefined) {
      i = at + 1;
    } else {
      lexemes.push(lexeme);
      i = lexeme.end;
    }
  }
  return lexemes;
}
