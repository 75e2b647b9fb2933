// The syntax tree the analyses read: tree-sitter's tree of one function, lowered once into plain
// JavaScript objects by a single TreeCursor walk. Every property of a native node is a call into
// the binding that unmarshals a fresh node object, and the function model, guards, value flow and
// the rules each walk the tree again: on a whole kernel tree half of the analysis time was spent in
// those accessors. A lowered node answers from fields, and the native tree is dropped at once.
//
// SyntaxNode implements exactly the part of tree-sitter's SyntaxNode API that src/ and rules/ use,
// with the same meaning (text spans and positions in UTF-16 units of the parsed text).

import type Parser from 'tree-sitter';
import C from 'tree-sitter-c';

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

/** The child lists of a token: nothing writes a lowered node's lists, and one array per token was a tenth of lowering's garbage. */
const NO_NODES: SyntaxNode[] = Object.freeze([]) as unknown as SyntaxNode[];

export class SyntaxNode {
  readonly id = nextId++;
  namedChildren: SyntaxNode[] = NO_NODES;
  hasError = false;

  constructor(
    private readonly source: Source,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** The field this node fills in its parent (`condition`, `body`, ...), or null. */
    readonly fieldName: string | null,
    /** Set by lowering only (a clean tree's spans are known after the node's children). */
    public startIndex: number,
    public endIndex: number,
    readonly parent: SyntaxNode | null,
    /** Set by lowering only (a clean tree's lists are built when the node is closed). */
    public children: SyntaxNode[],
  ) {}

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get text(): string {
    return this.source.text.slice(this.startIndex, this.endIndex);
  }

  // Computed at each ask, not kept: findings and parse problems ask a few nodes, and two more
  // fields on each of 200,000 nodes (6.12 mm/) were more garbage than all the asks cost.
  get startPosition(): Point {
    return this.source.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.pointAt(this.endIndex);
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
  // One call for the whole tree; a tree with an ERROR or MISSING node (none of 6.12 mm/'s 748
  // parsed functions) is read node by node, where the spans of a clean tree are mostly derived.
  return tree.rootNode.hasError ? lowerAsking(tree, text) : lowerClean(tree, text);
}

/** Every property asked of the cursor at every node: a tree with parse errors. */
function lowerAsking(tree: Parser.Tree, text: string): SyntaxTree {
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
      [],
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

// What tree-sitter-c's grammar says of a node type, so that a clean tree is read with fewer calls
// (test/lang/syntax-tree.test.ts checks these against the grammar's grammar.json).
// Types whose nodes never have a field child (node-types.json lists every field a type's children
// can fill, hidden rules' included): `argument_list`, `compound_statement` ... parent half the nodes.
const typesWithFields = new Set(C.nodeTypeInfo.filter((t) => 'fields' in t && Object.keys(t.fields).length > 0).map((t) => t.type));
// The identifier regex's tokens (the last three are aliases of `identifier`): a maximal run of
// XID_Continue characters, `$` and `\u` escapes; never a parent.
const identifierTypes = new Set(['identifier', 'field_identifier', 'type_identifier', 'statement_identifier']);
// The directives that end in a hidden token (`token.immediate(/\r?\n/)`, in no other rule): their
// span goes past their last child.
const endsPastChildren = (type: string): boolean => type.startsWith('preproc_');
const hasFields: boolean[] = [];
const isIdentifier: boolean[] = [];
const asksEnd: boolean[] = [];

/**
 * A tree without parse errors, asking the cursor only what its shape does not tell. A node spans
 * its first to its last child (a clean tree has no empty inner node). An anonymous node is a token
 * (tree-sitter-c aliases only tokens to anonymous names) whose text is its type when it starts with
 * it: a string token is exactly its type, and the only pattern tokens shown anonymously are
 * `#[ \t]*include` and its kin, aliased `#include` ... . An identifier is its run of ASCII word
 * characters when the run ends on ASCII. Between two tokens of a clean tree there are only the
 * grammar's blanks (`\s`, backslash-newline, the directives' hidden newline): comments are nodes.
 * So a token starts after the blanks that follow the token before it, and its span is asked of the
 * cursor whenever the text there is not what its type says. A field is asked only under a type
 * that has fields. Calls per node fall from 6.3 to 3.3 (6.12 mm/'s 748 functions): lowering them
 * took 0.20 s with every span asked, 0.12 s so (lowering alone, warm).
 */
function lowerClean(tree: Parser.Tree, text: string): SyntaxTree {
  const source = new Source(text);
  const cursor = tree.walk();
  let tokenEnd = 0;
  // By level, of the open node there: may its children fill a field? Does its span go past its children?
  const fieldsBelow: boolean[] = [];
  const endAsked: boolean[] = [];
  // The children of the open nodes, each node's from firstChild[its level] on: an exact-size list
  // is cut when the node closes. Pushing into a list per node grows each to 17 slots: the 748
  // lowered trees of 6.12 mm/ held 46 MB so, 39 MB with cut lists (60 MB before any of this).
  const pending: SyntaxNode[] = [];
  const firstChild: number[] = [];

  // Lowers the node under the cursor; a token's span is known (and set) at once, in document order.
  const open = (parent: SyntaxNode | null, level: number): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    const type = (typeNames[typeId] ??= cursor.nodeType);
    const named = (namedTypes[typeId] ??= cursor.nodeIsNamed);
    const fieldId = parent !== null && fieldsBelow[level - 1] ? cursor.currentFieldId : 0;
    const token = !named || (isIdentifier[typeId] ??= identifierTypes.has(type));
    const node = new SyntaxNode(
      source,
      type,
      named,
      false,
      fieldId ? (fieldNames[fieldId] ??= cursor.currentFieldName) : null,
      0,
      0,
      parent,
      token ? NO_NODES : [],
    );
    if (parent) pending.push(node);
    if (!token) {
      firstChild[level] = pending.length;
      fieldsBelow[level] = hasFields[typeId] ??= typesWithFields.has(type);
      // The root also spans the blanks after its last child.
      endAsked[level] = parent === null || (asksEnd[typeId] ??= endsPastChildren(type));
    } else {
      const start = afterBlanks(text, tokenEnd);
      const end = named ? identifierEnd(text, start) : startsPrintable(type) && text.startsWith(type, start) ? start + type.length : -1;
      if (end > start) {
        node.startIndex = start;
        node.endIndex = tokenEnd = end;
      } else {
        node.startIndex = cursor.startIndex;
        node.endIndex = tokenEnd = cursor.endIndex;
      }
    }
    return node;
  };
  // After the node's children, the cursor back on it.
  const close = (node: SyntaxNode, level: number): void => {
    if (node.children === NO_NODES) return;
    const first = firstChild[level];
    if (pending.length === first) {
      node.startIndex = cursor.startIndex;
      node.endIndex = tokenEnd = cursor.endIndex;
      return;
    }
    const children = (node.children = pending.slice(first));
    pending.length = first;
    node.startIndex = children[0].startIndex;
    node.endIndex = endAsked[level] ? cursor.endIndex : children[children.length - 1].endIndex;
    let named = 0;
    for (const c of children) if (c.isNamed) named++;
    // Two lists of the same nodes would be one more array per inner node for nothing.
    node.namedChildren = named === children.length ? children : named === 0 ? NO_NODES : children.filter((c) => c.isNamed);
  };

  const root = open(null, 0);
  let current = root;
  let level = 0;
  let depth = 0;
  walk: for (;;) {
    if (current.children !== NO_NODES && cursor.gotoFirstChild()) {
      if (++level > depth) depth = level;
      current = open(current, level);
      continue;
    }
    for (;;) {
      close(current, level);
      if (current !== root && cursor.gotoNextSibling()) {
        current = open(current.parent, level);
        continue walk;
      }
      if (current === root || !cursor.gotoParent()) break walk;
      level--;
      current = current.parent!;
    }
  }
  return { rootNode: root, depth };
}

/** A type that cannot be the text of a blank: its first character is printable ASCII other than a backslash. */
function startsPrintable(type: string): boolean {
  const c = type.charCodeAt(0);
  return c > 0x20 && c < 0x7f && c !== 0x5c;
}

/** The index of the first character at or after `i` that is not a blank between tokens of a clean tree. */
function afterBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) i++;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a) i += 3;
    else return i;
  }
}

/** The end of the identifier starting at `i` when it is all ASCII, else -1 (a non-ASCII letter or a `\u` escape may go on). */
function identifierEnd(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (!(isWordStart(c) || c === 0x24)) return -1;
  let end = i + 1;
  for (c = text.charCodeAt(end); isWordStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x24; c = text.charCodeAt(++end));
  return c >= 0x80 || c === 0x5c ? -1 : end;
}

function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
