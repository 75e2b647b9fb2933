// A small C lexer for the fragments of partial images: which characters are code. It knows
// comments, string and character literals and preprocessor lines, and no more; it never fails.

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
  const code: string[] = [];
  const conditionalDepth: number[] = [];
  const conditionals = [...start.conditionals];
  let state: 'code' | 'block' | 'line' | 'string' | 'char' = start.inComment ? 'block' : 'code';
  let firstCommentToken: Scan['firstCommentToken'];
  let directive = false;
  for (const line of text.split('\n')) {
    if (state === 'code' && !directive) {
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
    const hidden = directive || conditionals.includes(true);
    let out = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      const next = line[i + 1];
      if (state === 'block') {
        if (c === '*' && next === '/') {
          out += '  ';
          i++;
          state = 'code';
        } else out += ' ';
      } else if (state === 'line') {
        out += ' ';
      } else if (state === 'string' || state === 'char') {
        if (c === '\\' && next !== undefined) {
          out += '  ';
          i++;
        } else if ((state === 'string' && c === '"') || (state === 'char' && c === "'")) {
          out += hidden ? ' ' : c;
          state = 'code';
        } else out += ' ';
      } else if (c === '/' && next === '*') {
        firstCommentToken ??= '/*';
        out += '  ';
        i++;
        state = 'block';
      } else if (c === '*' && next === '/') {
        firstCommentToken ??= '*/';
        out += '  ';
        i++;
      } else if (c === '/' && next === '/') {
        out += '  ';
        i++;
        state = 'line';
      } else if (c === '"' || c === "'") {
        out += hidden ? ' ' : c;
        state = c === '"' ? 'string' : 'char';
      } else out += hidden ? ' ' : c;
    }
    code.push(out);
    // A line comment, and an unterminated literal, end with the line.
    if (state === 'line' || state === 'string' || state === 'char') state = 'code';
    // A directive goes on after a backslash or inside a block comment.
    if (directive && state !== 'block' && !line.endsWith('\\')) directive = false;
  }
  return { code, conditionalDepth, firstCommentToken, end: { inComment: state === 'block', conditionals } };
}

/** A kernel comment's continuation line (` * text`, ` *`): a text whose first such line starts inside a comment. */
export function looksLikeCommentContinuation(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  return first !== undefined && /^[ \t]*\*(?:[ \t]|$)/.test(first);
}
