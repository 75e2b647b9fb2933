// Makes the hunks of a partial image parseable (docs/architecture.md, "Without a tree"). A hunk rarely shows
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

import { GAP_CALL } from '../../gap-call.js';
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
  /** Indices of the segments joined to the one before across a gap of hidden lines (stitched). */
  stitched: Set<number>;
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
      const planned = plan(slots, current);
      const trailing = Math.max(1, planned.closer.length);
      if (hunk.first - current.last - 1 < trailing + 1) {
        current.last = Math.max(current.last, hunk.last);
        current.segments.push(hunk);
        continue;
      }
      // A later hunk of the function the fragment leaves open: one body, the hidden lines between
      // them a gap (the 2026 lazyfree restore fix's batched unmap: the clear and the restores ~90 lines apart).
      if (planned.openFunction !== undefined && continuesFunction(slots, planned.openFunction, hunk)) {
        current.stitched.add(current.segments.length);
        current.last = Math.max(current.last, hunk.last);
        current.segments.push(hunk);
        continue;
      }
    }
    fragments.push({ first: hunk.first, last: hunk.last, hunkIndex: hunk.hunkIndex, segments: [hunk], stitched: new Set() });
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
      const parameters = parameterList(section.slice(pattern.lastIndex));
      return { name: token, head: `void ${token}(${parameters ?? 'void'})` };
    }
  }
  return undefined;
}

/**
 * The parameters a section shows, from the text after the function's name (`(struct vm_area_struct
 * *dst_vma, pte_t *src_pte)`): the whole list when the section holds it, else the parameters
 * complete before the cut (git cuts the section at 80 columns) followed by `...`; their names
 * decide which rules apply (a `dst_vma`, an `orig_pte`). Undefined when no parameter is complete.
 */
function parameterList(rest: string): string | undefined {
  const open = rest.indexOf('(');
  if (open < 0) return undefined;
  let depth = 0;
  let lastComma = -1;
  for (let i = open; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      const inside = rest.slice(open + 1, i).trim();
      return inside === '' ? undefined : inside;
    } else if (c === ',' && depth === 1) lastComma = i;
  }
  if (lastComma < 0) return undefined;
  return `${rest.slice(open + 1, lastComma).trim()}, ...`;
}

/**
 * A section whose function name git cut short (`static unsigned int folio_unmap_p`, the last
 * identifier of an 80-column section with no `(` after it): rewritten with the one name of
 * `names` (the functions the patch shows) that the cut name begins. Other sections are returned
 * as they are.
 */
export function resolveTruncatedSection(section: string, names: ReadonlySet<string>): string {
  if (section.includes('(') || /[;:{=,]\s*$/.test(section)) return section;
  const cut = /(?:^|[\s*])([A-Za-z_]\w*)$/.exec(section)?.[1];
  if (cut === undefined || NOT_A_NAME.has(cut)) return section;
  const candidates = [...names].filter((n) => n.length > cut.length && n.startsWith(cut));
  if (candidates.length !== 1) return section;
  return `${section}${candidates[0].slice(cut.length)}(`;
}

/** Names followed by `(` anywhere in these lines: the functions a patch shows (defined or called). */
export function namesShown(lines: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const line of lines) {
    for (const m of line.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) if (!NOT_A_NAME.has(m[1])) out.add(m[1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Planning one fragment
// ---------------------------------------------------------------------------------------------

interface Plan {
  header?: string;
  /** 1-based gap line -> bridge text. */
  bridges: Map<number, string>;
  closer: string[];
  /** The function whose body is still open where the fragment ends, when it is one. */
  openFunction?: string;
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
  /** A `{` opened at file scope after a definition's header: the function's name. */
  functionName?: string;
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

/** A fragment's lines as the scanner leaves them. Indices are 0-based lines of the fragment. */
interface ScannedFragment {
  /** The lines as they are, and as code (comments, strings and character constants blanked). */
  lines: string[];
  code: string[];
  /** `code` joined by newlines: the text the character walk's offsets index. */
  flat: string;
  /** How many of the fragment's conditionals are open at each line. */
  conditionalDepth: number[];
  /** Per segment: it starts inside a comment it does not open itself. */
  startsInComment: boolean[];
  /** Stitched segments whose part before ends inside a comment (the gap closes it first). */
  endsInComment: Set<number>;
  /** The scanner's state after the last line: an open comment, the conditionals left open. */
  end: ScanState;
  /** Leading whitespace stripped by a mail archive: column 0 says nothing about file scope. */
  mangled: boolean;
}

/** Where the header puts the fragment's first line. */
interface StartDepth {
  /** Blocks the header opens (0: the fragment starts at file scope). */
  levels: number;
  /** Parentheses the header opens. */
  openParens: number;
  /** With later parts stitched on: the first part's block depth by its indentation, when it tells. */
  firstDepth?: number;
  /** Block depth the header gives minus the depth the first part's indentation says. */
  depthOffset: number;
}

type OuterKind = 'function' | 'struct' | 'initializer';

function plan(slots: string[], fragment: Fragment): Plan {
  const scanned = scanFragment(slots, fragment);
  const start = startDepth(fragment, scanned);
  const walk = new FragmentWalk(fragment, scanned, start).run();
  const { header, name, outerKind } = planHeader(fragment, scanned, start, walk.levelEnds);
  const closer = planCloser(walk.stack, walk.last, scanned.end, outerKind);
  const outermost = walk.stack[0];
  let openFunction: string | undefined;
  // A fragment of comments only says nothing about where it is.
  if (outermost?.kind === '{' && scanned.flat.trim() !== '') {
    openFunction = outermost.level === 1 ? (outerKind === 'function' ? name.name : undefined) : outermost.functionName;
  }
  return { header, bridges: walk.bridges, closer, openFunction };
}

/** Scans the fragment hunk by hunk: each may start inside a comment of its own. */
function scanFragment(slots: string[], fragment: Fragment): ScannedFragment {
  const first = fragment.first;
  const count = fragment.last - first + 1;
  const lines: string[] = [];
  for (let line = first; line <= fragment.last; line++) lines.push(slots[line - 1] ?? '');
  const code: string[] = new Array<string>(count).fill('');
  const conditionalDepth: number[] = new Array<number>(count).fill(0);
  const startsInComment: boolean[] = [];
  const endsInComment = new Set<number>();
  let state: ScanState = { inComment: false, conditionals: [] };
  for (const [index, segment] of fragment.segments.entries()) {
    if (fragment.stitched.has(index)) {
      if (state.inComment) endsInComment.add(index);
      state = { inComment: false, conditionals: state.conditionals };
    }
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
  return { lines, code, flat: code.join('\n'), conditionalDepth, startsInComment, endsInComment, end: state, mangled: isMangled(lines) };
}

/**
 * 0-based fragment lines [from, to] of the stitched part that starts at segment `start`: the run
 * of segments up to the next one stitched on across hidden lines.
 */
function partLines(fragment: Fragment, start: number): [number, number] {
  const later = [...fragment.stitched].filter((s) => s > start);
  const end = later.length === 0 ? fragment.segments.length : Math.min(...later);
  return [fragment.segments[start].first - fragment.first, fragment.segments[end - 1].last - fragment.first];
}

/**
 * Pass 1: how many blocks and parentheses are open where the fragment starts (the first part
 * decides; later parts are placed by their indentation, relative to the first).
 */
function startDepth(fragment: Fragment, scanned: ScannedFragment): StartDepth {
  const { code, lines, mangled } = scanned;
  const firstSegmentEnd = fragment.segments[0].last - fragment.first;
  const firstPartEnd = partLines(fragment, 0)[1];
  let braces = 0;
  let minBraces = 0;
  let parens = 0;
  let minParens = 0;
  // The depth a column-0 brace says the fragment starts at: its first such brace decides.
  let constraint: number | undefined;
  for (let li = 0; li <= firstPartEnd; li++) {
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
  const atFileStart = fragment.first === 1;
  // With later parts stitched on, the first part's indentation says how deep it starts: the
  // later parts are placed relative to it, so the header opens at least that many blocks.
  const firstDepth =
    mangled || fragment.segments.length === 1
      ? undefined
      : estimateStartDepth(lines.slice(0, firstPartEnd + 1), code.slice(0, firstPartEnd + 1), scanned.startsInComment[0]);
  let levels: number;
  if (atFileStart) levels = 0;
  else if (constraint !== undefined) levels = Math.max(constraint, -minBraces, 0);
  else levels = Math.max(1 + Math.max(0, -minBraces), fragment.stitched.size > 0 ? (firstDepth ?? 0) : 0);
  return {
    levels,
    openParens: atFileStart ? 0 : -minParens,
    firstDepth,
    depthOffset: firstDepth === undefined ? 0 : levels - firstDepth,
  };
}

/**
 * Pass 2, character by character: which header level each unmatched `}` closes and what follows
 * it, the bridges over hidden lines, and what is still open at the end.
 */
class FragmentWalk {
  readonly stack: Item[] = [];
  readonly levelEnds = new Map<number, LevelEnd>();
  /** 1-based gap line -> bridge text. */
  readonly bridges = new Map<number, string>();
  /** The last character of code (or of a bridge) met. */
  last: string | undefined;

  constructor(
    private readonly fragment: Fragment,
    private readonly scanned: ScannedFragment,
    private readonly start: StartDepth,
  ) {
    for (let level = 1; level <= start.levels; level++) this.stack.push(block({ level }));
    // At file scope, a hunk that closes a parenthesis it did not open starts inside a parameter list.
    for (let k = 0; k < start.openParens; k++) this.stack.push(paren(0, start.levels === 0));
  }

  run(): this {
    const { segments, first } = this.fragment;
    const { code, conditionalDepth } = this.scanned;
    let offset = 0;
    let segmentIndex = 0;
    for (let li = 0; li < code.length; li++) {
      const l = code[li];
      const next = segments[segmentIndex + 1];
      if (next !== undefined && li === segments[segmentIndex].last - first + 1) {
        if (this.fragment.stitched.has(segmentIndex + 1)) this.gap(li, segmentIndex + 1);
        else if (li < next.first - first) this.bridge(li, segmentIndex + 1);
      }
      if (next !== undefined && li === next.first - first) segmentIndex++;
      for (let i = 0; i < l.length; i++, offset++) {
        const c = l[i];
        if (c === ' ' || c === '\t') continue;
        this.character(c, offset, conditionalDepth[li], segments[segmentIndex].section);
        this.last = c;
      }
      offset++; // the newline
    }
    return this;
  }

  /**
   * The first hidden line of a gap inside one function, before segment `segment`: an opaque
   * statement, blocks placed for the next part's indentation.
   */
  private gap(li: number, segment: number): void {
    const { lines, code, startsInComment, mangled, conditionalDepth, endsInComment } = this.scanned;
    const [from, to] = partLines(this.fragment, segment);
    const depthOffset = mangled ? undefined : this.start.depthOffset;
    const gap = planGap(this.stack, this.last, lines.slice(from, to + 1), code.slice(from, to + 1), startsInComment[segment], depthOffset, conditionalDepth[li], endsInComment.has(segment));
    this.bridges.set(this.fragment.first + li, gap.text);
    this.last = gap.last;
  }

  /** The first hidden line after a hunk, with the hunk `segment` of the fragment to come. */
  private bridge(li: number, segment: number): void {
    const { segments, first } = this.fragment;
    const { lines, code, startsInComment, conditionalDepth } = this.scanned;
    const next = segments[segment];
    const nextCode = code.slice(next.first - first, next.last - first + 1);
    const bridge = planBridge(this.stack, this.last, nextCode, startsInComment[segment], next.section, conditionalDepth[li]);
    // The hidden lines may open blocks (`if (..) {`): the next hunk's indentation says how many.
    const bottom = this.stack[0];
    const outer = bottom?.kind === '{' ? (bottom.level === 1 ? nameFromSection(segments[0].section)?.name : bottom.functionName) : undefined;
    const inFunction = outer !== undefined && nameFromSection(next.section)?.name === outer;
    const opened =
      this.start.firstDepth === undefined || !inFunction
        ? 0
        : hiddenBlocks(this.stack, lines.slice(next.first - first, next.last - first + 1), nextCode, this.start.depthOffset);
    for (let k = 0; k < opened; k++) {
      bridge.text += `${bridge.text === '' ? '' : ' '}if (${GAP_CALL}()) {`;
      bridge.last = '{';
      this.stack.push(block({ conditional: conditionalDepth[li] }));
    }
    if (bridge.text !== '') {
      this.bridges.set(first + li, bridge.text);
      this.last = bridge.last ?? this.last;
    }
  }

  /** One non-blank character of code at `offset` in the flat text. */
  private character(c: string, offset: number, conditional: number, section: string): void {
    const { stack } = this;
    const flat = this.scanned.flat;
    const top = stack[stack.length - 1];
    if (c === '{') {
      const initializer = this.last === '=' || ((this.last === ',' || this.last === '{') && top?.initializer === true);
      const before = flat.slice(Math.max(0, offset - 128), offset);
      const typeBody = /\b(?:struct|union|enum)(?:\s+[A-Za-z_]\w*)?\s*$/.test(before);
      const opensDefinition = stack.length === 0 && !initializer && !typeBody;
      stack.push(
        block({
          initializer,
          doBody: /\bdo\s*$/.test(before),
          typeBody,
          conditional,
          functionName: opensDefinition ? definitionName(flat.slice(Math.max(0, offset - 512), offset), section) : undefined,
        }),
      );
    } else if (c === '(') {
      const before = flat.slice(Math.max(0, offset - 128), offset);
      stack.push(paren(conditional, top === undefined || (top.kind === '{' && DECLARATOR_BEFORE.test(before))));
    } else if (c === ')') {
      if (top?.kind === '(') stack.pop();
    } else if (c === ';') {
      if (top?.kind === '{') top.sawSemicolon = true;
    } else if (c === '}') {
      while (stack.length > 0 && stack[stack.length - 1].kind === '(') stack.pop();
      const closed = stack.pop();
      if (closed?.level !== undefined) this.levelEnds.set(closed.level, levelEnd(flat.slice(offset + 1), closed));
    }
  }
}

/** What follows the `}` that closes a header level (`after`: the text after it). */
function levelEnd(after: string, closed: Item): LevelEnd {
  return {
    elseAfter: /^\s*else\b/.test(after),
    // `} name;` or `} __packed name;`: names apart by blanks. Each name of the loop must
    // end in a blank, or `}xxxx…` (a 20,000-byte line) splits into names 2^n ways.
    semicolonAfter: /^[ \t]*(?:[A-Za-z_]\w*[ \t]+)*(?:[A-Za-z_]\w*[ \t]*)?;/.test(after),
    sawSemicolon: closed.sawSemicolon,
  };
}

/** The synthetic header line: what the levels and parentheses open at the fragment's start. */
function planHeader(
  fragment: Fragment,
  scanned: ScannedFragment,
  { levels, openParens }: StartDepth,
  levelEnds: Map<number, LevelEnd>,
): { header?: string; name: SyntheticName; outerKind: OuterKind } {
  const { flat, code, startsInComment, mangled } = scanned;
  const section = fragment.segments[0].section;
  const fallback = `__ptelint_fragment_${fragment.hunkIndex}`;
  const name = nameFromSection(section) ?? { name: fallback, head: `void ${fallback}(void)` };
  const firstCode = flat.search(/\S/);
  const start = firstCode >= 0 ? flat.slice(firstCode) : '';
  const outerKind = outerKindOf(levelEnds.get(1), start, levels);
  const parts: string[] = [];
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
  const firstLine = code.find((l) => l.trim() !== '') ?? '';
  const atFileScope = levels === 0 && openParens === 0 && !startsInComment[0];
  // At file scope, a definition whose return type is on the line above the hunk (`static struct
  // page *` / `__rmqueue(struct zone *zone, ..`): the header line stands for that type.
  if (atFileScope && /^[A-Za-z_]\w*\s*\(/.test(firstLine)) parts.push('void');
  // A hunk that starts at a definition's `{` (its header above, in the section): the header line
  // stands for the definition's header.
  if (atFileScope && !mangled && /^\{/.test(firstLine) && nameFromSection(section)) parts.push(name.head);
  if (startsInComment[0]) parts.push('/*');
  return { header: parts.length > 0 ? parts.join(' ') : undefined, name, outerKind };
}

/**
 * What the outermost header level is: a struct or an initializer when the `}` closing it is
 * followed by `;` (members end with `;`, an initializer's do not), an initializer when the
 * fragment starts with a `.field =` or `[index] =` designator, else a function body.
 */
function outerKindOf(outer: LevelEnd | undefined, start: string, levels: number): OuterKind {
  if (outer?.semicolonAfter) return outer.sawSemicolon ? 'struct' : 'initializer';
  const designated = /^(?:\.\s*[A-Za-z_]\w*|\[[^\]\n]*\])\s*=/.test(start);
  return designated && levels === 1 && outer === undefined ? 'initializer' : 'function';
}

/** The closing text, innermost first, `#endif` lines interleaved. */
function planCloser(stack: Item[], last: string | undefined, end: ScanState, outerKind: OuterKind): string[] {
  const closer: string[] = [];
  const text: CloseText = { out: end.inComment ? '*/' : '', last, afterInitializer: false };
  let depth = end.conditionals.length;
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
    closeItem(item, text, item.level === 1 && outerKind !== 'function' ? 'outer-initializer' : undefined);
  }
  for (; depth > 0; depth--) {
    flush();
    closer.push('#endif');
  }
  // At file scope: a trailing declarator (`static int foo(int a)` cut before its body) becomes a declaration.
  const fileScope = stack.length === 0 || stack[0].kind === '(';
  if (fileScope && text.last !== undefined && /[\w)\]]/.test(text.last)) text.out += ';';
  flush();
  return closer;
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

// ---------------------------------------------------------------------------------------------
// Stitching the hunks of one function
// ---------------------------------------------------------------------------------------------

/**
 * Some mail archives strip leading whitespace: when no line is indented and some line is
 * plainly not at file scope (a statement keyword or `} else` at column 0, or the one space a
 * stripped changed line keeps), column 0 says nothing about file scope.
 */
function isMangled(lines: string[]): boolean {
  return (
    !lines.some((l) => /^(\t| {2})/.test(l) && l.trim() !== '') &&
    lines.some((l) => /^(?:(?:if|else|return|for|while|switch|case|break|continue|goto|do)\b|\}\s*else\b| [^ *\t])/.test(l))
  );
}

/** Indentation level of a line: tabs to the next multiple of 8 columns, 8 columns a level. */
function indentLevel(line: string): number {
  let column = 0;
  for (const c of line) {
    if (c === '\t') column = column - (column % 8) + 8;
    else if (c === ' ') column++;
    else break;
  }
  return Math.floor(column / 8);
}

/**
 * The block depth at the first line of `raw` (the kernel's style: a statement at depth d is
 * indented d tabs, a `}` closing a block at depth d sits at d - 1), estimated from the lines that
 * start a statement or a `}`; the least estimate wins, since continuation lines are indented
 * further. Labels, `case` and preprocessor lines say nothing. Undefined when no line tells.
 */
export function estimateStartDepth(raw: string[], code: string[], startsInComment = false): number | undefined {
  let relative = 0;
  // After a comment the hunk starts in, the first code line starts a statement.
  let previousEnd: string | undefined = startsInComment ? ';' : undefined;
  let best: number | undefined;
  for (let k = 0; k < code.length; k++) {
    const c = code[k].trim();
    if (c === '') continue;
    const label = /^(?:case\b|default\s*:|[A-Za-z_]\w*\s*:(?!:))/.test(c);
    if (!label) {
      let estimate: number | undefined;
      if (c.startsWith('}')) estimate = indentLevel(raw[k] ?? '') + 1 - relative;
      // A `{` on a line of its own sits at the depth of its statement (column 0: a definition's body).
      else if (c.startsWith('{')) estimate = indentLevel(raw[k] ?? '') - relative;
      else if (previousEnd !== undefined && ';{}:'.includes(previousEnd)) estimate = indentLevel(raw[k] ?? '') - relative;
      if (estimate !== undefined) best = best === undefined ? estimate : Math.min(best, estimate);
    }
    for (const ch of c) {
      if (ch === '{') relative++;
      else if (ch === '}') relative--;
    }
    previousEnd = c[c.length - 1];
  }
  return best;
}

/**
 * The name a definition header defines (`static int foo(int a)\n`), from the text before its `{`;
 * a hunk that starts at the `{` has its header in the section.
 */
function definitionName(before: string, section: string): string | undefined {
  const cut = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}'));
  const header = before.slice(cut + 1).trim();
  if (header === '' && cut < 0) return nameFromSection(section)?.name;
  if (!/\)\s*$/.test(header)) return undefined;
  return nameFromSection(header)?.name;
}

/**
 * Does `hunk` continue the function `name` that an earlier fragment leaves open? Its section must
 * name that function (git names a hunk by the last definition line above it), and its lines must
 * not sit at file scope by their indentation (after the function's end, before the next definition).
 */
function continuesFunction(slots: string[], name: string, hunk: FragmentHunk): boolean {
  if (nameFromSection(hunk.section)?.name !== name) return false;
  const raw = slots.slice(hunk.first - 1, hunk.last);
  if (isMangled(raw)) return true;
  const text = raw.join('\n');
  const trial = scanCode(text, { inComment: false, conditionals: [] });
  const inComment = trial.firstCommentToken === '*/' || looksLikeCommentContinuation(text);
  const code = inComment ? scanCode(text, { inComment: true, conditionals: [] }).code : trial.code;
  const depth = estimateStartDepth(raw, code, inComment);
  return depth === undefined || depth >= 1;
}

/**
 * Blocks the few hidden lines between two close hunks must have opened for the next hunk to sit
 * at the depth its indentation says (relative to the fragment's first part); 0 when the next hunk
 * starts with `else` or inside an expression, or indentation says nothing.
 */
function hiddenBlocks(stack: Item[], nextRaw: string[], nextCode: string[], depthOffset: number): number {
  if (stack.length === 0 || stack[stack.length - 1].kind !== '{') return 0;
  if (/^else\b/.test(nextCode.join('\n').trimStart())) return 0;
  const estimate = estimateStartDepth(nextRaw, nextCode);
  if (estimate === undefined) return 0;
  return Math.max(0, estimate + depthOffset - stack.filter((i) => i.kind === '{').length);
}

/**
 * The first hidden line of a gap between two parts of one function: what the part before leaves
 * open inside a statement is closed, an opaque `__ptelint_gap();` stands for the hidden
 * statements, and blocks are closed or opened (as `if (__ptelint_gap()) {`, a condition nothing is
 * known about) until the depth is the one the next part's indentation says (`depthOffset` maps
 * indentation to depth; undefined when indentation says nothing). Parentheses the next part closes
 * without opening them are opened, as between close hunks.
 */
function planGap(
  stack: Item[],
  last: string | undefined,
  nextRaw: string[],
  nextCode: string[],
  nextStartsInComment: boolean,
  depthOffset: number | undefined,
  conditional: number,
  afterComment: boolean,
): { text: string; last: string } {
  const text: CloseText = { out: afterComment ? '*/' : '', last, afterInitializer: false };
  while (stack.length > 0 && stack[stack.length - 1].kind === '(') closeItem(stack.pop() as Item, text);
  if (stack.length > 0) terminate(text);
  let depth = stack.filter((i) => i.kind === '{').length;
  let braces = 0;
  let minBraces = 0;
  let parens = 0;
  let minParens = 0;
  for (const l of nextCode) {
    for (const c of l) {
      if (c === '{') braces++;
      else if (c === '}') minBraces = Math.min(minBraces, --braces);
      else if (c === '(') parens++;
      else if (c === ')') minParens = Math.min(minParens, --parens);
    }
  }
  const estimate = depthOffset === undefined ? undefined : estimateStartDepth(nextRaw, nextCode, nextStartsInComment);
  // The next part closes the function only where it shows the function's closing `}` at column 0.
  const closesFunction = depthOffset !== undefined && nextRaw.some((l) => l.startsWith('}'));
  const target = Math.max(estimate === undefined || depthOffset === undefined ? depth : estimate + depthOffset, -minBraces + (closesFunction ? 0 : 1), 1);
  const statement = ` ${GAP_CALL}();`;
  text.out += statement;
  // Below the function body, the block the next part sits in may not be the one the part before
  // left open at that depth (the hidden lines may close it and open another): it is a block of its
  // own, under a condition nothing is known about.
  const keep = Math.max(1, Math.min(depth, target - 1));
  if (depth > keep) {
    while (depth > keep && stack.length > 0) {
      const item = stack.pop() as Item;
      text.last = ';';
      closeItem(item, text);
      if (item.kind === '{') depth--;
    }
    text.out += statement;
  }
  for (; depth < target; depth++) {
    text.out += ` if (${GAP_CALL}()) {${statement}`;
    stack.push(block({ conditional }));
  }
  const flatNext = nextCode.join('\n').trimStart();
  // A next part that starts with `else` continues an `if` the gap hides.
  if (/^else\b/.test(flatNext)) text.out += ` if (${GAP_CALL}())${statement}`;
  text.last = ';';
  if (-minParens > 0) {
    text.out += ' if (' + '('.repeat(-minParens - 1);
    for (let k = 0; k < -minParens; k++) stack.push(paren(conditional));
    text.last = '(';
  }
  if (nextStartsInComment) text.out += ' /*';
  return { text: text.out.trimStart(), last: text.last };
}
