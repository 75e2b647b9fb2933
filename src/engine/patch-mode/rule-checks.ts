// What a rule may declare for patches read without a tree (RuleMeta.hunkCarry, hunkFacts,
// helperPolicy): the rule's own policy, in the types patch mode reads it through
// (hunk-carries.ts, hunk-facts.ts, helper-policy.ts). Check mode never looks at them.

import type { FunctionFacts } from '../../analysis/facts.js';
import type { SyntaxNode } from '../../lang/parser.js';
import type { CarryKind } from '../../analysis/carry-calls.js';

/**
 * A carry a rule guards, checked on patches read without a tree (src/engine/patch-mode/hunk-carries.ts): a
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
 * (src/engine/patch-mode/hunk-facts.ts) compare a function's facts before and after: both images share the
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

/**
 * The batch policy a rule depends on: in patches read without a tree, a same-file helper whose
 * batch starts or stops respecting this bit is reported at the helper
 * (src/engine/patch-mode/helper-policy.ts), since its callers are out of sight.
 */
export interface HelperPolicyCheck<M extends string> {
  bit: 'write' | 'softDirty';
  messageId: NoInfer<M>;
}
