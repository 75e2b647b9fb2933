// One source unit (file text) -> findings. Functions are located textually and parsed one at a
// time (docs/architecture.md): one bad macro cannot swallow the rest of the file, and a function with none of the
// enabled rules' keywords is never parsed at all. The jobs around the rules are modules of their
// own: prefilter.ts (keywords), domain-skips.ts, parse-cache.ts, function-budget.ts,
// finding-factory.ts (message, help, fingerprint).

import type { Finding, Incomplete } from '../finding.js';
import { extractFunctions, mayHoldWords, type SourceFunction } from '../lang/slice.js';
import type { ConfigProfile } from '../lang/preprocess/config-profile.js';
import type { FunctionFacts } from '../analysis/facts.js';
import { NEWEST_KERNEL, type KernelVersion } from '../kernel-version.js';
import type { Rule } from './define-rule.js';
import { defaultRules } from './registry.js';
import { mentionsAnyKeyword } from './prefilter.js';
import { outsideDomain } from './domain-skips.js';
import { FileUnits } from './parse-cache.js';
import { FUNCTION_BUDGET, type FunctionBudget } from './function-budget.js';
import { buildFinding } from './finding-factory.js';
import { keyCallOf, normalizedStatement } from './fingerprint.js';

export { FUNCTION_BUDGET, type FunctionBudget } from './function-budget.js';

export interface AnalyzeOptions {
  rules?: Rule[];
  kernelVersion?: KernelVersion;
  /** Skip functions without any rule keyword (default true). */
  prefilter?: boolean;
  /** Analyze only the functions with these names (patch mode: the functions a patch touches). */
  onlyFunctions?: ReadonlySet<string>;
  /** The text's functions, when the caller has sliced it already (default: sliced here). */
  functions?: SourceFunction[];
  /**
   * Is this function only partly visible (patch mode: text rebuilt from hunks)? Such a function
   * is analyzed even with parse errors left, and rules assume that what they cannot see (the
   * installer at the end of the function) is there. Default: none is.
   */
  partlyVisible?: (fn: SourceFunction) => boolean;
  /** Legacy-architecture semantics (--legacy-arch): *_mkdirty() may set the write bit. */
  legacyArch?: boolean;
  /** The configuration `#if`s are evaluated with (default: the x86_64 profile). */
  profile?: ConfigProfile;
  /** Per-function limits (defaults: FUNCTION_BUDGET); a function over one is listed as incomplete. */
  budget?: Partial<FunctionBudget>;
  /**
   * Called with each function analyzed within its budget and its facts, after the rules (patch
   * mode collects what its checks from hunks compare: patch-mode/hunk-evidence.ts).
   */
  onAnalyzed?(fn: SourceFunction, facts: FunctionFacts): void;
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
  /**
   * Per finding fingerprint: rule, function, message id and the reported call, without the
   * statement. Patch mode pairs findings of a rewrite by it (a flagged expression moved into a
   * declaration keeps its key, not its fingerprint).
   */
  rewriteKeys: Map<string, string>;
}

export function analyzeText(file: string, text: string, options: AnalyzeOptions = {}): AnalyzeResult {
  const rules = options.rules ?? defaultRules();
  const version = options.kernelVersion ?? NEWEST_KERNEL;
  const prefilter = options.prefilter ?? true;
  const result: AnalyzeResult = { findings: [], incomplete: [], functions: 0, analyzed: 0, functionNames: [], rewriteKeys: new Map() };
  const functions = options.functions ?? extractFunctions(text, options.profile);
  result.functions = functions.length;
  result.functionNames = functions.map((f) => f.name);
  const budget: FunctionBudget = { ...FUNCTION_BUDGET, ...options.budget };
  const units = new FileUnits(functions, version, options.partlyVisible ?? (() => false), budget.maxNodes);
  const rawLines = text.split('\n');

  for (const fn of functions) {
    if (options.onlyFunctions && !options.onlyFunctions.has(fn.name)) continue;
    if (prefilter && !mayHoldWords(fn, (text) => mentionsAnyKeyword(text, rules))) continue;
    result.analyzed++;
    if (outsideDomain(rawLines, fn)) continue;
    const started = performance.now();
    const overTime = (): boolean => performance.now() - started > budget.maxMs;
    const findingsBefore = result.findings.length;
    const parsed = units.parse(fn);
    if ('problem' in parsed) {
      result.incomplete.push({ file, function: fn.name, line: parsed.line, reason: parsed.problem });
      continue;
    }
    const facts = parsed.facts;
    const occurrences = new Map<string, number>();
    for (const rule of rules) {
      rule.check({
        facts,
        version,
        legacyArch: options.legacyArch ?? false,
        lineOf: (node) => fn.startLine + node.startPosition.row,
        report: (d) => {
          const statement = normalizedStatement(d.node);
          const key = `${rule.meta.id}\0${file}\0${fn.name}\0${statement}`;
          const n = occurrences.get(key) ?? 0;
          occurrences.set(key, n + 1);
          const finding = buildFinding({
            rule, messageId: d.messageId, data: d.data ?? {}, help: d.help,
            file, function: fn.name, line: fn.startLine + d.node.startPosition.row, column: d.node.startPosition.column + 1,
            identity: `${statement}\0${n}`,
          });
          result.rewriteKeys.set(finding.fingerprint, [rule.meta.id, fn.name, d.messageId, keyCallOf(d.node)].join('\0'));
          result.findings.push(finding);
        },
      });
      if (overTime()) break;
    }
    if (overTime()) {
      result.findings.length = findingsBefore;
      result.incomplete.push({ file, function: fn.name, line: fn.nameLine, reason: `analysis exceeded the time budget of ${budget.maxMs} ms` });
      continue;
    }
    options.onAnalyzed?.(fn, facts);
  }
  return result;
}
