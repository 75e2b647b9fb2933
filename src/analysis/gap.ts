// The hidden lines of a function rebuilt from patch hunks (src/input/images/fragment.ts): between
// two hunks of one function the rebuilt body holds one opaque `__ptelint_gap();` statement (and
// `if (__ptelint_gap()) {` where the hidden lines open a block). Anything may happen there: any
// local may be redefined, an entry may be cleared, write-protected or installed, a condition
// tested. The value flow gives every variable a possible definition of unknown value at each gap
// (it does not kill the visible definitions: the gap may as well leave the variable alone), and
// rules ask `FunctionFacts.gapBetween()` / `mayInstallAfter()` for the rest; what depends on a gap
// is unknown, never proof either way.

import type { SyntaxNode } from '../lang/parser.js';
import type { Call } from './function-model.js';
import { GAP_CALL } from '../gap-call.js';

/** The operator of a definition a gap may make (src/analysis/value-flow.ts). */
export const GAP_DEFINITION = '?=';

export function isGapCall(call: Call): boolean {
  return call.name === GAP_CALL;
}

/** Is this node the gap call, or a statement or condition made of it? */
export function isGapNode(node: SyntaxNode): boolean {
  return node.text.replace(/[\s();]/g, '') === GAP_CALL;
}
