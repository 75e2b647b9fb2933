// The parse cache of one file: each function is parsed (and its facts built) at most once, on
// demand, whether the engine analyses it or a rule asks for it as a same-file helper or caller.

import { mayHoldWords, type SourceFunction } from '../lang/slice.js';
import { firstParseProblem, parseNative } from '../lang/parser.js';
import { lowerTree } from '../lang/syntax-tree.js';
import { buildFunctionFacts, type FileFacts, type FunctionFacts } from '../analysis/facts.js';
import type { KernelVersion } from '../kernel-version.js';

/** Deepest syntax tree analyzed; kernel functions stay far below it (the deepest of 6.12 mm/, copy_hugetlb_page_range(), nests 25). */
const MAX_SYNTAX_DEPTH = 400;

/** Parses functions on demand and keeps their facts, so rules can ask for same-file helpers. */
export class FileUnits implements FileFacts {
  private readonly byName = new Map<string, SourceFunction>();
  private readonly parsed = new Map<SourceFunction, { facts: FunctionFacts } | { problem: string; line: number }>();
  private readonly callers = new Map<string, FunctionFacts[]>();

  constructor(
    functions: SourceFunction[],
    private readonly version: KernelVersion,
    /** Is the function only partly visible (patch mode: rebuilt from hunks)? Then parse errors are tolerated. */
    private readonly partlyVisible: (fn: SourceFunction) => boolean,
    private readonly maxNodes: number,
  ) {
    // The first definition wins: duplicates under #ifdef were already resolved by the profile.
    for (const f of functions) if (!this.byName.has(f.name)) this.byName.set(f.name, f);
  }

  helper(name: string, mentioning?: ReadonlySet<string>): FunctionFacts | undefined {
    const fn = this.byName.get(name);
    if (!fn) return undefined;
    if (mentioning && !this.mentions(fn, mentioning)) return undefined;
    const p = this.parse(fn);
    return 'facts' in p ? p.facts : undefined;
  }

  // By word list, then function: a helper is asked for at each of its call sites.
  private readonly mentioned = new Map<ReadonlySet<string>, Map<SourceFunction, boolean>>();

  private mentions(fn: SourceFunction, words: ReadonlySet<string>): boolean {
    let byFunction = this.mentioned.get(words);
    if (!byFunction) this.mentioned.set(words, (byFunction = new Map()));
    let found = byFunction.get(fn);
    if (found === undefined) byFunction.set(fn, (found = mayHoldWords(fn, (text) => mentionsAny(text, words))));
    return found;
  }

  callersOf(name: string): FunctionFacts[] {
    let out = this.callers.get(name);
    if (!out) {
      // A textual call is cheap to find; only those functions are parsed.
      const callee = name.replace(/[^\w]/g, '');
      const call = new RegExp(`\\b${callee}\\s*\\(`);
      out = [];
      for (const fn of this.byName.values()) {
        if (fn.name === name || !mayHoldWords(fn, (text) => text.includes(callee)) || !call.test(fn.text)) continue;
        const p = this.parse(fn);
        if ('facts' in p) out.push(p.facts);
      }
      this.callers.set(name, out);
    }
    return out;
  }

  parse(fn: SourceFunction): { facts: FunctionFacts } | { problem: string; line: number } {
    const cached = this.parsed.get(fn);
    if (cached) return cached;
    // Counted on tree-sitter's own tree, before lowering: a function over the budget (a generated
    // 100,000-line one) is never turned into plain nodes, which would take hundreds of MB.
    const native = parseNative(fn.text);
    const nodes = native.rootNode.descendantCount;
    if (nodes > this.maxNodes) {
      const out = { problem: `function too large to analyze: ${nodes} syntax nodes (budget ${this.maxNodes})`, line: fn.nameLine };
      this.parsed.set(fn, out);
      return out;
    }
    const tree = lowerTree(native, fn.text);
    const root = tree.rootNode;
    const partial = this.partlyVisible(fn);
    // The analyses walk the tree recursively: a function nested deeper than this (generated code,
    // 10,000 `{`) would overflow the stack, so it is reported incomplete instead.
    if (tree.depth > MAX_SYNTAX_DEPTH) {
      const out = { problem: `nested ${tree.depth} syntax levels deep, more than the ${MAX_SYNTAX_DEPTH} analyzed`, line: fn.nameLine };
      this.parsed.set(fn, out);
      return out;
    }
    const problem = partial ? undefined : firstParseProblem(root);
    let out: { facts: FunctionFacts } | { problem: string; line: number };
    const def = root.namedChildren.find((c) => c.type === 'function_definition') ?? root.descendantsOfType('function_definition')[0];
    if (problem) {
      const what = problem.kind === 'MISSING' ? `missing '${problem.text}'` : `cannot parse '${problem.text.trim()}'`;
      out = { problem: `parse error at line ${fn.startLine + problem.row}: ${what}`, line: fn.nameLine };
    } else if (!def) {
      out = { problem: 'no function definition recognised in the sliced text', line: fn.nameLine };
    } else {
      const facts = buildFunctionFacts(def, this.version, this, partial);
      out = facts ? { facts } : { problem: 'function has no body', line: fn.nameLine };
    }
    this.parsed.set(fn, out);
    return out;
  }
}

function mentionsAny(text: string, words: ReadonlySet<string>): boolean {
  for (const w of words) if (text.includes(w)) return true;
  return false;
}
