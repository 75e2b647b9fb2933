// Which message each finding was reported with. A Finding carries the filled message, not the id
// of the template it came from, and the JSON contract (src/finding.ts) has no place for it; the
// fixture test needs the id to tell "right line, right reason" from "right line, wrong reason".
// So the rules are wrapped: each report is recorded as it passes to the engine, through the same
// RuleContext every rule uses, with no hook in the engine.

import type { Finding } from '../finding.js';
import type { ReportDescriptor, Rule, RuleContext } from '../engine/define-rule.js';

/** One report as a rule made it. */
export interface Report {
  rule: string;
  line: number;
  column: number;
  messageId: string;
}

/**
 * Wraps rules so that every report they make is appended to `into`, in the order made.
 * @param rules the rules to run
 * @param into receives one entry per report
 * @returns the same rules (same metadata), their checks recording
 */
export function recordingReports(rules: readonly Rule[], into: Report[]): Rule[] {
  return rules.map((rule) => ({
    meta: rule.meta,
    check(context) {
      // A view of the engine's context (getters and all) that records each report on its way.
      const recording: RuleContext<string> = Object.create(context, {
        report: {
          value(descriptor: ReportDescriptor<string>): void {
            into.push({
              rule: rule.meta.id,
              line: context.lineOf(descriptor.node),
              column: descriptor.node.startPosition.column + 1,
              messageId: descriptor.messageId,
            });
            context.report(descriptor);
          },
        },
      });
      rule.check(recording);
    },
  }));
}

/** A finding with the id of the message it was reported with. */
export interface IdentifiedFinding extends Finding {
  messageId: string;
}

/**
 * Pairs findings with the reports that made them. The engine builds findings in report order but
 * may drop some (a function over its time budget loses all of its findings), so each finding
 * takes the first report left at its rule, line and column.
 * @param findings the engine's findings
 * @param reports what recordingReports recorded for the same run
 * @returns the findings with their message ids
 * @throws Error when a finding has no report (the engine made it some other way)
 */
export function withMessageIds(findings: readonly Finding[], reports: readonly Report[]): IdentifiedFinding[] {
  const left = new Map<string, string[]>();
  for (const r of reports) {
    const key = `${r.rule}@${r.line}:${r.column}`;
    const ids = left.get(key);
    if (ids) ids.push(r.messageId);
    else left.set(key, [r.messageId]);
  }
  return findings.map((f) => {
    const messageId = left.get(`${f.rule}@${f.line}:${f.column}`)?.shift();
    if (messageId === undefined) {
      throw new Error(`${f.file}:${f.line}:${f.column}: finding of ${f.rule} without a recorded report`);
    }
    return { ...f, messageId };
  });
}
