// Compares what a rule reported on a fixture with what the fixture's annotations say it must
// report (src/testing/annotations.ts). A finding is matched by rule, line and message id, so a
// rule that fires on the right line for the wrong reason (another of its messages) fails.

import type { Annotation, FixtureAnnotations } from './annotations.js';

/** What the matcher needs of a finding (src/testing/message-ids.ts adds the message id). */
export interface ReportedFinding {
  rule: string;
  line: number;
  column: number;
  messageId: string;
  function: string;
  message: string;
}

/**
 * Problems with the message ids the annotations name: `expect:` must name one (the reason is
 * part of the expectation), and any named id must be one of the rule's messages.
 * @param file the fixture's path, for the messages
 * @param ann the fixture's annotations
 * @param messagesOf the message ids of a rule, undefined for an unknown rule
 * @returns `file:line: ...` problems
 */
export function messageIdProblems(
  file: string,
  ann: FixtureAnnotations,
  messagesOf: (rule: string) => readonly string[] | undefined,
): string[] {
  const problems: string[] = [];
  const kinds: [string, Annotation[]][] = [
    ['expect', ann.expect],
    ['ok', ann.ok],
    ['todo-expect', ann.todoExpect],
    ['todo-ok', ann.todoOk],
  ];
  for (const [kind, annotations] of kinds) {
    for (const a of annotations) {
      const ids = messagesOf(a.rule);
      if (ids === undefined) continue;
      if (a.messageId === undefined) {
        if (kind === 'expect') {
          problems.push(`${file}:${a.line}: expect: ${a.rule} names no message id; write ${a.rule}/<messageId> (one of ${ids.join(', ')})`);
        }
      } else if (!ids.includes(a.messageId)) {
        problems.push(`${file}:${a.line}: ${kind}: ${a.rule} has no message "${a.messageId}" (its messages: ${ids.join(', ')})`);
      }
    }
  }
  return problems;
}

function describe(file: string, f: ReportedFinding): string {
  return `${file}:${f.line}:${f.column} ${f.rule}/${f.messageId} in ${f.function}(): ${f.message}`;
}

/** Does the annotation name this finding? Without a message id, any message of the rule does. */
function names(a: Annotation, f: ReportedFinding): boolean {
  return a.rule === f.rule && a.line === f.line && (a.messageId === undefined || a.messageId === f.messageId);
}

function refOf(a: Annotation): string {
  return a.messageId === undefined ? a.rule : `${a.rule}/${a.messageId}`;
}

/**
 * Takes, for each annotation in turn, the first finding it names that no earlier annotation took.
 * Annotations with a message id go first, so one without cannot take the finding they need.
 * @returns the annotations that found none; `left` loses the findings taken
 */
function take(annotations: readonly Annotation[], left: ReportedFinding[]): Annotation[] {
  const unmatched: Annotation[] = [];
  const specificFirst = [...annotations].sort((a, b) => Number(a.messageId === undefined) - Number(b.messageId === undefined));
  for (const a of specificFirst) {
    const at = left.findIndex((f) => names(a, f));
    if (at === -1) unmatched.push(a);
    else left.splice(at, 1);
  }
  return unmatched.sort((a, b) => a.line - b.line);
}

/**
 * Checks a fixture's findings against its annotations: every `expect` matched by exactly one
 * finding (rule, line and message id), every `todo-ok` still firing, nothing else firing.
 * @param file the fixture's path, for the messages
 * @param ann the fixture's annotations
 * @param findings what the rules reported on it, with message ids
 * @returns `file:line: ...` problems, empty when the fixture passes
 */
export function matchFindings(file: string, ann: FixtureAnnotations, findings: readonly ReportedFinding[]): string[] {
  const problems: string[] = [];
  const left = [...findings];

  // A todo-ok is a known false positive: it must still fire. Its finding is set aside first.
  for (const a of take(ann.todoOk, left)) {
    problems.push(`${file}:${a.line}: ${refOf(a)} is silent now: change todo-ok to ok`);
  }
  const missing = take(ann.expect, left);

  // Same rule, same line, another message: say so, rather than "missing" plus "unexpected".
  for (const a of missing) {
    const at = left.findIndex((f) => f.rule === a.rule && f.line === a.line);
    if (at === -1) {
      problems.push(`${file}:${a.line}: missing finding ${refOf(a)} (expect:)`);
      continue;
    }
    const [f] = left.splice(at, 1);
    problems.push(`${file}:${a.line}: wrong reason: expected ${refOf(a)}, reported ${describe(file, f)}`);
  }

  for (const f of left) {
    if (ann.ok.some((a) => names(a, f))) problems.push(`near miss fired (ok:): ${describe(file, f)}`);
    else if (ann.todoExpect.some((a) => names(a, f))) {
      problems.push(`${file}:${f.line}: ${f.rule}/${f.messageId} fires now: change todo-expect to expect (${f.message})`);
    } else problems.push(`unexpected finding: ${describe(file, f)}`);
  }
  return problems;
}
