import { applyEdits, isDigit, isWordChar, masked, matchParen, nextCode, prevCode, type Edit, type MaskedText } from './code-mask.js';

// ---------------------------------------------------------------------------------------------
// Iterator macros
// ---------------------------------------------------------------------------------------------

// `list_for_each_entry(pos, head, member) {` expands to a for-header; tree-sitter sees a call
// and then a block, with a MISSING `;` between (__collapse_huge_page_isolate). `scoped_guard`
// is a for-header too (6.12 shrink_huge_zero_page_scan), and so is the interval-tree spelling
// `vma_interval_tree_foreach(..) {` (unmap_ref_private, rmap_walk_file), and page_alloc.c's
// `for_next_zone_zonelist_nodemask(..) {` (get_page_from_freelist).
const ITERATOR = /^(?:\w*for_?each\w*|for_\w+|\w*while_each\w*|scoped_guard|scoped_cond_guard)$/;

const LOOP_HEAD = 'for (;;)';
const DO_TAIL = 'while (0)';

/**
 * Rewrites iterator macros used as loop headers to `for (;;)`, and the `} MACRO(args);` tail of a
 * `do { } MACRO(args);` loop (6.12 show_smaps_rollup: `} for_each_vma(vmi, vma);`) to
 * `} while (0);`, padded with spaces to the same extent.
 */
export function rewriteIteratorMacros(text: string): string {
  return applyEdits(text, iteratorEdits(masked(text)));
}

// Every name ITERATOR matches holds one of these: only the words around them are tried.
const ITERATOR_PART = /for|while_each|scoped_/g;

/**
 * The edits of rewriteIteratorMacros, for a text whose code mask is known. Visits only the words
 * that hold a part of an iterator's name: rewriteIteratorMacros takes 85 ms over the 28,647
 * definitions of the 831 keyword files of 6.12, lexing included; matching every word, 273 ms.
 */
export function iteratorEdits(source: MaskedText): Edit[] {
  const { text, mask } = source;
  const edits: Edit[] = [];
  const part = new RegExp(ITERATOR_PART);
  let m: RegExpExecArray | null;
  while ((m = part.exec(text))) {
    // The word of /[A-Za-z_]\w*/ around the part: its run of word characters from the first non-digit.
    let start = m.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    while (isDigit(text.charCodeAt(start))) start++;
    let wordEnd = m.index + m[0].length;
    while (wordEnd < text.length && isWordChar(text.charCodeAt(wordEnd))) wordEnd++;
    part.lastIndex = wordEnd;
    if (mask[start] === 0 || !ITERATOR.test(text.slice(start, wordEnd))) continue;
    const open = nextCode(text, mask, wordEnd);
    if (text[open] !== '(') continue;
    const end = matchParen(text, mask, open);
    if (end < 0) continue;
    const before = prevCode(text, mask, start);
    const after = nextCode(text, mask, end);
    let head: string;
    if (text[after] === ';') {
      if (!(text[before] === '}' && closesDoBody(text, mask, before))) continue;
      head = DO_TAIL;
    } else if (atStatementStart(text, before)) {
      head = LOOP_HEAD;
    } else {
      continue;
    }
    const newline = text.indexOf('\n', start);
    if (newline >= 0 && newline < start + head.length) continue;
    edits.push({ start, end, head });
    part.lastIndex = end;
  }
  return edits;
}

/** Whether the code character at `before` (-1: none) ends what may precede a statement. */
function atStatementStart(text: string, before: number): boolean {
  if (before < 0 || ';{}):'.includes(text[before])) return true;
  // `else list_for_each_entry(..)`, `do for_each_..(..)`
  return /(?:^|\W)(?:else|do)$/.test(text.slice(Math.max(0, before - 4), before + 1));
}

/** Whether the `}` at `close` ends the body of a `do` statement. */
function closesDoBody(text: string, mask: Uint8Array, close: number): boolean {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (mask[i] === 0) continue;
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && --depth === 0) {
      const k = prevCode(text, mask, i);
      return k >= 1 && text.slice(k - 1, k + 1) === 'do' && !/\w/.test(text[k - 2] ?? '');
    }
  }
  return false;
}
