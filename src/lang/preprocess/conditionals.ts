import { applyEdits, isSpace, isWordChar, masked, spaces, type Edit, type MaskedText } from './code-mask.js';
import { DEFAULT_PROFILE, type ConfigProfile } from './config-profile.js';

// ---------------------------------------------------------------------------------------------
// Conditional compilation
// ---------------------------------------------------------------------------------------------

/** `undefined`: the evaluator cannot decide (arithmetic on a macro whose value it does not know). */
type Value = number | undefined;

/** The file's own `#define`s seen so far: a value, `null` (defined, value unknown) or `false` (`#undef`). */
type LocalMacros = Map<string, number | null | false>;

interface Frame {
  parentActive: boolean;
  /** Some arm of this conditional has been taken already. */
  taken: boolean;
  active: boolean;
}

class MacroState {
  readonly local: LocalMacros = new Map();
  constructor(private readonly profile: ConfigProfile) {}

  /**
   * Policy for names neither the file nor the profile fixes: an unknown CONFIG_* is enabled (the
   * feature arm is the one mm code analysis needs), except CONFIG_*_MODULE (the profile builds
   * everything in); any other unknown macro is undefined, so `#ifndef _LINUX_FOO_H` guards and
   * `#ifndef arch_foo` generic fallbacks keep their content.
   */
  isDefined(name: string): boolean {
    const local = this.local.get(name);
    if (local !== undefined) return local !== false;
    const fixed = this.profile.symbols[name];
    if (fixed !== undefined) return fixed !== false;
    if (this.profile.unlistedConfig === 'undefined') return false;
    return name.startsWith('CONFIG_') && !name.endsWith('_MODULE');
  }

  /**
   * The value of a bare identifier in `#if`; unknown values cannot be decided. An identifier that
   * is not a macro is 0 in C, which is certain only when the profile is a real configuration.
   */
  valueOf(name: string): Value {
    const local = this.local.get(name);
    if (local !== undefined) return local === null ? undefined : Number(local);
    const fixed = this.profile.symbols[name];
    if (fixed !== undefined) return fixed === null ? undefined : Number(fixed);
    if (this.profile.unlistedConfig === 'undefined' && name.startsWith('CONFIG_')) return 0;
    return undefined;
  }

  /** include/linux/kconfig.h: a `m` symbol is defined as NAME_MODULE, not NAME. */
  kconfig(macro: string, name: string): boolean {
    const builtin = this.isDefined(name);
    const module = this.isDefined(`${name}_MODULE`);
    switch (macro) {
      case 'IS_BUILTIN':
        return builtin;
      case 'IS_MODULE':
        return module;
      case 'IS_REACHABLE': // built in, or a module seen from a module
        return builtin || (module && this.isDefined('MODULE'));
      default: // IS_ENABLED
        return builtin || module;
    }
  }
}

/**
 * Evaluates `#if`/`#ifdef`/`#ifndef`/`#elif`/`#elifdef`/`#elifndef`/`#else`/`#endif` against
 * `profile` and blanks every directive line (with its continuation lines) and every line of an
 * inactive arm. An undecidable condition counts as true, so the first arm is kept.
 */
export function evaluateConditionals(fileText: string, profile: ConfigProfile = DEFAULT_PROFILE): string {
  return applyEdits(fileText, conditionalEdits(masked(fileText), profile));
}

const NEWLINE = 10;
const HASH = 35;
const BACKSLASH = 92;
const RETURN = 13;

/**
 * The blanking of evaluateConditionals as edits, one per run of blanked lines, so that the
 * slicer can carry the code mask on (code-mask.ts `withEdits`). Jumps from `#` to `#` and
 * never touches the lines between two directives, which keep or lose their arm's state whole:
 * evaluateConditionals takes 148 ms over the 831 keyword files of 6.12, lexing included; split
 * into lines, each tested with a regular expression and joined again, 344 ms.
 */
export function conditionalEdits(source: MaskedText, profile: ConfigProfile = DEFAULT_PROFILE): Edit[] {
  const { text, mask } = source;
  const n = text.length;
  const macros = new MacroState(profile);
  const stack: Frame[] = [];
  const edits: Edit[] = [];
  // Whole lines [start, end) are blanked; a run that follows the last one across a newline joins it.
  const blankLines = (start: number, end: number): void => {
    if (end <= start) return;
    const last = edits[edits.length - 1];
    if (last !== undefined && last.end >= start - 1) last.end = end;
    else edits.push({ start, end, head: '' });
  };
  let lineStart = 0; // the first line not handled yet
  for (let hash = text.indexOf('#'); lineStart < n; hash = text.indexOf('#', hash + 1)) {
    const directiveStart = hash < 0 ? n : directiveLineStart(text, mask, hash);
    if (directiveStart < 0) continue;
    const active = stack.length === 0 || stack[stack.length - 1].active;
    if (!active) blankLines(lineStart, directiveStart);
    if (hash < 0) break;
    // A directive runs on while a line ends with a backslash or inside a block comment.
    let code = '';
    let end = directiveStart;
    for (;;) {
      const start = end;
      const newline = text.indexOf('\n', start);
      end = newline < 0 ? n : newline;
      code += codeOf(text, mask, start, end);
      if (newline < 0 || !(endsWithBackslash(text, start, end) || mask[newline] === 0)) break;
      end = newline + 1;
      code = code.endsWith('\\') ? code.slice(0, -1) : code.endsWith('\\\r') ? code.slice(0, -2) : code;
    }
    blankLines(directiveStart, end);
    directive(code, stack, macros);
    lineStart = end + 1;
    if (hash < end) hash = end;
  }
  return edits;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function skipWord(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** The start of the line of the `#` at `hash` if that line is a directive (only whitespace before a code `#`), else -1. */
function directiveLineStart(text: string, mask: Uint8Array, hash: number): number {
  if (mask[hash] === 0) return -1;
  let i = hash;
  while (i > 0 && text.charCodeAt(i - 1) !== NEWLINE) {
    if (!isSpace(text.charCodeAt(i - 1))) return -1;
    i--;
  }
  return i;
}

/** Whether text[start, end) ends with a backslash, or a backslash and a carriage return. */
function endsWithBackslash(text: string, start: number, end: number): boolean {
  const last = end > start ? text.charCodeAt(end - 1) : -1;
  return last === BACKSLASH || (last === RETURN && end - 2 >= start && text.charCodeAt(end - 2) === BACKSLASH);
}

/** text[start, end) with every code unit that is not code (mask 0) a space. */
function codeOf(text: string, mask: Uint8Array, start: number, end: number): string {
  let code = '';
  let i = start;
  while (i < end) {
    let j = i;
    while (j < end && mask[j] === 1) j++;
    if (j > i) code += text.slice(i, j);
    i = j;
    while (j < end && mask[j] === 0) j++;
    if (j > i) code += spaces(j - i);
    i = j;
  }
  return code;
}

function directive(code: string, stack: Frame[], macros: MacroState): void {
  // /^\s*#\s*(\w*)\s*(.*)$/s by character code, for the 41,095 directives of the 831 keyword
  // files of 6.12: with UNTOKENIZABLE, conditionalEdits went from 57 to 43 ms over them.
  let i = skipSpaces(code, 0);
  if (code.charCodeAt(i) !== HASH) return;
  i = skipSpaces(code, i + 1);
  const keywordEnd = skipWord(code, i);
  const keyword = code.slice(i, keywordEnd);
  const restStart = skipSpaces(code, keywordEnd);
  const rest = code.slice(restStart);
  const word = code.slice(restStart, skipWord(code, restStart));
  const top = stack[stack.length - 1];
  const active = top === undefined || top.active;
  const test = (): boolean => {
    switch (keyword) {
      case 'if':
      case 'elif':
        return evaluate(rest, macros) !== 0;
      case 'ifdef':
      case 'elifdef':
        return macros.isDefined(word);
      default: // ifndef, elifndef
        return !macros.isDefined(word);
    }
  };
  switch (keyword) {
    case 'if':
    case 'ifdef':
    case 'ifndef': {
      const cond = active && test();
      stack.push({ parentActive: active, taken: cond, active: cond });
      return;
    }
    case 'elif':
    case 'elifdef':
    case 'elifndef':
      if (top) {
        top.active = top.parentActive && !top.taken && test();
        top.taken ||= top.active;
      }
      return;
    case 'else':
      if (top) {
        top.active = top.parentActive && !top.taken;
        top.taken = true;
      }
      return;
    case 'endif':
      stack.pop();
      return;
    case 'define':
      if (active && word) {
        const body = rest.slice(word.length);
        const value = body.startsWith('(') || body.trim() === '' ? undefined : evaluate(body, macros);
        macros.local.set(word, value ?? null);
      }
      return;
    case 'undef':
      if (active && word) macros.local.set(word, false);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// #if expression evaluator: integers and "unknown", C precedence, short-circuit on known operands.
// ---------------------------------------------------------------------------------------------

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

const TOKEN = /\s*(?:(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*|[A-Za-z_]\w*|&&|\|\||<<|>>|<=|>=|==|!=|[-+*/%<>!~&|^?:(),])/y;

// A character no TOKEN takes: the expression cannot be tokenized (a `#define` body of code, a
// string). Found first, it spares tokenizing many of the 18,597 `#define` bodies of the keyword files.
const UNTOKENIZABLE = /[^\s\w&|<>=!+\-*/%~^?:(),]/;

/** Value of a `#if` expression; `undefined` when it cannot be decided (or does not parse). */
function evaluate(expression: string, macros: MacroState): Value {
  if (UNTOKENIZABLE.test(expression)) return undefined;
  const tokens: string[] = [];
  let scanned = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(expression); m; m = TOKEN.exec(expression)) {
    tokens.push(m[0].trim());
    scanned = TOKEN.lastIndex;
  }
  if (expression.slice(scanned).trim() !== '') return undefined;
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const expect = (t: string): void => {
    if (tokens[pos++] !== t) throw new SyntaxError(`expected ${t}`);
  };
  const identifier = (): string => {
    const t = tokens[pos++];
    if (t === undefined || !/^[A-Za-z_]/.test(t)) throw new SyntaxError('expected identifier');
    return t;
  };
  const truth = (b: boolean): number => (b ? 1 : 0);

  const primary = (): Value => {
    const t = tokens[pos++];
    if (t === undefined) throw new SyntaxError('unexpected end');
    if (t === '(') {
      const v = ternary();
      expect(')');
      return v;
    }
    if (/^\d/.test(t)) {
      const radix = /^0[xX]/.test(t) ? 16 : /^0\d/.test(t) ? 8 : 10;
      return Number.parseInt(t.replace(/[uUlL]+$/, ''), radix);
    }
    if (!/^[A-Za-z_]/.test(t)) throw new SyntaxError(`unexpected ${t}`);
    if (t === 'defined') {
      const paren = peek() === '(';
      if (paren) pos++;
      const name = identifier();
      if (paren) expect(')');
      return truth(macros.isDefined(name));
    }
    if (peek() !== '(') return macros.valueOf(t);
    pos++;
    if (['IS_ENABLED', 'IS_BUILTIN', 'IS_REACHABLE', 'IS_MODULE'].includes(t)) {
      const name = identifier();
      expect(')');
      return truth(macros.kconfig(t, name));
    }
    // Any other function-like macro (`__has_attribute(x)`, ...): skip its arguments, undecidable.
    for (let depth = 1; depth > 0; pos++) {
      if (tokens[pos] === undefined) throw new SyntaxError('unbalanced');
      if (tokens[pos] === '(') depth++;
      else if (tokens[pos] === ')') depth--;
    }
    return undefined;
  };

  const unary = (): Value => {
    const t = peek();
    if (t === '!' || t === '~' || t === '-' || t === '+') {
      pos++;
      const v = unary();
      if (v === undefined) return undefined;
      return t === '!' ? truth(v === 0) : t === '~' ? Number(~BigInt(v)) : t === '-' ? -v : v;
    }
    return primary();
  };

  const binary = (minPrec: number): Value => {
    let left = unary();
    for (;;) {
      const op = peek();
      const prec = op === undefined ? undefined : BINARY[op];
      if (op === undefined || prec === undefined || prec < minPrec) return left;
      pos++;
      const right = binary(prec + 1);
      left = apply(op, left, right);
    }
  };

  const ternary = (): Value => {
    const cond = binary(1);
    if (peek() !== '?') return cond;
    pos++;
    const yes = ternary();
    expect(':');
    const no = ternary();
    return cond === undefined ? (yes === no ? yes : undefined) : cond !== 0 ? yes : no;
  };

  try {
    const v = ternary();
    return pos === tokens.length ? v : undefined;
  } catch {
    return undefined;
  }
}

function apply(op: string, l: Value, r: Value): Value {
  if (op === '&&') return l === 0 || r === 0 ? 0 : l === undefined || r === undefined ? undefined : 1;
  if (op === '||') {
    if ((l !== undefined && l !== 0) || (r !== undefined && r !== 0)) return 1;
    return l === undefined || r === undefined ? undefined : 0;
  }
  if (l === undefined || r === undefined) return undefined;
  switch (op) {
    // Bitwise operators through BigInt: JS `|`/`&`/`^` truncate to 32 bits.
    case '|': return Number(BigInt(l) | BigInt(r));
    case '^': return Number(BigInt(l) ^ BigInt(r));
    case '&': return Number(BigInt(l) & BigInt(r));
    case '==': return Number(l === r);
    case '!=': return Number(l !== r);
    case '<': return Number(l < r);
    case '>': return Number(l > r);
    case '<=': return Number(l <= r);
    case '>=': return Number(l >= r);
    // Shifts in #if are on 64-bit values (`1UL << 40`); 32-bit JS shifts would wrap.
    case '<<': return l * 2 ** r;
    case '>>': return Math.floor(l / 2 ** r);
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return r === 0 ? undefined : Math.trunc(l / r);
    default: return r === 0 ? undefined : l % r; // '%'
  }
}
