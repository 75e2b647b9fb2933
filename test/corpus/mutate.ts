// In-memory mutation of one function of a real kernel file (test/corpus/mutations.test.ts).
// The kernel text is read at test time and never stored in the repository; an edit is an exact
// string replacement that must match exactly once inside the named function, so that a kernel
// change which moves or rewrites the snippet fails loudly instead of making a test pass vacuously.
// The function is located textually, independently of the engine's slicer: the line that names it
// (`name(` at column 0 or after the return type), then its column-0 `{`, then the column-0 `}`.

export interface FunctionSpan {
  name: string;
  /** Offset of the first character of the line that names the function. */
  start: number;
  /** Offset just past the closing column-0 `}`. */
  end: number;
  /** 1-based line of the name. */
  line: number;
}

export interface Mutation {
  /** The whole edited file. */
  text: string;
  /** The function in the edited file. */
  fn: FunctionSpan;
  /** Offset of the edit (start of the replacement) in `text`. */
  offset: number;
  /** Length of the replacement. */
  length: number;
  /** 1-based file line where the edit starts. */
  line: number;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The single definition of `name` in `text`. A header line starts at column 0 (not a comment, not
 * a preprocessor line) and contains `name(` at its start or after the return type; it is a
 * definition when a line that is exactly `{` follows before any line ending in `;` (a prototype).
 * The body ends at the first following line that is exactly `}`.
 */
export function locateFunction(text: string, name: string): FunctionSpan {
  const header = new RegExp(`^(?![\\s#/*])(?:[^;(){}=]*[\\s*])?${escapeRegExp(name)}\\s*\\(`);
  const lines = text.split('\n');
  const offsets: number[] = [];
  let off = 0;
  for (const l of lines) {
    offsets.push(off);
    off += l.length + 1;
  }
  const found: FunctionSpan[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!header.test(lines[i])) continue;
    let open = -1;
    for (let j = i; j < lines.length && j < i + 12; j++) {
      if (lines[j] === '{') {
        open = j;
        break;
      }
      if (/;\s*$/.test(lines[j]) || /^}/.test(lines[j])) break;
    }
    if (open < 0) continue;
    let close = -1;
    for (let j = open + 1; j < lines.length; j++) {
      if (lines[j] === '}') {
        close = j;
        break;
      }
    }
    if (close < 0) throw new Error(`${name}: no column-0 '}' after the '{' on line ${open + 1}`);
    found.push({ name, start: offsets[i], end: offsets[close] + 1, line: i + 1 });
  }
  if (found.length !== 1) {
    throw new Error(
      `${name}: expected exactly one definition, found ${found.length}` +
        (found.length ? ` (lines ${found.map((f) => f.line).join(', ')})` : ''),
    );
  }
  return found[0];
}

function occurrences(haystack: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) at.push(i);
  return at;
}

/**
 * Replace `find` by `replace` inside function `name`. Throws unless `find` occurs exactly once in
 * the function's text.
 */
export function mutateFunction(text: string, name: string, find: string, replace: string): Mutation {
  if (find.length === 0) throw new Error(`${name}: empty snippet`);
  const fn = locateFunction(text, name);
  const body = text.slice(fn.start, fn.end);
  const at = occurrences(body, find);
  if (at.length !== 1) {
    throw new Error(
      `${name} (line ${fn.line}): snippet ${JSON.stringify(find)} must occur exactly once in the function, ` +
        `found ${at.length} times — has the kernel source changed?`,
    );
  }
  const offset = fn.start + at[0];
  const edited = text.slice(0, offset) + replace + text.slice(offset + find.length);
  const newFn: FunctionSpan = { ...fn, end: fn.end - find.length + replace.length };
  return { text: edited, fn: newFn, offset, length: replace.length, line: lineAt(edited, offset) };
}

/**
 * The 1-based line of the nearest `needle` to the edit, inside the edited function: the first one
 * starting at or after the edit (`forward`), or the last one starting before it (`backward`).
 * Throws if there is none, so an expectation can never silently point elsewhere.
 */
export function lineNear(m: Mutation, needle: string, direction: 'forward' | 'backward' = 'forward'): number {
  let at: number;
  if (direction === 'forward') {
    at = m.text.indexOf(needle, m.offset);
    if (at >= m.fn.end) at = -1;
  } else {
    at = m.text.lastIndexOf(needle, m.offset - 1);
    if (at < m.fn.start) at = -1;
  }
  if (at < 0) throw new Error(`${m.fn.name}: no ${JSON.stringify(needle)} ${direction} of the edit on line ${m.line}`);
  return lineAt(m.text, at);
}
