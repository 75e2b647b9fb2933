// Gating a tree through the CLI with a stand-in engine (the real one is driven by gate-e2e.test.ts):
// baseline files, .ptelint.json discovery, validation and precedence, an empty rule selection,
// --quiet, --color / FORCE_COLOR, --shard and standard input reaching the engine.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFakeCli, type FakeRun } from './fake-cli.js';
import type { CliIo } from '../../src/cli/program.js';
import type { Rule } from '../../src/engine/define-rule.js';
import type { Finding, RunResult, Severity } from '../../src/finding.js';
import { formatBaseline, parseBaseline } from '../../src/gate/baseline.js';
import { shouldUseColor } from '../../src/report/color.js';
import { formatProgress, progressDisplay } from '../../src/cli/progress.js';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ptelint-gate-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function finding(severity: Severity, over: Partial<Finding> = {}): Finding {
  return { rule: 'alpha-rule', severity, file: 'mm/x.c', line: 1, column: 1, function: 'f', message: 'something is off', help: 'fix it', fingerprint: '00aa', ...over };
}

function rule(id: string, enabledByDefault = true, severity: Severity = 'warning'): Rule {
  return {
    meta: {
      id, catalogue: 'R9', severity, category: 'suspicious', confidence: 'medium', enabledByDefault,
      summary: `Detect the ${id} defect`, messages: { found: 'found' },
      docs: { why: 'w', fix: 'f', limits: 'l', references: [], examples: { invalid: [], valid: [] } },
      keywords: ['set_pte_at'],
    },
    check() {},
  };
}

const KNOWN = finding('error', { line: 10, fingerprint: '1111', function: 'known_fn', message: 'known one' });
const NEW = finding('warning', { line: 20, fingerprint: '2222', function: 'new_fn', message: 'new one' });

function resultOf(findings: Finding[], over: Partial<RunResult> = {}): RunResult {
  return { findings, errors: [], incomplete: [], summary: { files: 1, functions: 2, findings: findings.length, durationMs: 3 }, ...over };
}

type Run = FakeRun;

function run(argv: string[], over: Partial<CliIo> & { result?: RunResult } = {}): Promise<Run> {
  const { result, ...io } = over;
  const rules = [rule('alpha-rule'), rule('beta-rule', false), rule('gamma-rule')];
  return runFakeCli(argv, rules, (o) => {
    const r = result ?? resultOf([KNOWN, NEW]);
    return { ...r, findings: r.findings.filter((f) => !o.disable?.includes(f.rule) && (!o.only || o.only.includes(f.rule))) };
  }, { cwd: temp(), ...io });
}

function baselineFile(dir: string, findings: Finding[]): string {
  const file = path.join(dir, 'baseline.json');
  writeFileSync(file, formatBaseline(findings));
  return file;
}

describe('--baseline', () => {
  it('hides known findings in text, counts them, and fails only on the new one', async () => {
    const dir = temp();
    const r = await run(['check', 'mm', '--baseline', baselineFile(dir, [KNOWN])], { cwd: dir });
    expect(r.stdout).toContain('mm/x.c:20:1: warning: new one [alpha-rule]');
    expect(r.stdout).not.toContain('known one');
    expect(r.stdout).toMatch(/1 finding \(0 errors, 1 warning, 0 notes\), 1 in the baseline in 3 ms\n$/);
    expect(r.status).toBe(1);
  });

  it('never fails on baseline findings, whatever their severity', async () => {
    const dir = temp();
    const r = await run(['check', 'mm', '--baseline', baselineFile(dir, [KNOWN, NEW]), '--fail-on', 'note'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/0 findings .*, 2 in the baseline/);
  });

  it('--all prints them with their status', async () => {
    const dir = temp();
    const r = await run(['check', 'mm', '--all', '--baseline', baselineFile(dir, [KNOWN])], { cwd: dir });
    expect(r.stdout).toContain('mm/x.c:10:1: error: known one [alpha-rule]\n  = help: fix it\n  = status: baseline');
  });

  it('keeps them in JSON with status baseline (new ones: new), and out of SARIF and GitHub annotations', async () => {
    const dir = temp();
    const file = baselineFile(dir, [KNOWN]);
    const json = JSON.parse((await run(['check', '--format', 'json', '--baseline', file], { cwd: dir })).stdout);
    expect(json.findings.map((f: { fingerprint: string; status: string }) => [f.fingerprint, f.status])).toEqual([['1111', 'baseline'], ['2222', 'new']]);
    expect(json.summary).toMatchObject({ findings: 2, baseline: 1 });
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', '--baseline', file], { cwd: dir })).stdout);
    expect(sarif.runs[0].results.map((r: { message: { text: string } }) => r.message.text)).toEqual([expect.stringContaining('new one')]);
    const github = (await run(['check', '--format', 'github', '--baseline', file], { cwd: dir })).stdout;
    expect(github).toContain('new one');
    expect(github).not.toContain('known one');
  });

  it('JSON without a baseline has no status field (the version 1 contract is unchanged)', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json'])).stdout);
    expect(json.findings[0]).not.toHaveProperty('status');
    expect(json.summary).not.toHaveProperty('baseline');
  });

  it('a missing or malformed baseline is a usage error naming the file', async () => {
    const dir = temp();
    const missing = await run(['check', '--baseline', path.join(dir, 'nope.json')], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${path.join(dir, 'nope.json')}: cannot read the baseline: no such file`);
    expect(missing.options).toEqual([]);
    writeFileSync(path.join(dir, 'bad.json'), '{"version": 1, "findings": [{"rule": "x"}]}');
    const bad = await run(['check', '--baseline', path.join(dir, 'bad.json')], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bad.json: not a valid baseline: findings[0] has no fingerprint');
  });

  it('--write-baseline writes sorted, stable JSON, and that run passes', async () => {
    const dir = temp();
    const out = path.join(dir, 'written.json');
    const r = await run(['check', 'mm', '--write-baseline', out], { cwd: dir, result: resultOf([NEW, KNOWN, { ...KNOWN, line: 99 }]) });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`ptelint: wrote 3 findings to the baseline ${out}\n`);
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text)).toEqual({
      version: 1,
      tool: 'ptelint',
      findings: [
        { rule: 'alpha-rule', file: 'mm/x.c', function: 'known_fn', message: 'known one', fingerprint: '1111' },
        { rule: 'alpha-rule', file: 'mm/x.c', function: 'new_fn', message: 'new one', fingerprint: '2222' },
      ],
    });
    // The same findings in another order give the same bytes.
    expect(formatBaseline([KNOWN, NEW])).toBe(text);
    expect(parseBaseline('x', text)).toEqual({ baseline: { source: 'x', fingerprints: new Set(['1111', '2222']) } });
  });
});

describe('.ptelint.json', () => {
  function tree(config: unknown): string {
    const dir = temp();
    mkdirSync(path.join(dir, 'mm', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, '.ptelint.json'), typeof config === 'string' ? config : JSON.stringify(config));
    return dir;
  }

  it('is found by walking up from the first path, and its settings reach the engine', async () => {
    const dir = tree({ rules: { 'beta-rule': 'on', 'gamma-rule': 'off' }, kernelVersion: '6.1', legacyArch: true, ignore: ['mm/sub/**'] });
    const r = await run(['check', path.join(dir, 'mm', 'sub')]);
    expect(r.options).toHaveLength(1);
    const o = r.options[0];
    expect(o.only).toEqual(['alpha-rule', 'beta-rule']);
    expect(o.kernelVersion).toEqual({ major: 6, minor: 1 });
    expect(o.legacyArch).toBe(true);
    expect(o.ignored?.(path.join(dir, 'mm', 'sub', 'a.c'))).toBe(true);
    expect(o.ignored?.(path.join(dir, 'mm', 'a.c'))).toBe(false);
  });

  it('command-line flags win over it', async () => {
    const dir = tree({ rules: { 'beta-rule': 'on' }, kernelVersion: '6.1', failOn: 'never' });
    const r = await run(['check', dir, '--rule', 'gamma-rule', '--kernel-version', '6.12', '--fail-on', 'warning'], { result: resultOf([{ ...NEW, rule: 'gamma-rule' }]) });
    expect(r.options[0].only).toEqual(['gamma-rule']);
    expect(r.options[0].kernelVersion).toEqual({ major: 6, minor: 12 });
    expect(r.status).toBe(1);
    // Without the flag the file's failOn applies.
    expect((await run(['check', dir], { result: resultOf([{ ...NEW, rule: 'beta-rule' }]) })).status).toBe(0);
  });

  it('overrides severities (text, exit status, SARIF rule level)', async () => {
    const dir = tree({ rules: { 'alpha-rule': 'note' } });
    const r = await run(['check', dir], { result: resultOf([NEW]) });
    expect(r.stdout).toContain('mm/x.c:20:1: note: new one [alpha-rule]');
    expect(r.status).toBe(0);
    const sarif = JSON.parse((await run(['check', dir, '--format', 'sarif'], { result: resultOf([NEW]) })).stdout);
    const alpha = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'alpha-rule');
    expect(alpha.defaultConfiguration.level).toBe('note');
  });

  it('names the baseline, relative to the file', async () => {
    const dir = tree({ baseline: 'known.json' });
    writeFileSync(path.join(dir, 'known.json'), formatBaseline([KNOWN]));
    const r = await run(['check', path.join(dir, 'mm')]);
    expect(r.stdout).toContain('1 in the baseline');
    expect(r.stdout).not.toContain('known one');
  });

  it('--config FILE is used instead of searching; --no-config ignores the file', async () => {
    const dir = tree({ rules: { 'alpha-rule': 'off' } });
    const other = path.join(temp(), 'elsewhere.json');
    writeFileSync(other, JSON.stringify({ rules: { 'gamma-rule': 'off' } }));
    expect((await run(['check', dir, '--config', other])).options[0].only).toEqual(['alpha-rule']);
    expect((await run(['check', dir, '--no-config'])).options[0].only).toBeUndefined();
    expect((await run(['check', dir])).options[0].only).toEqual(['gamma-rule']);
  });

  it.each([
    [{ rule: {} }, "unknown key 'rule' (known keys: rules, ignore, kernelVersion, baseline, legacyArch, failOn)"],
    [{ rules: { 'no-such': 'on' } }, "rules: unknown rule 'no-such' (valid ids: alpha-rule, beta-rule, gamma-rule)"],
    [{ rules: { 'alpha-rule': 'loud' } }, 'rules.alpha-rule: expected one of on, off, error, warning, note, got "loud"'],
    [{ rules: ['alpha-rule'] }, 'rules: expected an object of rule id'],
    [{ ignore: 'mm/**' }, 'ignore: expected an array of glob patterns, got "mm/**"'],
    [{ ignore: ['', 'ok/**'] }, 'ignore[0]: expected a non-empty glob pattern, got ""'],
    [{ kernelVersion: 6.12 }, 'kernelVersion: expected a kernel version string such as "6.12", got 6.12'],
    [{ legacyArch: 'yes' }, 'legacyArch: expected true or false, got "yes"'],
    [{ failOn: 'sometimes' }, 'failOn: expected one of error, warning, note, never, got "sometimes"'],
    [{ baseline: 3 }, 'baseline: expected the path of a baseline file, got 3'],
    ['{"rules": {', 'not valid JSON'],
    ['[]', 'expected a JSON object'],
  ])('%j is an error naming the file and the key (exit 2)', async (config, message) => {
    const dir = tree(config);
    const r = await run(['check', dir]);
    expect(r.status).toBe(2);
    expect(r.options).toEqual([]);
    expect(r.stderr).toContain(`ptelint: ${path.join(dir, '.ptelint.json')}: ${message}`);
  });

  it('reports every problem of the file at once', async () => {
    const dir = tree({ failOn: 'x', legacyArch: 1, extra: true });
    const r = await run(['check', dir]);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
  });

  it('a --config file that does not exist is an error', async () => {
    const r = await run(['check', '--config', '/nonexistent/ptelint.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/nonexistent/ptelint.json: cannot read the config file: no such file');
  });
});

describe('an empty rule selection', () => {
  it('is a usage error, from --disable or from the config file, never a run of the defaults', async () => {
    const r = await run(['check', '--disable', 'alpha-rule,gamma-rule']);
    expect(r.status).toBe(2);
    expect(r.options).toEqual([]);
    expect(r.stderr).toContain('no rule left to run');
    const only = await run(['check', '--rule', 'beta-rule', '--disable', 'beta-rule']);
    expect(only.status).toBe(2);
  });

  it('disabling some of the rules still runs the rest', async () => {
    const r = await run(['check', '--disable', 'alpha-rule']);
    expect(r.status).toBe(0);
    expect(r.options[0].disable).toEqual(['alpha-rule']);
  });
});

describe('--quiet, --color, progress', () => {
  it('--quiet leaves only findings and errors', async () => {
    const clean = await run(['check', '--quiet'], { result: resultOf([]) });
    expect(clean.stdout).toBe('');
    const found = await run(['check', '--quiet'], { result: resultOf([NEW], { incomplete: [{ file: 'mm/x.c', function: 'g', line: 3, reason: 'r' }] }) });
    expect(found.stdout).toBe('mm/x.c:20:1: warning: new one [alpha-rule]\n  = help: fix it\n\n');
  });

  it('colour: --color beats FORCE_COLOR, which beats NO_COLOR, which beats the terminal', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(shouldUseColor(pipe, {}, 'always')).toBe(true);
    expect(shouldUseColor(tty, { FORCE_COLOR: '1' }, 'never')).toBe(false);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldUseColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(pipe, {})).toBe(false);
  });

  it('--color always colours a pipe; --color never a terminal', async () => {
    expect((await run(['check', '--color', 'always'], { result: resultOf([NEW]) })).stdout).toMatch(/\u001b\[/);
    const tty = { text: '' };
    await run(['check', '--color', 'never'], { result: resultOf([NEW]), stdout: { write: (s: string) => (tty.text += s), isTTY: true } });
    expect(tty.text).not.toMatch(/\u001b\[/);
    expect((await run(['check', '--color', 'sometimes'])).status).toBe(2);
  });

  it('progress: a terminal only, not with --quiet, after a delay, erased at the end', () => {
    let t = 0;
    const written: string[] = [];
    const stream = { write: (s: string) => written.push(s), isTTY: true };
    expect(progressDisplay({ write: () => 0, isTTY: false }, true)).toBeUndefined();
    expect(progressDisplay(stream, false)).toBeUndefined();
    const p = progressDisplay(stream, true, () => t)!;
    p.update({ done: 1, total: 3, functions: 4 });
    expect(written).toEqual([]);
    t = 600;
    p.update({ done: 2, total: 3, functions: 9 });
    t = 650; // within the redraw interval: skipped
    p.update({ done: 2, total: 3, functions: 10 });
    t = 660; // the last file is always drawn
    p.update({ done: 3, total: 3, functions: 11 });
    p.finish();
    expect(written).toEqual(['\r\u001b[Kptelint: 2/3 files, 9 functions, 0.6 s', '\r\u001b[Kptelint: 3/3 files, 11 functions, 0.7 s', '\r\u001b[K']);
    expect(formatProgress({ done: 1, total: 1, functions: 1 }, 1234)).toBe('1/1 files, 1 function, 1.2 s');
  });

  it('the CLI hands a progress callback to the engine only for a terminal without --quiet', async () => {
    const tty = { write: () => 0, isTTY: true };
    expect((await run(['check'], { stderr: tty })).options[0].onProgress).toBeTypeOf('function');
    expect((await run(['check', '--quiet'], { stderr: tty })).options[0].onProgress).toBeUndefined();
    expect((await run(['check'])).options[0].onProgress).toBeUndefined();
  });
});

describe('--shard and standard input reach the engine', () => {
  it('parses I/N and refuses what is not one', async () => {
    expect((await run(['check', '--shard', '2/4'])).options[0].shard).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/2']) expect((await run(['check', '--shard', bad])).status).toBe(2);
  });

  it('check - reads standard input under --stdin-filename, and frames findings from it', async () => {
    const r = await run(['check', '-', '--stdin-filename', 'mm/x.c'], {
      readStdin: async () => Buffer.from('a\nb\nc\n'),
      result: resultOf([finding('warning', { line: 2, column: 1 })]),
    });
    expect(r.options[0].stdin).toEqual({ name: 'mm/x.c', bytes: Buffer.from('a\nb\nc\n') });
    expect(r.stdout).toContain(' 2 | b\n');
    expect((await run(['check', '-'], { readStdin: async () => Buffer.from('') })).options[0].stdin?.name).toBe('<stdin>');
    expect((await run(['check', '-', 'mm'])).status).toBe(2);
  });
});
