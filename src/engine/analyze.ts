// One source unit (file text) -> findings. Functions are located textually and parsed one at a
// time (docs/architecture.md): one bad macro cannot swallow the rest of the file, and a function
// with none of the enabled rules' keywords is never parsed at all.

import { createHash } from 'node:crypto';
import type { Finding, Incomplete } from '../finding.js';
import { extractFunctions, type SourceFunction } from '../lang/slice.js';
import type { ConfigProfile } from '../lang/preprocess/config-profile.js';
import { firstParseProblem, parseNative, type SyntaxNode } from '../lang/parser.js';
import { lowerTree } from '../lang/syntax-tree.js';
import { buildFunctionFacts, type FileFacts, type FunctionFacts } from '../analysis/facts.js';
import { isPageTablePrimitive } from '../analysis/kernel-api.js';
import { carryCalls, type CarryKind } from '../analysis/carry-calls.js';
import { NEWEST_KERNEL, type KernelVersion } from '../kernel-version.js';
import type { Rule, SeenFact } from './define-rule.js';
import { defaultRules } from './registry.js';
import { scannerFor } from './keyword-scanner.js';

export interface AnalyzeOptions {
  rules?: Rule[];
  kernelVersion?: KernelVersion;
  /** Skip functions without any rule keyword (default true). */
  prefilter?: boolean;
  /** Analyze only the functions with these names (patch mode: the functions a patch touches). */
  onlyFunctions?: ReadonlySet<string>;
  /**
   * The text is rebuilt from patch hunks (patch mode without a tree): functions are only partly
   * visible, so they are analyzed even with parse errors left, and rules assume that what they
   * cannot see (the installer at the end of the function) is there. Findings are `partial`.
   */
  partial?: boolean;
  /**
   * With `partial`: is this line of the text real (from the patch) rather than filler? A function
   * whose every line is real (a patch that adds or rewrites it whole) is analyzed as complete.
   */
  visibleLine?: (line: number) => boolean;
  /** Legacy-architecture semantics (--legacy-arch): *_mkdirty() may set the write bit. */
  legacyArch?: boolean;
  /** Also list each analyzed function's carry statements (patch mode from hunks: hunk-carries.ts). */
  collectCarries?: boolean;
  /** The configuration `#if`s are evaluated with (default: the x86_64 profile). */
  profile?: ConfigProfile;
  /** Also list each analyzed function's rule facts (RuleMeta.hunkFacts; patch mode: hunk-facts.ts). */
  collectFacts?: boolean;
  /** Per-function limits (defaults: FUNCTION_BUDGET); a function over one is listed as incomplete. */
  budget?: Partial<FunctionBudget>;
}

/** A rule fact found in an analyzed function (RuleMeta.hunkFacts). */
export interface FoundFact extends SeenFact {
  rule: string;
  function: string;
}

/**
 * What one function may cost. `maxNodes` (syntax nodes of the function) is checked before any
 * analysis and is deterministic: the largest function of 6.12 mm/ (do_swap_page) has about 3,000.
 * `maxMs` is a safety net against a super-linear step nobody has found yet, checked between the
 * analysis steps (facts, then each rule): it depends on the machine, so no real function should
 * come near it, and a function that hits it loses all its findings (none are half-reported).
 */
export interface FunctionBudget {
  maxNodes: number;
  maxMs: number;
}

export const FUNCTION_BUDGET: FunctionBudget = { maxNodes: 50_000, maxMs: 5_000 };

/** A carry statement found in an analyzed function (src/analysis/carry-calls.ts). */
export interface FoundCarry {
  function: string;
  kind: CarryKind;
  line: number;
  column: number;
  call: string;
  guard: string;
  /** The whitespace-folded statement, for fingerprints. */
  statement: string;
}

export interface FoundBatchPolicy {
  function: string;
  respectsWrite: boolean;
  respectsSoftDirty: boolean;
  /** The batch builder call (folio_pte_batch_flags()), and its text. */
  line: number;
  builder: string;
}

export interface AnalyzeResult {
  findings: Finding[];
  incomplete: Incomplete[];
  /** Functions found in the text (analyzed, skipped by the keyword prefilter, or incomplete). */
  functions: number;
  /** Functions analyzed (or reported incomplete); with the prefilter off, all of them. */
  analyzed: number;
  /** Names of all functions found, in file order (for the corpus accounting test). */
  functionNames: string[];
  /** With `collectCarries`: the carry statements of the analyzed functions. */
  carries: FoundCarry[];
  /** With `collectFacts`: the rule facts of the analyzed functions. */
  facts: FoundFact[];
  /**
   * Per finding fingerprint: rule, function, message id and the reported call, without the
   * statement. delta.ts pairs findings of a rewrite by it (a flagged expression moved into a
   * declaration keeps its key, not its fingerprint).
   */
  rewriteKeys: Map<string, string>;
  /** With `collectCarries`: the batch policy of each analyzed function that sizes a batch. */
  batchPolicies: FoundBatchPolicy[];
}

/**
 * Does the text contain any of the rules' keywords? Cheap test before any parsing (one pass of
 * the rules' keyword automaton, src/engine/keyword-scanner.ts).
 */
export function mentionsAnyKeyword(text: string, rules: Rule[]): boolean {
  return scannerFor(rules).inText(text);
}

export function analyzeText(file: string, text: string, options: AnalyzeOptions = {}): AnalyzeResult {
  const rules = options.rules ?? defaultRules();
  const version = options.kernelVersion ?? NEWEST_KERNEL;
  const prefilter = options.prefilter ?? true;
  const result: AnalyzeResult = { findings: [], incomplete: [], functions: 0, analyzed: 0, functionNames: [], carries: [], facts: [], rewriteKeys: new Map(), batchPolicies: [] };
  const functions = extractFunctions(text, options.profile);
  result.functions = functions.length;
  result.functionNames = functions.map((f) => f.name);
  const visible = options.visibleLine;
  const budget: FunctionBudget = { ...FUNCTION_BUDGET, ...options.budget };
  const units = new FileUnits(functions, version, (fn) => (options.partial ?? false) && !(visible && allLinesVisible(fn, visible)), budget.maxNodes);
  const rawLines = text.split('\n');

  for (const fn of functions) {
    if (options.onlyFunctions && !options.onlyFunctions.has(fn.name)) continue;
    if (prefilter && !mentionsAnyKeyword(fn.text, rules)) continue;
    result.analyzed++;
    // Decided without parsing: boot-time code holds no user entry transition.
    if (isBootTimeCode(rawLines, fn)) continue;
    // Definitions of the primitives themselves (6.1 arm64 set_huge_pte_at()) are summarised in
    // kernel-api.ts and checked at their callers.
    if (isPageTablePrimitive(fn.name)) continue;
    const started = performance.now();
    const overTime = (): boolean => performance.now() - started > budget.maxMs;
    const findingsBefore = result.findings.length;
    const carriesBefore = result.carries.length;
    const parsed = units.parse(fn);
    if ('problem' in parsed) {
      result.incomplete.push({ file, function: fn.name, line: parsed.line, reason: parsed.problem });
      continue;
    }
    const facts = parsed.facts;
    if (options.collectCarries) {
      for (const c of carryCalls(facts)) {
        result.carries.push({
          function: fn.name, kind: c.kind, line: fn.startLine + c.node.startPosition.row, column: c.node.startPosition.column + 1,
          call: c.name, guard: c.guard, statement: normalizedStatement(c.node),
        });
      }
    }
    if (options.collectFacts) {
      for (const rule of rules) {
        for (const f of rule.meta.hunkFacts?.collect(facts, options.legacyArch ?? false) ?? []) {
          result.facts.push({
            rule: rule.meta.id, function: fn.name, key: f.key, line: fn.startLine + f.node.startPosition.row,
            lastLine: fn.startLine + f.node.endPosition.row,
            data: f.data ?? {}, statement: normalizedStatement(f.node),
          });
        }
      }
    }
    if (options.collectCarries) {
      const policy = facts.ownBatchPolicy(new Set([fn.name]));
      if (policy?.where) {
        const call = policy.where;
        result.batchPolicies.push({
          function: fn.name, respectsWrite: policy.respectsWrite, respectsSoftDirty: policy.respectsSoftDirty,
          line: fn.startLine + call.startPosition.row, builder: call.childForFieldName('function')?.text ?? call.text,
        });
      }
    }
    const occurrences = new Map<string, number>();
    for (const rule of rules) {
      rule.check({
        facts,
        version,
        legacyArch: options.legacyArch ?? false,
        lineOf: (node) => fn.startLine + node.startPosition.row,
        report: (d) => {
          const template = (rule.meta.messages as Record<string, string>)[d.messageId];
          const message = fillPlaceholders(template, d.data ?? {});
          const statement = normalizedStatement(d.node);
          const key = `${rule.meta.id}\0${file}\0${fn.name}\0${statement}`;
          const n = occurrences.get(key) ?? 0;
          occurrences.set(key, n + 1);
          const fingerprint = fingerprintOf(`${key}\0${n}`);
          result.rewriteKeys.set(fingerprint, [rule.meta.id, fn.name, d.messageId, keyCallOf(d.node)].join('\0'));
          result.findings.push({
            rule: rule.meta.id,
            severity: rule.meta.severity,
            file,
            line: fn.startLine + d.node.startPosition.row,
            column: d.node.startPosition.column + 1,
            function: fn.name,
            message,
            help: d.help ?? rule.meta.docs.fix,
            fingerprint,
          });
        },
      });
      if (overTime()) break;
    }
    if (overTime()) {
      result.findings.length = findingsBefore;
      result.carries.length = carriesBefore;
      result.incomplete.push({ file, function: fn.name, line: fn.nameLine, reason: `analysis exceeded the time budget of ${budget.maxMs} ms` });
    }
  }
  return result;
}

/** Deepest syntax tree analyzed; kernel functions stay far below it (the deepest of 6.12 mm/, copy_hugetlb_page_range(), nests 25). */
const MAX_SYNTAX_DEPTH = 400;

/** Parses functions on demand and keeps their facts, so rules can ask for same-file helpers. */
class FileUnits implements FileFacts {
  private readonly byName = new Map<string, SourceFunction>();
  private readonly parsed = new Map<SourceFunction, { facts: FunctionFacts } | { problem: string; line: number }>();
  private readonly callers = new Map<string, FunctionFacts[]>();

  constructor(
    functions: SourceFunction[],
    private readonly version: KernelVersion,
    private readonly partialOf: (fn: SourceFunction) => boolean,
    private readonly maxNodes: number,
  ) {
    // The first definition wins: duplicates under #ifdef were already resolved by the profile.
    for (const f of functions) if (!this.byName.has(f.name)) this.byName.set(f.name, f);
  }

  helper(name: string): FunctionFacts | undefined {
    const fn = this.byName.get(name);
    if (!fn) return undefined;
    const p = this.parse(fn);
    return 'facts' in p ? p.facts : undefined;
  }

  callersOf(name: string): FunctionFacts[] {
    let out = this.callers.get(name);
    if (!out) {
      // A textual call is cheap to find; only those functions are parsed.
      const call = new RegExp(`\\b${name.replace(/[^\w]/g, '')}\\s*\\(`);
      out = [];
      for (const fn of this.byName.values()) {
        if (fn.name === name || !call.test(fn.text)) continue;
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
    const partial = this.partialOf(fn);
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

/**
 * __init / __meminit functions run once at boot, before any user page table exists: the page-table
 * self-tests of mm/debug_vm_pgtable.c build and install entries on purpose, and no transition of a
 * user entry happens there.
 */
function allLinesVisible(fn: SourceFunction, visible: (line: number) => boolean): boolean {
  for (let line = fn.startLine; line <= fn.endLine; line++) if (!visible(line)) return false;
  return true;
}

function isBootTimeCode(rawLines: string[], fn: SourceFunction): boolean {
  const header = rawLines.slice(fn.startLine - 1, fn.nameLine).join('\n');
  return /\b__(init|meminit|ref)\b/.test(header);
}

/** The 16-hex-digit fingerprint of a finding's identity key (rule, file, function, statement, ...). */
export function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** A rule message with its {{placeholders}} filled (unknown ones left as written). */
export function fillPlaceholders(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => (k in data ? String(data[k]) : `{{${k}}}`));
}

/** The statement around a node, whitespace-folded: what the fingerprint survives line shifts with. */
/** The call a finding is about: the reported call, else the first call inside the reported node. */
function keyCallOf(node: SyntaxNode): string {
  const call = node.type === 'call_expression' ? node : node.descendantsOfType('call_expression')[0];
  return (call?.childForFieldName('function')?.text ?? node.text).replace(/\s+/g, '');
}

function normalizedStatement(node: SyntaxNode): string {
  let cur: SyntaxNode | null = node;
  while (cur && !/(_statement|declaration)$/.test(cur.type)) cur = cur.parent;
  const text = (cur && cur.type !== 'compound_statement' ? cur : node).text;
  // Only the first line of compound statements (if/while headers) so edits inside them do not count.
  const head = cur && /^(if|while|for|switch|do)_statement$/.test(cur.type) ? node.text : text;
  return head.replace(/\s+/g, ' ').trim();
}
