// Which characters of a fragment of a partial image are code: comments and literals as
// src/lang/c-lexemes.ts finds them, preprocessor lines and `#else` branches on top; it never fails.

import { cLexemes } from '../../lang/c-lexemes.js';

export interface ScanState {
  /** Inside a block comment. */
  inComment: boolean;
  /** One entry per `#if` open at this point (opened in the fragment): true once in its `#else`/`#elif`. */
  conditionals: boolean[];
}

export interface Scan {
  /**
   * One entry per line of the input: the line with comments, the contents of string and
   * character literals, preprocessor lines and the lines of `#else`/`#elif` branches replaced by
   * spaces. (Braces written once per branch are so counted once.)
   */
  code: string[];
  /** Per line: how many of the fragment's `#if`s are open on it. */
  conditionalDepth: number[];
  /** The first of `/*` and `*\/` met in code: `*\/` first means the text starts inside a comment. */
  firstCommentToken?: '/*' | '*/';
  end: ScanState;
}

export function scanCode(text: string, start: ScanState): Scan {
  const lexemes = cLexemes(text, { inComment: start.inComment });
  // What is blanked: comments (delimiters too), stray `*/`, and the contents of literals (their
  // quotes stay, so the code around them keeps its shape).
  const blanked = new Uint8Array(text.length);
  let firstCommentToken: Scan['firstCommentToken'];
  lexemes.forEach((l, k) => {
    if (l.kind === 'string' || l.kind === 'char') {
      blanked.fill(1, l.start + 1, l.closed ? l.end - 1 : l.end);
      return;
    }
    blanked.fill(1, l.start, l.end);
    const continued = k === 0 && start.inComment;
    if (firstCommentToken === undefined && !continued) {
      if (l.kind === 'block-comment') firstCommentToken = '/*';
      else if (l.kind === 'stray-comment-end') firstCommentToken = '*/';
    }
  });

  const code: string[] = [];
  const conditionalDepth: number[] = [];
  const conditionals = [...start.conditionals];
  let directive = false;
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const newline = lineStart + line.length;
    // A line starts in code unless the newline before it is inside a comment or a spliced literal.
    const startsInCode = lineStart === 0 ? !start.inComment : blanked[lineStart - 1] === 0;
    if (startsInCode && !directive) {
      const m = /^[ \t]*#[ \t]*(\w*)/.exec(line);
      if (m) {
        directive = true;
        const keyword = m[1];
        if (keyword === 'if' || keyword === 'ifdef' || keyword === 'ifndef') conditionals.push(false);
        else if (/^(?:else|elif|elifdef|elifndef)$/.test(keyword)) {
          if (conditionals.length > 0) conditionals[conditionals.length - 1] = true;
        } else if (keyword === 'endif') conditionals.pop();
      }
    }
    conditionalDepth.push(conditionals.length);
    if (directive || conditionals.includes(true)) {
      code.push(' '.repeat(line.length));
    } else {
      let out = '';
      for (let i = 0; i < line.length; i++) out += blanked[lineStart + i] === 1 ? ' ' : line[i];
      code.push(out);
    }
    // A directive goes on after a backslash or inside a block comment.
    if (directive && !line.endsWith('\\') && blanked[newline] !== 1) directive = false;
    lineStart = newline + 1;
  }
  const last = lexemes[lexemes.length - 1];
  const inComment = last !== undefined && last.kind === 'block-comment' && !last.closed;
  return { code, conditionalDepth, firstCommentToken, end: { inComment, conditionals } };
}

/** A kernel comment's continuation line (` * text`, ` *`): a text whose first such line starts inside a comment. */
export function looksLikeCommentContinuation(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  return first !== undefined && /^[ \t]*\*(?:[ \t]|$)/.test(first);
}
