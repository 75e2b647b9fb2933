// What the checks from hunks alone (hunk-carries.ts, hunk-facts.ts, helper-policy.ts) compare
// between the images of a patch read without a tree, collected from each analysed function: its
// carry statements, its rules' facts (RuleMeta.hunkFacts) and the batch policy it sizes.

import type { FunctionFacts } from '../../analysis/facts.js';
import { carryCalls, type CarryKind } from '../../analysis/carry-calls.js';
import type { SourceFunction } from '../../lang/slice.js';
import type { Rule } from '../define-rule.js';
import { normalizedStatement } from '../fingerprint.js';
import type { SeenFact } from './rule-checks.js';

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

/** A rule fact found in an analyzed function (RuleMeta.hunkFacts). */
export interface FoundFact extends SeenFact {
  rule: string;
  function: string;
}

export interface FoundBatchPolicy {
  function: string;
  respectsWrite: boolean;
  respectsSoftDirty: boolean;
  /** The batch builder call (folio_pte_batch_flags()), and its text. */
  line: number;
  builder: string;
}

/** The evidence of one image, function by function in file order. */
export interface HunkEvidence {
  carries: FoundCarry[];
  facts: FoundFact[];
  batchPolicies: FoundBatchPolicy[];
}

/** What to collect: carries and batch policies (`carries`), the rules' facts (`facts`). */
export interface EvidenceWanted {
  carries: boolean;
  facts: boolean;
  rules: Rule[];
  legacyArch: boolean;
}

export function emptyEvidence(): HunkEvidence {
  return { carries: [], facts: [], batchPolicies: [] };
}

/** Adds the evidence of one analysed function to `into`. */
export function collectEvidence(fn: SourceFunction, facts: FunctionFacts, wanted: EvidenceWanted, into: HunkEvidence): void {
  if (wanted.carries) {
    for (const c of carryCalls(facts)) {
      into.carries.push({
        function: fn.name, kind: c.kind, line: fn.startLine + c.node.startPosition.row, column: c.node.startPosition.column + 1,
        call: c.name, guard: c.guard, statement: normalizedStatement(c.node),
      });
    }
  }
  if (wanted.facts) {
    for (const rule of wanted.rules) {
      for (const f of rule.meta.hunkFacts?.collect(facts, wanted.legacyArch) ?? []) {
        into.facts.push({
          rule: rule.meta.id, function: fn.name, key: f.key, line: fn.startLine + f.node.startPosition.row,
          lastLine: fn.startLine + f.node.endPosition.row,
          data: f.data ?? {}, statement: normalizedStatement(f.node),
        });
      }
    }
  }
  if (wanted.carries) {
    const policy = facts.ownBatchPolicy(new Set([fn.name]));
    if (policy?.where) {
      const call = policy.where;
      into.batchPolicies.push({
        function: fn.name, respectsWrite: policy.respectsWrite, respectsSoftDirty: policy.respectsSoftDirty,
        line: fn.startLine + call.startPosition.row, builder: call.childForFieldName('function')?.text ?? call.text,
      });
    }
  }
}
