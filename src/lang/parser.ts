// tree-sitter-c setup: one shared parser, and the "did this parse cleanly" probe that marks a
// function `incomplete` (docs/architecture.md). Trees come out lowered to plain JavaScript
// (syntax-tree.ts): the analyses never touch tree-sitter's native nodes.

import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { lowerTree, type SyntaxNode, type SyntaxTree } from './syntax-tree.js';

// The one name analyses and rules import for a syntax node.
export type { SyntaxNode } from './syntax-tree.js';
export type Tree = SyntaxTree;

export interface ParseProblem {
  /** 0-based, as tree-sitter reports them. */
  row: number;
  column: number;
  kind: 'ERROR' | 'MISSING';
  /**
   * ERROR: the start of the skipped text (its first line, at most 80 characters);
   * MISSING: the token tree-sitter inserted.
   */
  text: string;
}

// setLanguage() would first build one JavaScript class per node type (typed field getters, each
// compiled with new Function: 20 to 50 ms, a tenth of a mail's run) unless the language has its
// classes already. Nodes are read through a TreeCursor and lowered, so the plain SyntaxNode, whose
// getters ask the native node, serves every type (type ids are 16-bit).
(C as { nodeSubclasses?: unknown[] }).nodeSubclasses ??= new Array<unknown>(0x10000).fill((Parser as unknown as { SyntaxNode: unknown }).SyntaxNode);
const parser = new Parser();
parser.setLanguage(C);

// Older node-tree-sitter releases throw on long strings passed directly, and 0.25 serves a string
// by slicing off its whole remainder at every read; bounded chunks through the callback form parse
// texts of any size without either problem.
const CHUNK = 16 * 1024;

/** Parses C text. Rows and columns of the tree are those of `text` (columns in UTF-16 units). */
export function parseC(text: string): Tree {
  return lowerTree(parseNative(text), text);
}

/** tree-sitter's own tree of `text` (for lowering, and for the test that compares both). */
export function parseNative(text: string): Parser.Tree {
  return parser.parse((index: number) => {
    let end = index + CHUNK;
    // Do not split a surrogate pair across two chunks.
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end++;
    return text.slice(index, end);
  });
}

/** The first ERROR or MISSING node in document order under `node`, or undefined for a clean parse. */
export function firstParseProblem(node: SyntaxNode): ParseProblem | undefined {
  if (node.isMissing) return problem(node, 'MISSING', node.type);
  if (node.isError) return problem(node, 'ERROR', node.text.split('\n', 1)[0].slice(0, 80));
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    const found = firstParseProblem(child);
    if (found) return found;
  }
  return undefined;
}

function problem(node: SyntaxNode, kind: ParseProblem['kind'], text: string): ParseProblem {
  return { row: node.startPosition.row, column: node.startPosition.column, kind, text };
}
