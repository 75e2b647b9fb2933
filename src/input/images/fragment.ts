// Makes the hunks of a partial image parseable (DESIGN Part 1 step 2, §5.5). A hunk rarely shows
// the start of its function, so each hunk (or group of close hunks) becomes a function of its own:
// a synthetic header on the empty line before it and closing text on the empty line(s) after it,
// both starting at column 0 so that the function slicer (src/lang/slice.ts) finds the body. Real
// lines are never modified: line and column numbers stay those of the file.
//
//   line before:  void NAME(void) { if (1) { if (      <- function body, one block per `}` that
//                                                         closes more than the fragment opened,
//                                                         one `(` per `)` that does
//   the hunk:     ....bar) {                           <- a hunk may start mid-condition
//                 ...} else {
//   line after:   ;}}}                                 <- what is left open, closed
//
// Header. The function level is dropped when the fragment starts at file scope: its first
// column-0 brace says so (a `}` ending a function leaves depth 0; a `{` opening one starts at
// depth 0), or it starts at line 1. When the `}` closing the outermost level is followed by `;`,
// that level is a struct (`struct NAME {`, members end with `;`) or an initializer
// (`static int NAME[] = {`), not a function. A `}` followed by `else` closes an `if (1) {` rather
// than a bare `{`. The header ends with `if (1) ;` when the first token is `else`, `1` when it is a
// binary operator (a continued expression), `/*` when the fragment starts inside a comment.
//
// Closing text: a comment is closed, open parentheses get an operand if they need one and `)`,
// an unterminated statement `;` (after an operand if it ends with an operator), blocks `}`
// (`} while (0);` for a `do` body), initializers `}`; `#endif` lines close the conditionals the
// fragment opened, each after the text that closes what was opened inside it.
//
// Hunks closer than 2 lines (more when closing needs `#endif` lines) are one fragment. The empty
// line(s) between two of its hunks hide real text; the first of them gets a bridge when the two
// sides do not connect: parentheses left open before it are closed when the next hunk opens none,
// parentheses the next hunk closes are opened (with the next hunk's function name at file scope),
// `;` stands for a hidden `if` body before `else`, `/*` for a hidden comment start.

import { looksLikeCommentContinuation, scanCode, type ScanState } from './c-scan.js';

export interface FragmentHunk {
  /** 1-based first and last image line of the hunk. */
  first: number;
  last: number;
  /** The hunk header's section text (git's funcname). */
  section: string;
  /** 1-based index of the hunk in its file. */
  hunkIndex: number;
}

interface Fragment {
  first: number;
  last: number;
  hunkIndex: number;
  segments: FragmentHunk[];
}

/**
 * Writes the synthetic headers, bridges and closing lines into `slots` (0-based line -> text, ''
 * for an empty line; grown when a closing line falls after the end) and returns their 1-based
 * lines, sorted.
 */
export function synthesizeFragments(slots: string[], hunks: FragmentHunk[]): number[] {
  const fragments: Fragment[] = [];
  for (const hunk of hunks) {
    const current = fragments[fragments.length - 1];
    if (current !== undefined) {
      const trailing = Math.max(1, plan(slots, current).closer.length);
      if (hunk.first - current.last - 1 < trailing + 1) {
        current.last = Math.max(current.last, hunk.last);
        current.segments.push(hunk);
        continue;
      }
    }
    fragments.push({ first: hunk.first, last: hunk.last, hunkIndex: hunk.hunkIndex, segments: [hunk] });
  }
  const synthetic: number[] = [];
  for (const fragment of fragments) {
    const { header, bridges, closer } = plan(slots, fragment);
    if (header !== undefined && fragment.first > 1) {
      slots[fragment.first - 2] = header;
      synthetic.push(fragment.first - 1);
    }
    for (const [line, text] of bridges) {
      slots[line - 1] = text;
      synthetic.push(line);
    }
    closer.forEach((text, k) => {
      const line = fragment.last + 1 + k;
      while (slots.length < line) slots.push('');
      slots[line - 1] = text;
      synthetic.push(line);
    });
  }
  return synthetic.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// The function name
// ---------------------------------------------------------------------------------------------

const NOT_A_NAME = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__typeof__', 'defined']);
// Annotations that take arguments and may come before or after the name in a definition's first line.
const ANNOTATION =
  /^(?:__attribute__|__printf|__scanf|__releases|__acquires|__must_hold|__cond_acquires|__cond_releases|__section|__aligned|__alloc_size|__counted_by|__no_sanitize_\w+|__diagnose_as|__assume_\w+)$/;

export interface SyntheticName {
  name: string;
  /** The header before its `{`, written so that the slicer gives it the name the real definition has. */
  head: string;
}

/**
 * The function named by a hunk header's section text: the first `name(` at parenthesis depth 0
 * that is not an annotation; its header is `void name(void)`. A definer macro keeps its first
 * argument so that the slicer names the fragment as it names the real definition:
 * `SYSCALL_DEFINE3(mprotect, ..` -> `SYSCALL_DEFINE3(mprotect, int, __ptelint_arg)` (the form the
 * preprocessor's syscall rewrite expects), another all-caps `DEFINER(arg, ..` -> `void DEFINER(arg)`.
 * Undefined when the section names no function (empty, a label, a variable, a statement such as
 * `EXPORT_SYMBOL(foo);`).
 */
export function nameFromSection(section: string): SyntheticName | undefined {
  if (/;\s*$/.test(section)) return undefined;
  let depth = 0;
  const pattern = /[A-Za-z_]\w*|[()]/g;
  for (let m = pattern.exec(section); m; m = pattern.exec(section)) {
    const token = m[0];
    if (token === '(') depth++;
    else if (token === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /^\s*\(/.test(section.slice(pattern.lastIndex))) {
      if (NOT_A_NAME.has(token) || ANNOTATION.test(token)) continue;
      const argument = /^\s*\(\s*([A-Za-z_]\w*)\s*[,)]/.exec(section.slice(pattern.lastIndex))?.[1];
      if (argument !== undefined && /^(?:COMPAT_)?SYSCALL_DEFINE[1-6]$/.test(token)) {
        return { name: token, head: `${token}(${argument}, int, __ptelint_arg)` };
      }
      if (argument !== undefined && /^[A-Z][A-Z0-9_]*$/.test(token)) return { name: token, head: `void ${token}(${argument})` };
      return { name: token, head: `void ${token}(void)` };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Planning one fragment
// ---------------------------------------------------------------------------------------------

interface Plan {
  header?: string;
  /** 1-based gap line -> bridge text. */
  bridges: Map<number, string>;
  closer: string[];
}

interface Item {
  kind: '{' | '(';
  /** A `{` opening an initializer (after `=`, or nested in one). */
  initializer: boolean;
  /** A `{` opened right after `do`. */
  doBody: boolean;
  /** A `{` opening a struct, union or enum body: closed with `};`. */
  typeBody?: boolean;
  /** 1-based synthetic block level of the header (1 = the outermost), for blocks the header opens. */
  level?: number;
  /** A `;` met directly inside this block. */
  sawSemicolon: boolean;
  /** How many of the fragment's conditionals were open where it was opened. */
  conditional: number;
  /** A `(` opening a parameter list (`static int foo(`): closed with `...)` after a `,`. */
  declarator?: boolean;
}

interface LevelEnd {
  elseAfter: boolean;
  semicolonAfter: boolean;
  sawSemicolon: boolean;
}

/** A continued expression: its first token is an operator that needs a left operand. */
const BINARY_START = /^(?:&&|\|\||==|!=|<=|>=|<<|>>|[|^?:%/+<>,])/;
/** After these, a `)` needs an operand first. */
const PAREN_NEEDS_OPERAND = '+-*/%&|^<>=!?~,(:';
/** After these, a `;` needs an operand first. */
const STATEMENT_NEEDS_OPERAND = '+-*/%&|^<>=!?~,';

function block(extra: Partial<Item> = {}): Item {
  return { kind: '{', initializer: false, doBody: false, sawSemicolon: false, conditional: 0, ...extra };
}

function paren(conditional = 0, declarator = false): Item {
  return { kind: '(', initializer: false, doBody: false, sawSemicolon: false, conditional, declarator };
}

// `type name(` or `type *name(`, not `return name(`: the start of a declarator's parameter list.
const DECLARATOR_BEFORE = /(?:\b(?!(?:return|else|case|do|goto|sizeof)\b)[A-Za-z_]\w*\s+|\*\s*)[A-Za-z_]\w*\s*$/;

function plan(slots: string[], fragment: Fragment): Plan {
  const first = fragment.first;
  const count = fragment.last - first + 1;
  const lines: string[] = [];
  for (let line = first; line <= fragment.last; line++) lines.push(slots[line - 1] ?? '');
  const atFileStart = first === 1;
  // Mail archives strip leading whitespace (seed 003): when no line is indented and some line is
  // plainly not at file scope (a statement keyword or `} else` at column 0, or the one space a
  // stripped changed line keeps), column 0 says nothing about file scope.
  const mangled =
    !lines.some((l) => /^(\t| {2})/.test(l) && l.trim() !== '') &&
    lines.some((l) => /^(?:(?:if|else|return|for|while|switch|case|break|continue|goto|do)\b|\}\s*else\b| [^ *\t])/.test(l));

  // Scan hunk by hunk: each may start inside a comment of its own.
  const code: string[] = new Array<string>(count).fill('');
  const conditionalDepth: number[] = new Array<number>(count).fill(0);
  const startsInComment: boolean[] = [];
  let state: ScanState = { inComment: false, conditionals: [] };
  for (const segment of fragment.segments) {
    const from = segment.first - first;
    const text = lines.slice(from, segment.last - first + 1).join('\n');
    let inComment = state.inComment;
    if (!inComment) {
      const trial = scanCode(text, { inComment: false, conditionals: state.conditionals });
      inComment = trial.firstCommentToken === '*/' || looksLikeCommentContinuation(text);
    }
    startsInComment.push(inComment && !state.inComment);
    const scan = scanCode(text, { inComment, conditionals: state.conditionals });
    scan.code.forEach((l, k) => {
      code[from + k] = l;
      conditionalDepth[from + k] = scan.conditionalDepth[k];
    });
    for (let k = segment.last - first + 1; k < count; k++) conditionalDepth[k] = scan.end.conditionals.length;
    state = scan.end;
  }
  const firstSegmentEnd = fragment.segments[0].last - first;

  // Pass 1: how many blocks and parentheses are open where the fragment starts.
  let braces = 0;
  let minBraces = 0;
  let parens = 0;
  let minParens = 0;
  let constraint: number | undefined;
  for (let li = 0; li < count; li++) {
    const l = code[li];
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (c === '{') {
        if (i === 0 && !mangled && constraint === undefined) constraint = -braces;
        braces++;
      } else if (c === '}') {
        braces--;
        minBraces = Math.min(minBraces, braces);
        if (i === 0 && !mangled && constraint === undefined) constraint = -braces;
      } else if (li <= firstSegmentEnd && c === '(') {
        parens++;
      } else if (li <= firstSegmentEnd && c === ')') {
        parens--;
        minParens = Math.min(minParens, parens);
      }
    }
  }
  let levels: number;
  if (atFileStart) levels = 0;
  else if (constraint !== undefined) levels = Math.max(constraint, -minBraces, 0);
  else levels = 1 + Math.max(0, -minBraces);
  const openParens = atFileStart ? 0 : -minParens;

  // Pass 2: which header level each unmatched `}` closes and what follows it, the bridges, and
  // what is still open at the end.
  const stack: Item[] = [];
  for (let level = 1; level <= levels; level++) stack.push(block({ level }));
  // At file scope, a hunk that closes a parenthesis it did not open starts inside a parameter list.
  for (let k = 0; k < openParens; k++) stack.push(paren(0, levels === 0));
  const levelEnds = new Map<number, LevelEnd>();
  const bridges = new Map<number, string>();
  const flat = code.join('\n');
  let offset = 0;
  let last: string | undefined;
  let segmentIndex = 0;
  for (let li = 0; li < count; li++) {
    const l = code[li];
    const next = fragment.segments[segmentIndex + 1];
    if (next !== undefined && li === fragment.segments[segmentIndex].last - first + 1 && li < next.first - first) {
      // The first hidden line after this hunk, with another hunk of the fragment to come.
      const bridge = planBridge(stack, last, code.slice(next.first - first, next.last - first + 1), startsInComment[segmentIndex + 1], next.section, conditionalDepth[li]);
      if (bridge.text !== '') {
        bridges.set(first + li, bridge.text);
        last = bridge.last ?? last;
      }
    }
    if (next !== undefined && li === next.first - first) segmentIndex++;
    for (let i = 0; i < l.length; i++, offset++) {
      const c = l[i];
      if (c === ' ' || c === '\t') continue;
      const top = stack[stack.length - 1];
      if (c === '{') {
        const initializer = last === '=' || ((last === ',' || last === '{') && top?.initializer === true);
        const before = flat.slice(Math.max(0, offset - 128), offset);
        stack.push(
          block({
            initializer,
            doBody: /\bdo\s*$/.test(before),
            typeBody: /\b(?:struct|union|enum)(?:\s+[A-Za-z_]\w*)?\s*$/.test(before),
            conditional: conditionalDepth[li],
          }),
        );
      } else if (c === '(') {
        const before = flat.slice(Math.max(0, offset - 128), offset);
        stack.push(paren(conditionalDepth[li], top === undefined || (top.kind === '{' && DECLARATOR_BEFORE.test(before))));
      } else if (c === ')') {
        if (top?.kind === '(') stack.pop();
      } else if (c === ';') {
        if (top?.kind === '{') top.sawSemicolon = true;
      } else if (c === '}') {
        while (stack.length > 0 && stack[stack.length - 1].kind === '(') stack.pop();
        const closed = stack.pop();
        if (closed?.level !== undefined) {
          const after = flat.slice(offset + 1);
          levelEnds.set(closed.level, {
            elseAfter: /^\s*else\b/.test(after),
            semicolonAfter: /^[ \t]*(?:[A-Za-z_]\w*[ \t]*)*;/.test(after),
            sawSemicolon: closed.sawSemicolon,
          });
        }
      }
      last = c;
    }
    offset++; // the newline
  }

  // The header.
  const fallback = `__ptelint_fragment_${fragment.hunkIndex}`;
  const name = nameFromSection(fragment.segments[0].section) ?? { name: fallback, head: `void ${fallback}(void)` };
  const parts: string[] = [];
  const outer = levelEnds.get(1);
  const firstCode = flat.search(/\S/);
  const start = firstCode >= 0 ? flat.slice(firstCode) : '';
  // A `.field =` or `[index] =` designator first: the inside of an initializer.
  const designated = /^(?:\.\s*[A-Za-z_]\w*|\[[^\]\n]*\])\s*=/.test(start);
  const outerKind = outer?.semicolonAfter
    ? outer.sawSemicolon
      ? 'struct'
      : 'initializer'
    : designated && levels === 1 && outer === undefined
      ? 'initializer'
      : 'function';
  if (levels >= 1) {
    if (outerKind === 'struct') parts.push(`struct ${fallback} {`);
    else if (outerKind === 'initializer') parts.push(`static int ${fallback}[] = {`);
    else parts.push(`${name.head} {`);
  }
  for (let level = 2; level <= levels; level++) {
    const end = levelEnds.get(level);
    // A `};` closing a block of its own: a local initializer (`struct foo x = {`) or struct.
    if (end?.semicolonAfter) parts.push(end.sawSemicolon ? `struct __ptelint_${level} {` : `int __ptelint_${level}[] = {`);
    else parts.push(end?.elseAfter ? 'if (1) {' : '{');
  }
  if (openParens >= 1) parts.push((levels === 0 ? `void ${name.name}(` : 'if (') + '('.repeat(openParens - 1));
  if ((levels >= 1 || openParens >= 1) && BINARY_START.test(start)) parts.push('1');
  else if (levels >= 1 && openParens === 0 && outerKind === 'function' && /^else\b/.test(start)) parts.push('if (1) ;');
  // At file scope, a definition whose return type is on the line above the hunk (`static struct
  // page *` / `__rmqueue(struct zone *zone, ..`): the header line stands for that type.
  if (levels === 0 && openParens === 0 && !startsInComment[0] && /^[A-Za-z_]\w*\s*\(/.test(code.find((l) => l.trim() !== '') ?? '')) {
    parts.push('void');
  }
  if (startsInComment[0]) parts.push('/*');
  const header = parts.length > 0 ? parts.join(' ') : undefined;

  // The closing text, innermost first, `#endif` lines interleaved.
  const closer: string[] = [];
  const text = { out: state.inComment ? '*/' : '', last, afterInitializer: false };
  let depth = state.conditionals.length;
  const flush = (): void => {
    if (text.out !== '') closer.push(text.out);
    text.out = '';
  };
  for (let k = stack.length - 1; k >= 0; k--) {
    const item = stack[k];
    for (; depth > item.conditional; depth--) {
      flush();
      closer.push('#endif');
    }
    const kind = item.level === 1 && outerKind !== 'function' ? 'outer-initializer' : undefined;
    closeItem(item, text, kind);
  }
  for (; depth > 0; depth--) {
    flush();
    closer.push('#endif');
  }
  // At file scope: a trailing declarator (`static int foo(int a)` cut before its body) becomes a declaration.
  const fileScope = stack.length === 0 || stack[0].kind === '(';
  if (fileScope && text.last !== undefined && /[\w)\]]/.test(text.last)) text.out += ';';
  flush();
  return { header, bridges, closer };
}

interface CloseText {
  out: string;
  last: string | undefined;
  /** The last `}` closed an initializer, which still needs a `;` if it ends a statement. */
  afterInitializer: boolean;
}

function closeItem(item: Item, text: CloseText, kind?: 'outer-initializer'): void {
  if (item.kind === '(') {
    if (item.declarator && (text.last === ',' || text.last === '(')) text.out += text.last === ',' ? '...' : 'void';
    else if (text.last === undefined || PAREN_NEEDS_OPERAND.includes(text.last)) text.out += '0';
    text.out += ')';
    text.afterInitializer = false;
  } else if (kind === 'outer-initializer') {
    text.out += '};';
    text.afterInitializer = false;
  } else if (item.initializer) {
    text.out += '}';
    text.afterInitializer = true;
  } else if (item.typeBody) {
    terminate(text);
    text.out += '};';
    text.afterInitializer = false;
  } else {
    terminate(text);
    text.out += item.doBody ? '} while (0);' : '}';
    text.afterInitializer = false;
  }
  text.last = text.out[text.out.length - 1] ?? text.last;
}

/** Ends an unterminated statement: an operand after a trailing operator, then `;`. */
function terminate(text: CloseText): void {
  const last = text.last;
  if (last === undefined || (';{}'.includes(last) && !text.afterInitializer)) return;
  if (last === '?') text.out += '0 : 0';
  else if (STATEMENT_NEEDS_OPERAND.includes(last)) text.out += '0';
  text.out += ';';
  text.last = ';';
  text.afterInitializer = false;
}

/**
 * What the hidden line between two hunks of a fragment must say for the two sides to connect,
 * given what is open before it and the code of the next hunk.
 */
function planBridge(
  stack: Item[],
  last: string | undefined,
  nextCode: string[],
  nextStartsInComment: boolean,
  nextSection: string,
  conditional: number,
): { text: string; last?: string } {
  // Parentheses the next hunk closes without opening them.
  let depth = 0;
  let min = 0;
  for (const l of nextCode) {
    for (const c of l) {
      if (c === '(') depth++;
      else if (c === ')') min = Math.min(min, --depth);
    }
  }
  const needed = -min;
  let open = 0;
  while (open < stack.length && stack[stack.length - 1 - open].kind === '(') open++;
  const text: CloseText = { out: '', last, afterInitializer: false };
  if (needed === 0 && open > 0) {
    for (let k = 0; k < open; k++) closeItem(stack.pop() as Item, text);
    if (stack[stack.length - 1]?.kind === '{') terminate(text);
  } else if (needed > open) {
    const extra = needed - open;
    if (open > 0) text.out += '('.repeat(extra);
    else if (stack.length === 0) {
      const name = nameFromSection(nextSection)?.name ?? '__ptelint_bridge';
      text.out += `void ${name}(` + '('.repeat(extra - 1);
    } else text.out += 'if (' + '('.repeat(extra - 1);
    const declarator = stack.length === 0;
    for (let k = 0; k < extra; k++) stack.push(paren(conditional, declarator));
    text.last = '(';
  }
  const flatNext = nextCode.join('\n').trimStart();
  if (/^else\b/.test(flatNext) && text.last === ')') {
    text.out += ';';
    text.last = ';';
  }
  if (nextStartsInComment) text.out += text.out === '' ? '/*' : ' /*';
  return { text: text.out, last: text.out === '' ? undefined : text.last };
}
