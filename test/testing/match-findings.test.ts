import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { allRules } from '../../rules/index.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { annotationProblems, parseAnnotations } from '../../src/testing/annotations.js';
import { matchFindings, messageIdProblems, type ReportedFinding } from '../../src/testing/match-findings.js';
import { recordingReports, withMessageIds, type Report } from '../../src/testing/message-ids.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function finding(rule: string, line: number, messageId: string): ReportedFinding {
  return { rule, line, column: 2, messageId, function: 'f', message: `${messageId} text` };
}

function messagesOf(rule: string): string[] | undefined {
  const found = allRules.find((r) => r.meta.id === rule);
  return found ? Object.keys(found.meta.messages) : undefined;
}

/** Runs every rule on a fixture text and matches the findings against its annotations, as the fixture test does. */
function check(file: string, text: string): string[] {
  const ann = parseAnnotations(text);
  const reports: Report[] = [];
  const result = analyzeText(file, text, { rules: recordingReports(allRules, reports) });
  return [
    ...annotationProblems(file, ann),
    ...messageIdProblems(file, ann, messagesOf),
    ...matchFindings(file, ann, withMessageIds(result.findings, reports)),
  ];
}

describe('matchFindings', () => {
  const text = 'x = f(y);\t/* expect: a-rule/lostBit */\nz = g(w);\t/* ok: a-rule */\n';

  test('right rule, line and message id: no problem', () => {
    expect(matchFindings('t.c', parseAnnotations(text), [finding('a-rule', 1, 'lostBit')])).toEqual([]);
  });

  test('right line, wrong message id: the fixture fails, naming both reasons', () => {
    expect(matchFindings('t.c', parseAnnotations(text), [finding('a-rule', 1, 'otherReason')])).toEqual([
      't.c:1: wrong reason: expected a-rule/lostBit, reported t.c:1:2 a-rule/otherReason in f(): otherReason text',
    ]);
  });

  test('missing, unexpected and near-miss findings', () => {
    expect(matchFindings('t.c', parseAnnotations(text), [finding('a-rule', 2, 'lostBit'), finding('b-rule', 1, 'x')])).toEqual([
      't.c:1: missing finding a-rule/lostBit (expect:)',
      'near miss fired (ok:): t.c:2:2 a-rule/lostBit in f(): lostBit text',
      'unexpected finding: t.c:1:2 b-rule/x in f(): x text',
    ]);
  });

  test('an annotation with a message id takes its finding before one without', () => {
    // Only expect: may repeat a rule on one line (annotations.ts rejects the other mixes).
    const ann = parseAnnotations('x = f(y);\t/* expect: a-rule, a-rule/second */\n');
    expect(matchFindings('t.c', ann, [finding('a-rule', 1, 'second'), finding('a-rule', 1, 'first')])).toEqual([]);
  });

  test('a todo-ok that no longer fires, a todo-expect that does', () => {
    const ann = parseAnnotations('x = f(y);\t/* todo-ok: a-rule -- noise */\nz = g(w);\t/* todo-expect: a-rule -- missed */\n');
    expect(matchFindings('t.c', ann, [finding('a-rule', 2, 'm')])).toEqual([
      't.c:1: a-rule is silent now: change todo-ok to ok',
      't.c:2: a-rule/m fires now: change todo-expect to expect (m text)',
    ]);
  });
});

describe('messageIdProblems', () => {
  test('expect: needs a message id; a named id must be one of the rule\'s', () => {
    const ann = parseAnnotations(
      'x = f(y);\t/* expect: redundant-maybe-mkwrite */\n' +
        'z = g(w);\t/* expect: redundant-maybe-mkwrite/redundnat */ /* ok: batch-merged-restore/nope */\n' +
        'v = h(u);\t/* expect: redundant-maybe-mkwrite/redundant */ /* ok: batch-merged-restore */\n',
    );
    expect(messageIdProblems('t.c', ann, messagesOf)).toEqual([
      't.c:1: expect: redundant-maybe-mkwrite names no message id; write redundant-maybe-mkwrite/<messageId> (one of redundant)',
      't.c:2: expect: redundant-maybe-mkwrite has no message "redundnat" (its messages: redundant)',
      't.c:2: ok: batch-merged-restore has no message "nope" (its messages: helperPolicy, mergedRestore, wrprotectDropped, mergedWrite)',
    ]);
  });
});

describe('annotationProblems', () => {
  test('a malformed annotation names the file and line', () => {
    const ann = parseAnnotations('x = f(y);\n\tz = g(w);\t/* expect: a-rule/ */\n');
    expect(annotationProblems('fixtures/a-rule/invalid-x.c', ann)).toEqual([
      'fixtures/a-rule/invalid-x.c:2: "a-rule/" is not a rule id (kebab-case, optionally /messageId) in expect',
    ]);
  });
});

describe('a real fixture', () => {
  const file = 'fixtures/batch-merged-restore/invalid-any-writable-restore.c';
  const text = readFileSync(`${ROOT}/${file}`, 'utf8');

  test('passes as written', () => {
    expect(check(file, text)).toEqual([]);
  });

  test('fails when one expect names another message of the same rule', () => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('expect: batch-merged-restore/mergedWrite'));
    expect(at).toBeGreaterThanOrEqual(0);
    lines[at] = lines[at].replace('batch-merged-restore/mergedWrite', 'batch-merged-restore/mergedRestore');
    const problems = check(file, lines.join('\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${file}:${at + 1}: wrong reason: expected batch-merged-restore/mergedRestore, reported ${file}:${at + 1}:\\d+ batch-merged-restore/mergedWrite `),
    );
  });
});
