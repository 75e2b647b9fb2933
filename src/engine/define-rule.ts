// The shape of a rule module (rules/<id>.ts). One object holds the metadata, the rationale, the
// examples and the check, as Clippy's declare_clippy_lint! and Biome's declare_lint_rule! do.
// `defineRule` exists so that a mistyped messageId fails to compile.

import type { Severity } from '../finding.js';
import type { FunctionFacts } from '../analysis/facts.js';
import type { KernelVersion } from '../kernel-version.js';
import type { SyntaxNode } from '../lang/parser.js';
import type { HelperPolicyCheck, HunkCarryCheck, HunkFactCheck } from './patch-mode/rule-checks.js';

// The patch-mode checks a rule may declare (their types live with patch mode; rules name them from here).
export type { FactVerdict, HelperPolicyCheck, HunkCarryCheck, HunkFact, HunkFactCheck, SeenFact } from './patch-mode/rule-checks.js';

// Rules read the nodes that facts point at but never parse: they take the node type from here,
// not from src/lang/ (docs/architecture-layers.md).
export type { SyntaxNode } from '../lang/parser.js';

export type Category = 'correctness' | 'suspicious' | 'hygiene';
/**
 * A mode flag that turns a rule on in addition to the selected ones: `legacy-arch`
 * (`--legacy-arch`) for rules whose invariant only holds where *_mkdirty() can set the hardware
 * write bit (6.1 sparc64, loongarch before bf2f34a506e6; docs/invariants.md#readonly-restore-after-mkdirty).
 */
export type RuleMode = 'legacy-arch';
export type Confidence = 'high' | 'medium' | 'low';

export interface RuleDocs {
  /** Why this is a bug, in prose; cites the thread or upstream fix it comes from. */
  why: string;
  /** How to fix it (also the default `help:` line). */
  fix: string;
  /** Known limits and false-positive causes (Coccinelle's `//#` lines). */
  limits: string;
  references: string[];
  /** Executed by the docs test: each invalid example gives exactly one finding of this rule, each valid one none. */
  examples: { invalid: string[]; valid: string[] };
}

export interface RuleMeta<M extends string> {
  /** kebab-case, == file name == fixtures/<id>/ */
  id: string;
  /** The catalogue number (R1, R2, ... R10b), which `ptelint explain` also accepts; R5 names two rules. */
  catalogue: string;
  severity: Severity;
  category: Category;
  confidence: Confidence;
  /** Off-by-default rules run only when named with --rule (or a mode flag turns them on). */
  enabledByDefault: boolean;
  /** The carry statement this rule guards in patches read without a tree (optional). */
  hunkCarry?: HunkCarryCheck<M>;
  /** Facts compared between the images of patches read without a tree (optional). */
  hunkFacts?: HunkFactCheck<M>;
  /** The batch policy this rule depends on in patches read without a tree (optional). */
  helperPolicy?: HelperPolicyCheck<M>;
  /** Mode flags that turn this rule on too (optional; most rules have none). */
  modes?: RuleMode[];
  /** One line, starts with "Detect", no final period. */
  summary: string;
  /** camelCase id -> message with {{placeholders}}; lowercase start, no final period. */
  messages: Record<M, string>;
  docs: RuleDocs;
  /**
   * Words a function's text must contain for this rule to have anything to look at. The engine
   * skips parsing files and functions that contain none of any enabled rule's keywords.
   */
  keywords: string[];
}

export interface ReportDescriptor<M extends string> {
  node: SyntaxNode;
  messageId: M;
  data?: Record<string, string | number>;
  /** Overrides docs.fix for this finding's help line. */
  help?: string;
}

export interface RuleContext<M extends string> {
  facts: FunctionFacts;
  version: KernelVersion;
  /**
   * Legacy-architecture semantics (`--legacy-arch`): *_mkdirty() may set the hardware write bit.
   * Optional so that hand-made contexts (tests) stay valid; absent means off.
   */
  legacyArch?: boolean;
  /** The file line (1-based) of a node, for messages that name a second location. */
  lineOf(node: SyntaxNode): number;
  report(descriptor: ReportDescriptor<M>): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(context: RuleContext<M>): void;
}

export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}
