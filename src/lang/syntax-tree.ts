// The syntax tree the analyses read: tree-sitter's tree of one function, lowered once into plain
// JavaScript objects by a single TreeCursor walk. Every property of a native node is a call into
// the binding that unmarshals a fresh node object, and the function model, guards, value flow and
// the rules each walk the tree again: on a whole kernel tree half of the analysis time was spent in
// those accessors. A lowered node answers from fields, and the native tree is dropped at once.
//
// SyntaxNode implements exactly the part of tree-sitter's SyntaxNode API that src/ and rules/ use,
// with the same meaning (text spans and positions in UTF-16 units of the parsed text).

import type Parser from 'tree-sitter';

export interface Point {
  row: number;
  column: number;
}

/** What the nodes of one lowered tree share: the text they are spans of, and its line starts. */
class Source {
  private lineStarts?: Int32Array;
  constructor(readonly text: string) {}

  pointAt(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }
}

function lineStartsOf(text: string): Int32Array {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return Int32Array.from(starts);
}

// Unique across trees, as the native node ids (addresses) are: analyses key maps by id.
let nextId = 1;

export class SyntaxNode {
  readonly id = nextId++;
  readonly children: SyntaxNode[] = [];
  namedChildren: SyntaxNode[] = [];
  hasError = false;
  private start?: Point;
  private end?: Point;

  constructor(
    private readonly source: Source,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** The field this node fills in its parent (`condition`, `body`, ...), or null. */
    readonly fieldName: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly parent: SyntaxNode | null,
  ) {}

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return (this.start ??= this.source.pointAt(this.startIndex));
  }

  get endPosition(): Point {
    return (this.end ??= this.source.pointAt(this.endIndex));
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  /** The first child filling `field`, as tree-sitter's childForFieldName. */
  childForFieldName(field: string): SyntaxNode | null {
    for (const c of this.children) if (c.fieldName === field) return c;
    return null;
  }

  /** This node and its descendants of the given type(s), in document order (tree-sitter's descendantsOfType). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const found: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (wanted.includes(n.type)) found.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return found;
  }
}

export interface SyntaxTree {
  rootNode: SyntaxNode;
  /** Levels below the root of the deepest node (the recursive analyses need a bound on it). */
  depth: number;
}

// Node types and field names repeat in every function: one string each, not one per node, and
// asked of the binding by number (a native string per node costs more than the rest of the walk).
// Each cursor property is a call into the binding, so what follows from the type is asked once per
// type: whether a node is named is its (alias) symbol's metadata in tree-sitter (ts_node_is_named),
// and only a zero-width node can be MISSING (error recovery inserts it without text).
const typeNames: string[] = [];
const namedTypes: boolean[] = [];
const fieldNames: string[] = [];

/** Lowers a native tree of `text` in one cursor walk. The native tree is not referenced afterwards. */
export function lowerTree(tree: Parser.Tree, text: string): SyntaxTree {
  const source = new Source(text);
  const cursor = tree.walk();
  const make = (parent: SyntaxNode | null): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    const fieldId = cursor.currentFieldId;
    const startIndex = cursor.startIndex;
    const endIndex = cursor.endIndex;
    const node = new SyntaxNode(
      source,
      (typeNames[typeId] ??= cursor.nodeType),
      (namedTypes[typeId] ??= cursor.nodeIsNamed),
      startIndex === endIndex && cursor.nodeIsMissing,
      fieldId ? (fieldNames[fieldId] ??= cursor.currentFieldName) : null,
      startIndex,
      endIndex,
      parent,
    );
    parent?.children.push(node);
    return node;
  };
  const finish = (node: SyntaxNode): void => {
    node.namedChildren = node.children.filter((c) => c.isNamed);
    node.hasError = node.isError || node.isMissing || node.children.some((c) => c.hasError);
  };
  const root = make(null);
  let current = root;
  let level = 0;
  let depth = 0;
  walk: for (;;) {
    if (cursor.gotoFirstChild()) {
      current = make(current);
      if (++level > depth) depth = level;
      continue;
    }
    for (;;) {
      finish(current);
      if (current !== root && cursor.gotoNextSibling()) {
        current = make(current.parent);
        continue walk;
      }
      if (current === root || !cursor.gotoParent()) break walk;
      level--;
      current = current.parent!;
    }
  }
  return { rootNode: root, depth };
}
