// `--format sarif` and `--format github` through the built binary, with the real engine and rules.
// Needs `npm run build` first (CI builds before `npm test`).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { SEVERITY_RANK } from '../../src/finding.js';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { multitoolErrorsAndWarnings } from '../report/sarif-multitool.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

// A rule's own flagged example gives exactly one finding of that rule (the docs test checks it).
const rule = allRules.find((r) => r.meta.enabledByDefault && SEVERITY_RANK[r.meta.severity] >= SEVERITY_RANK.warning);
if (!rule) throw new Error('no enabled rule of severity warning or error to draw an example from');
const example = rule.meta.docs.examples.invalid[0];
const LEVEL = { error: 'error', warning: 'warning', note: 'notice' } as const;

let tree: string;

/** Every SARIF log the CLI wrote here, validated by the SARIF Multitool in the last test. */
const sarifLogs = new Map<string, string>();

function ptelint(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: tree, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  if (args.includes('sarif')) sarifLogs.set(`${sarifLogs.size + 1}: ptelint ${args.join(' ')}`, run.stdout);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A git-style diff that creates `file` with `text`. */
function newFileDiff(file: string, text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    `diff --git a/${file} b/${file}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/${file}\n` +
    `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}\n`).join('')}`
  );
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  tree = mkdtempSync(path.join(tmpdir(), 'ptelint-formats-'));
  // A space in the path: SARIF must percent-encode it, the workflow command must not.
  mkdirSync(path.join(tree, 'bad tree/mm'), { recursive: true });
  writeFileSync(path.join(tree, 'bad tree/mm/example.c'), example);
  writeFileSync(path.join(tree, 'add.patch'), newFileDiff('mm/example.c', example));
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

describe('ptelint check --format sarif|github (built)', () => {
  it('writes a SARIF 2.1.0 log with the finding, its rule and an encoded relative URI', () => {
    const r = ptelint(['check', 'bad tree', '--format', 'sarif']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('ptelint');
    expect(run.tool.driver.version).toBe(VERSION);
    expect(run.tool.driver.rules.map((d: { id: string }) => d.id)).toEqual(allRules.map((x) => x.meta.id).sort());
    expect(run.invocations[0]).toEqual({ executionSuccessful: true, toolExecutionNotifications: [] });

    const results = run.results.filter((x: { ruleId: string }) => x.ruleId === rule.meta.id);
    expect(results).toHaveLength(1);
    const [res] = results;
    const descriptor = run.tool.driver.rules[res.ruleIndex];
    expect(descriptor).toMatchObject({
      id: rule.meta.id,
      shortDescription: { text: rule.meta.summary },
      fullDescription: { text: rule.meta.docs.why },
      helpUri: `https://cdn.jsdelivr.net/npm/ptelint@${VERSION}/docs/rules/${rule.meta.id}.md`,
      help: { text: expect.stringContaining(rule.meta.docs.fix), markdown: expect.stringContaining(rule.meta.docs.fix) },
      defaultConfiguration: { level: rule.meta.severity },
      properties: { category: rule.meta.category, confidence: rule.meta.confidence, catalogue: rule.meta.catalogue },
    });
    expect(res.level).toBe(rule.meta.severity);
    const location = res.locations[0];
    expect(location.physicalLocation.artifactLocation).toEqual({ uri: 'bad%20tree/mm/example.c', uriBaseId: '%SRCROOT%' });
    expect(location.physicalLocation.region.startLine).toBeGreaterThan(0);
    expect(location.physicalLocation.region.startColumn).toBeGreaterThan(0);
    expect(location.logicalLocations[0].kind).toBe('function');
    expect(res.partialFingerprints['ptelint/v1']).toMatch(/\S/);

    // Same input, same bytes.
    expect(ptelint(['check', 'bad tree', '--format', 'sarif']).stdout).toBe(r.stdout);
  });

  it('prints the finding as a workflow command, then the summary', () => {
    const r = ptelint(['check', 'bad tree', '--format', 'github']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    const level = LEVEL[rule.meta.severity];
    expect(lines.filter((l) => l.includes(`title=${rule.meta.id}::`))).toEqual([
      expect.stringMatching(new RegExp(`^::${level} file=bad tree/mm/example\\.c,line=\\d+,col=\\d+,title=${rule.meta.id}::\\S`)),
    ]);
    expect(lines.at(-1)).toMatch(/^1 file, \d+ functions?, \d+ findings? \(.*\) in \d+ ms$/);
  });

  it('reports an unusable input inside the output and exits 2', () => {
    const sarif = ptelint(['check', 'no/such.c', '--format', 'sarif']);
    expect(sarif.status).toBe(2);
    expect(JSON.parse(sarif.stdout).runs[0].invocations[0]).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'no such file or directory' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'no/such.c', uriBaseId: '%SRCROOT%' } } }],
        },
      ],
    });
    const github = ptelint(['check', 'no/such.c', '--format', 'github']);
    expect(github.status).toBe(2);
    expect(github.stdout.split('\n')[0]).toBe('::error file=no/such.c::no such file or directory');
  });
});

describe('ptelint patch --format sarif|github (built)', () => {
  it('gives the introduced finding its status in SARIF and annotates it for GitHub', () => {
    const sarif = ptelint(['patch', 'add.patch', '--format', 'sarif']);
    expect(sarif.status).toBe(1);
    const results = JSON.parse(sarif.stdout).runs[0].results.filter((x: { ruleId: string }) => x.ruleId === rule.meta.id);
    expect(results).toHaveLength(1);
    expect(results[0].properties).toEqual({ help: expect.stringMatching(/\S/), status: 'introduced', partial: expect.any(Boolean) });
    expect(results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'mm/example.c', uriBaseId: '%SRCROOT%' });

    const github = ptelint(['patch', 'add.patch', '--format', 'github']);
    expect(github.status).toBe(1);
    expect(github.stdout).toMatch(new RegExp(`^::${LEVEL[rule.meta.severity]} file=mm/example\\.c,line=\\d+,col=\\d+,title=${rule.meta.id}::`, 'm'));
    expect(github.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 patch, 1 file, \d+ introduced, 0 fixed in \d+ ms$/);
  });
});

describe('every SARIF log the CLI writes passes the SARIF Multitool', () => {
  it.skipIf(missingKernelTree('6.12'))('the logs above, plus a real 6.12 scan with findings (absolute file URIs) and a patch run with an unusable input', () => {
    const linux = kernelTree('6.12');
    const real = ptelint(['check', path.join(linux, 'mm/ksm.c'), path.join(linux, 'mm/hugetlb.c'), path.join(linux, 'mm/memory.c'), '--format', 'sarif']);
    expect(real.status).toBe(1);
    expect(JSON.parse(real.stdout).runs[0].results.length).toBeGreaterThan(0);
    ptelint(['patch', 'add.patch', 'no-such.patch', '--all', '--format', 'sarif']);
    expect(sarifLogs.size).toBeGreaterThanOrEqual(5);
    expect(multitoolErrorsAndWarnings(sarifLogs)).toEqual([]);
  });
});
