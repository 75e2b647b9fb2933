// The shape of a rule module (rules/<id>.ts). One object holds the metadata, the rationale, the
// examples and the check, as Clippy's declare_clippy_lint! and Biome's declare_lint_rule! do
// (STYLE.md §1). `defineRule` exists so that a mistyped messageId fails to compile.

import type { Severity } from '../finding.js';
import type { FunctionFacts } from '../analysis/facts.js';
import type { KernelVersion } from '../kernel-version.js';
import type { SyntaxNode } from '../lang/parser.js';
import type { CarryKind } from '../analysis/carry-calls.js';

// Rules read the nodes that facts point at but never parse: they take the node type from here,
// not from src/lang/ (docs/architecture-layers.md).
export type { SyntaxNode } from '../lang/parser.js';

export type Category = 'correctness' | 'suspicious' | 'hygiene';
/**
 * A mode flag that turns a rule on in addition to the selected ones: `legacy-arch`
 * (`--legacy-arch`) for rules whose invariant only holds where *_mkdirty() can set the hardware
 * write bit (6.1 sparc64, loongarch before bf2f34a506e6; DESIGN §1.2).
 */
export type RuleMode = 'legacy-arch';
export type Confidence = 'high' | 'medium' | 'low';

/**
 * A carry a rule guards, checked on patches read without a tree (src/engine/hunk-carries.ts): a
 * hunk that removes such a statement from a function and adds none back is reported with
 * `messageId` (placeholders: call, guard), and one that adds the first is reported fixed.
 */
export interface HunkCarryCheck<M extends string> {
  kind: CarryKind;
  /** NoInfer: the rule's message ids are inferred from `messages` alone. */
  messageId: NoInfer<M>;
}

/**
 * A fact a rule's invariant rests on, as the visible part of a function shows it: "the entry is
 * written as a swap entry here" (a swap accessor on it), "this guard admits readable-exclusive
 * entries", "the predicate has a way to false on uffd-wp". Patches read without a tree
 * (src/engine/hunk-facts.ts) compare a function's facts before and after: both images share the
 * unseen context, so a fact the pre-image establishes and the patch removes on its own lines is
 * evidence about the change, not about the unknown rest.
 */
export interface HunkFact {
  /** Facts with the same key are the same fact; they are counted per function. */
  key: string;
  node: SyntaxNode;
  /** Placeholders of the rule's message. */
  data?: Record<string, string>;
}

/** A fact as the engine compares it: its line in its image, its whitespace-folded statement. */
export interface SeenFact {
  key: string;
  line: number;
  /** The last line of the fact's node (a condition may span several). */
  lastLine?: number;
  data: Record<string, string>;
  statement: string;
  /** On a line the patch changed (else context, shared by both images). */
  changed?: boolean;
}

export interface HunkFactCheck<M extends string> {
  /** Reported when `judge` keeps a loss (placeholders: the fact's data). */
  messageId: NoInfer<M>;
  /** The facts of one analyzed function (any image, partial or not); `legacyArch` as in RuleContext. */
  collect(facts: FunctionFacts, legacyArch: boolean): HunkFact[];
  /**
   * Which lost facts are findings, given what the same function gained on the patch's lines
   * (`at`: report at that gained fact instead of near the loss). Called once per direction: the
   * bug direction's losses are `introduced`, the reverse direction's `fixed`. Default: every loss.
   */
  judge?(lost: SeenFact[], gained: SeenFact[], before: SeenFact[]): FactVerdict[];
}

/** A loss a rule keeps: where to report it (`at`, else near the loss) and extra message data. */
export interface FactVerdict {
  lost: SeenFact;
  at?: SeenFact;
  data?: Record<string, string>;
}

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
  /**
   * The batch policy this rule depends on (optional): in patches read without a tree, a same-file
   * helper whose batch starts or stops respecting this bit is reported at the helper
   * (src/engine/helper-policy.ts), since its callers are out of sight.
   */
  helperPolicy?: { bit: 'write' | 'softDirty'; messageId: NoInfer<M> };
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
