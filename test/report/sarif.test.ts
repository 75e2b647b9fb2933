import { describe, expect, it } from 'vitest';
import type { Finding, PatchFinding, PatchRunResult, RunResult } from '../../src/finding.js';
import { makeFinding, makePatchFinding, makeResult, makePatchResult } from './builders.js';
import type { RuleDescriptor } from '../../src/report/sarif.js';
import { fileUri, formatSarifReport } from '../../src/report/sarif.js';
import { multitoolErrorsAndWarnings } from './sarif-multitool.js';

/** Every log this file makes, validated by the SARIF Multitool in the last test. */
const produced = new Map<string, string>();
function report(r: RunResult | PatchRunResult, rules: RuleDescriptor[], version: string): string {
  const text = formatSarifReport(r, rules, version);
  produced.set(`log ${produced.size + 1}: ${expect.getState().currentTestName}`, text);
  return text;
}

const finding = (over: Partial<Finding> = {}): Finding => makeFinding({ rule: 'rule-b' }, over);
const patchFinding = (over: Partial<PatchFinding> = {}): PatchFinding => makePatchFinding(finding(), over);
const result = makeResult;
const patchResult = makePatchResult;

function rule(id: string, over: Partial<RuleDescriptor> = {}): RuleDescriptor {
  return {
    id,
    severity: 'warning',
    summary: `Detect ${id}`,
    why: `why ${id}`,
    fix: `fix ${id}`,
    category: 'correctness',
    confidence: 'high',
    catalogue: 'R1',
    ...over,
  };
}

// Given out of order on purpose: the log lists them sorted by id.
const RULES = [rule('rule-b', { severity: 'error', catalogue: 'R2' }), rule('rule-a', { severity: 'note', category: 'hygiene', confidence: 'low' })];

// The parsed log, loosely typed: the tests check its shape.
function sarif(r: RunResult | PatchRunResult, rules = RULES): any {
  return JSON.parse(report(r, rules, '1.2.3'));
}

describe('formatSarifReport', () => {
  it('writes exactly one SARIF 2.1.0 run with the driver, its rules and one result per finding', () => {
    const log = sarif(result({ findings: [finding({ severity: 'error', line: 4, column: 9, fingerprint: 'abc123', function: 'do_it' })] }));
    expect(log).toEqual({
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'ptelint',
              version: '1.2.3',
              informationUri: 'https://www.npmjs.com/package/ptelint',
              rules: [
                {
                  id: 'rule-a',
                  name: 'RuleA',
                  shortDescription: { text: 'Detect rule-a' },
                  fullDescription: { text: 'why rule-a' },
                  helpUri: 'https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-a.md',
                  help: {
                    text: 'How to fix: fix rule-a\n\nThe rule, with flagged and clean examples and its limits: https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-a.md',
                    markdown: '**How to fix:** fix rule-a\n\n[The rule, with flagged and clean examples and its limits](https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-a.md)',
                  },
                  defaultConfiguration: { level: 'note' },
                  properties: { category: 'hygiene', confidence: 'low', catalogue: 'R1' },
                },
                {
                  id: 'rule-b',
                  name: 'RuleB',
                  shortDescription: { text: 'Detect rule-b' },
                  fullDescription: { text: 'why rule-b' },
                  helpUri: 'https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-b.md',
                  help: {
                    text: 'How to fix: fix rule-b\n\nThe rule, with flagged and clean examples and its limits: https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-b.md',
                    markdown: '**How to fix:** fix rule-b\n\n[The rule, with flagged and clean examples and its limits](https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-b.md)',
                  },
                  defaultConfiguration: { level: 'error' },
                  properties: { category: 'correctness', confidence: 'high', catalogue: 'R2' },
                },
              ],
            },
          },
          invocations: [{ executionSuccessful: true, toolExecutionNotifications: [] }],
          columnKind: 'utf16CodeUnits',
          results: [
            {
              ruleId: 'rule-b',
              ruleIndex: 1,
              level: 'error',
              message: { text: 'm', markdown: 'm\n\n**help:** h' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'mm/a.c', uriBaseId: '%SRCROOT%' },
                    region: { startLine: 4, startColumn: 9 },
                  },
                  logicalLocations: [{ name: 'do_it', kind: 'function' }],
                },
              ],
              partialFingerprints: { 'ptelint/v1': 'abc123' },
              properties: { help: 'h' },
            },
          ],
        },
      ],
    });
  });

  it('maps each severity to its SARIF level and points ruleIndex into the sorted rules', () => {
    const log = sarif(
      result({
        findings: [
          finding({ rule: 'rule-a', severity: 'note', line: 1 }),
          finding({ rule: 'rule-b', severity: 'warning', line: 2 }),
          finding({ rule: 'rule-b', severity: 'error', line: 3 }),
        ],
      }),
    );
    const results = log.runs[0].results;
    expect(results.map((r: { level: string }) => r.level)).toEqual(['note', 'warning', 'error']);
    for (const r of results) expect(log.runs[0].tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('leaves ruleIndex out for a rule it has no descriptor for', () => {
    const [r] = sarif(result({ findings: [finding({ rule: 'rule-z' })] })).runs[0].results;
    expect(r.ruleId).toBe('rule-z');
    expect('ruleIndex' in r).toBe(false);
  });

  it('writes files as URIs: relative references with forward slashes and percent-encoding, absolute paths as file URIs', () => {
    expect(fileUri('mm/a.c')).toBe('mm/a.c');
    expect(fileUri('./mm//a.c')).toBe('mm/a.c');
    expect(fileUri('my tree/mm/a b.c')).toBe('my%20tree/mm/a%20b.c');
    expect(fileUri('mm\\sub\\a.c')).toBe('mm/sub/a.c');
    expect(fileUri('../linux/mm/a.c')).toBe('../linux/mm/a.c');
    expect(fileUri('100%/a#1?.c')).toBe('100%25/a%231%3F.c');
    // A colon in the first segment would read as a URI scheme.
    expect(fileUri('c:x/a.c')).toBe('c%3Ax/a.c');
    expect(fileUri('mm/é.c')).toBe('mm/%C3%A9.c');
    expect(fileUri('/home/me/linux 6.12/mm/a.c')).toBe('file:///home/me/linux%206.12/mm/a.c');
    expect(fileUri('C:\\src\\linux\\mm\\a.c')).toBe('file:///C:/src/linux/mm/a.c');
    expect(fileUri('//server/share/a.c')).toBe('file://server/share/a.c');
    expect(fileUri('mm/\uD800.c')).toBe('mm/%EF%BF%BD.c');

    const log = sarif(result({ findings: [finding({ file: '/abs/a b.c' }), finding({ file: 'rel dir/a.c' })] }));
    const locations = log.runs[0].results.map((r: { locations: Array<{ physicalLocation: unknown }> }) => r.locations[0].physicalLocation);
    // An absolute URI carries no base id (SARIF 2.1.0 section 3.4.4); a relative one is relative to where ptelint ran.
    expect(locations.map((l: { artifactLocation: unknown }) => l.artifactLocation)).toEqual([
      { uri: 'file:///abs/a%20b.c' },
      { uri: 'rel%20dir/a.c', uriBaseId: '%SRCROOT%' },
    ]);
  });

  it('reports unusable inputs and incomplete functions as tool execution notifications', () => {
    const log = sarif(
      result({
        errors: [
          { file: 'mm/z.c', message: 'binary file (contains a NUL byte)' },
          { file: 'mm/bin.c', message: 'invalid UTF-8' },
        ],
        incomplete: [{ file: 'mm/a.c', function: 'g', line: 20, reason: 'parse error' }],
      }),
    );
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'invalid UTF-8' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'mm/bin.c', uriBaseId: '%SRCROOT%' } } }],
          },
          {
            level: 'error',
            message: { text: 'binary file (contains a NUL byte)' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'mm/z.c', uriBaseId: '%SRCROOT%' } } }],
          },
          {
            level: 'note',
            message: { text: "function 'g' not fully analyzed: parse error" },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: 'mm/a.c', uriBaseId: '%SRCROOT%' }, region: { startLine: 20 } },
                logicalLocations: [{ name: 'g', kind: 'function' }],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('marks the execution unsuccessful only when there was no usable input', () => {
    const unusable = { errors: [{ file: 'x.c', message: 'no such file or directory' }], summary: { files: 0, functions: 0, findings: 0, durationMs: 1 } };
    expect(sarif(result(unusable)).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif(result({ summary: { files: 0, functions: 0, findings: 0, durationMs: 1 } })).runs[0].invocations[0].executionSuccessful).toBe(true);
    expect(sarif(patchResult(unusable)).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif(patchResult({ patches: [] })).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif(patchResult()).runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  it('gives a notification about standard input no location', () => {
    const [n] = sarif(patchResult({ errors: [{ file: '-', message: 'no patch found' }] })).runs[0].invocations[0].toolExecutionNotifications;
    expect(n).toEqual({ level: 'error', message: { text: 'no patch found' } });
  });

  it('patch mode: keeps introduced and unchanged findings with their status, leaves fixed ones out', () => {
    const log = sarif(
      patchResult({
        findings: [
          patchFinding({ line: 3, status: 'fixed', fingerprint: 'gone' }),
          patchFinding({ line: 2, status: 'unchanged', fingerprint: 'old' }),
          patchFinding({ line: 1, status: 'introduced', partial: true, fingerprint: 'new' }),
        ],
      }),
    );
    const results = log.runs[0].results;
    expect(results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['ptelint/v1'])).toEqual(['new', 'old']);
    expect(results.map((r: { properties: unknown }) => r.properties)).toEqual([
      { help: 'h', status: 'introduced', partial: true },
      { help: 'h', status: 'unchanged', partial: false },
    ]);
    expect(Object.keys(results[0])).toEqual(['ruleId', 'ruleIndex', 'level', 'message', 'locations', 'partialFingerprints', 'properties']);
  });

  it('check mode results carry their help, in the message (Markdown) and as a property', () => {
    const [r] = sarif(result({ findings: [finding({ message: 'pte_t *ptep of a_b lost', help: 'keep `pte_mkuffd_wp(pte)`' })] })).runs[0].results;
    expect(Object.keys(r)).toEqual(['ruleId', 'ruleIndex', 'level', 'message', 'locations', 'partialFingerprints', 'properties']);
    expect(r.properties).toEqual({ help: 'keep `pte_mkuffd_wp(pte)`' });
    // The message is plain text: its `*` and `_` are escaped in the Markdown; the help is Markdown.
    expect(r.message).toEqual({ text: 'pte_t *ptep of a_b lost', markdown: 'pte\\_t \\*ptep of a\\_b lost\n\n**help:** keep `pte_mkuffd_wp(pte)`' });
  });

  it('links each rule to its page in the package of the version that wrote the log (the newest for a non-release build)', () => {
    const released = sarif(result(), RULES).runs[0].tool.driver.rules;
    expect(released.map((r: { helpUri: string }) => r.helpUri)).toEqual([
      'https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-a.md',
      'https://cdn.jsdelivr.net/npm/ptelint@1.2.3/docs/rules/rule-b.md',
    ]);
    // 'unknown' is what a build without its package.json reports; the Multitool rightly warns about
    // such a driver version (SARIF2005), so this one log is not among the validated ones.
    const dev = JSON.parse(formatSarifReport(result(), RULES, 'unknown')).runs[0].tool.driver.rules;
    expect(dev[0].helpUri).toBe('https://cdn.jsdelivr.net/npm/ptelint/docs/rules/rule-a.md');
  });

  it('gives the same bytes for the same input in any order, with no timestamps', () => {
    const findings = [
      finding({ file: 'mm/b.c', line: 1 }),
      finding({ file: 'mm/a.c', line: 9, column: 3 }),
      finding({ file: 'mm/a.c', line: 9, column: 3, rule: 'rule-a' }),
      finding({ file: 'mm/a.c', line: 2 }),
    ];
    const errors = [
      { file: 'b', message: 'y' },
      { file: 'a', message: 'x' },
    ];
    const one = report(result({ findings, errors }), RULES, '1.2.3');
    const two = report(result({ findings: [...findings].reverse(), errors: [...errors].reverse() }), [...RULES].reverse(), '1.2.3');
    expect(two).toBe(one);
    expect(one.endsWith('}\n')).toBe(true);
    expect(one).not.toMatch(/Time|"durationMs"|\d{4}-\d\d-\d\dT/);
    const order = JSON.parse(one).runs[0].results.map((r: any) => [
      r.locations[0].physicalLocation.artifactLocation.uri,
      r.locations[0].physicalLocation.region.startLine,
      r.ruleId,
    ]);
    expect(order).toEqual([
      ['mm/a.c', 2, 'rule-b'],
      ['mm/a.c', 9, 'rule-a'],
      ['mm/a.c', 9, 'rule-b'],
      ['mm/b.c', 1, 'rule-b'],
    ]);
  });

  it('does not mutate its input', () => {
    const findings = [finding({ line: 2 }), finding({ line: 1 })];
    const rules = [...RULES];
    formatSarifReport(result({ findings }), rules, '1');
    expect(findings.map((f) => f.line)).toEqual([2, 1]);
    expect(rules.map((r) => r.id)).toEqual(['rule-b', 'rule-a']);
  });

  it('every log above passes the SARIF Multitool: no error, no warning (and it does catch a broken log)', () => {
    expect(produced.size).toBeGreaterThan(5);
    expect(multitoolErrorsAndWarnings(produced)).toEqual([]);
    // The oracle is awake: a schema break (caught by the schema check; the Multitool passes it) and
    // a valid log without the driver's informationUri (a Multitool warning, SARIF2005).
    const broken = JSON.parse([...produced.values()][0]);
    broken.runs[0].results[0].level = 'loud';
    const unlinked = JSON.parse([...produced.values()][0]);
    delete unlinked.runs[0].tool.driver.informationUri;
    const issues = multitoolErrorsAndWarnings(new Map([['broken', JSON.stringify(broken)], ['unlinked', JSON.stringify(unlinked)]]));
    expect(issues).toEqual([
      { log: 'broken', level: 'error', rule: 'schema', message: '/runs/0/results/0/level must be equal to one of the allowed values' },
      expect.objectContaining({ log: 'unlinked', level: 'warning', rule: 'SARIF2005' }),
    ]);
  });
});
