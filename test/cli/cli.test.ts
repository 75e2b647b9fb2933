// The built binary end to end, with the real engine and rules: what a user or a CI script sees.
// Needs `npm run build` first (CI builds before `npm test`).

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { SEVERITY_RANK } from '../../src/finding.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');

let tree: string;

function ptelint(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: tree,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function write(rel: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
  writeFileSync(path.join(tree, rel), content);
}

// A rule's own flagged example gives exactly one finding of that rule (the docs test checks it),
// which makes it a finding source that does not depend on what the rules are.
const failing = allRules.find((r) => r.meta.enabledByDefault && SEVERITY_RANK[r.meta.severity] >= SEVERITY_RANK.warning);

const CLEAN = `static int add(int a, int b)
{
	return a + b;
}
`;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  tree = mkdtempSync(path.join(tmpdir(), 'ptelint-cli-'));
  write('clean/mm/add.c', CLEAN);
  write('clean/mm/add.h', 'int add(int a, int b);\n');
  write('mixed/mm/add.c', CLEAN);
  write('mixed/mm/bin.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]));
  write('binary/bin.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]));
  mkdirSync(path.join(tree, 'empty'));
  if (failing) {
    failing.meta.docs.examples.invalid.forEach((code, i) => write(`bad/mm/example-${i}.c`, code));
    write('bad/mm/add.c', CLEAN);
  }
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

describe('ptelint check (built)', () => {
  it('exits 0 on clean code and prints the summary', () => {
    const r = ptelint(['check', 'clean']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^2 files, \d+ functions?, 0 findings \(0 errors, 0 warnings, 0 notes\) in \d+ ms\n$/);
  });

  it('prints the JSON contract', () => {
    const r = ptelint(['check', 'clean', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'errors', 'incomplete', 'summary']);
    expect(report.summary.files).toBe(2);
    expect(report.findings).toEqual([]);
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  it('exits 2 for a missing path or a directory without C files', () => {
    const missing = ptelint(['check', 'no/such/dir']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('no/such/dir: error: no such file or directory\n');
    expect(ptelint(['check', 'empty']).status).toBe(2);
  });

  it('still analyzes the usable files next to an unusable one, reporting it', () => {
    const r = ptelint(['check', 'mixed']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('mixed/mm/bin.c: error: binary file (contains a NUL byte)\n');
    const json = JSON.parse(ptelint(['check', 'mixed', '--format', 'json']).stdout);
    expect(json.errors).toEqual([{ file: 'mixed/mm/bin.c', message: 'binary file (contains a NUL byte)' }]);
  });

  it('exits 2 when the only file given is unusable', () => {
    expect(ptelint(['check', 'binary/bin.c']).status).toBe(2);
  });

  it('exits 2 on usage errors, before analyzing anything', () => {
    for (const args of [['frobnicate'], ['check', '--jobs', '0'], ['check', '--kernel-version', 'x'], ['check', '--rule', 'no-such-rule']]) {
      const r = ptelint(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });

  it('gives the same bytes with --jobs 1 and --jobs 2', () => {
    const target = failing ? 'bad' : 'clean';
    const one = ptelint(['check', target, '--format', 'json', '--jobs', '1']);
    const two = ptelint(['check', target, '--format', 'json', '--jobs', '2']);
    expect(two.stdout).toBe(one.stdout);
    expect(two.status).toBe(one.status);
  });

  it('never writes into the tree it analyzes', () => {
    const snapshot = () => {
      const seen: string[] = [];
      const visit = (dir: string) => {
        for (const name of readdirSync(dir).sort()) {
          const st = lstatSync(path.join(dir, name));
          seen.push(`${path.join(dir, name)} ${st.mtimeMs} ${st.ctimeMs} ${st.size}`);
          if (st.isDirectory()) visit(path.join(dir, name));
        }
      };
      visit(tree);
      return seen;
    };
    const before = snapshot();
    ptelint(['check', '.']);
    ptelint(['check', '.', '--format', 'json', '--jobs', '2']);
    expect(snapshot()).toEqual(before);
  });

  describe('with findings', () => {
    const id = failing?.meta.id ?? '';

    it('exits 1 and prints each finding compiler-style, without colour into a pipe', () => {
      const r = ptelint(['check', 'bad']);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^bad/mm/example-\\d+\\.c:\\d+:\\d+: (error|warning): .+ \\[${id}\\]$`, 'm'));
      expect(r.stdout).toMatch(/^ +\| +\^$/m);
      expect(r.stdout).toMatch(/^ {2}= help: /m);
      expect(r.stdout).not.toMatch(/\u001b\[/);
    });

    it('follows --fail-on and --disable', () => {
      expect(ptelint(['check', 'bad', '--fail-on', 'never']).status).toBe(0);
      const disabled = JSON.parse(ptelint(['check', 'bad', '--disable', id, '--format', 'json']).stdout);
      expect(disabled.findings.filter((f: { rule: string }) => f.rule === id)).toEqual([]);
    });
  });
});

describe('ptelint rules / explain (built)', () => {
  it('lists every registered rule with its severity and default', () => {
    const r = ptelint(['rules']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(allRules.length);
    for (const rule of allRules) {
      const row = rows.find((line) => line.startsWith(`${rule.meta.id} `));
      expect(row, rule.meta.id).toBeDefined();
      const [, severity, onOff] = row!.split(/\s+/);
      expect(severity).toBe(rule.meta.severity);
      expect(onOff).toBe(rule.meta.enabledByDefault ? 'on' : 'off');
    }
  });

  it('explains every rule with its rationale and a flagged example', () => {
    for (const rule of allRules) {
      const r = ptelint(['explain', rule.meta.id]);
      expect(r.status, rule.meta.id).toBe(0);
      expect(r.stdout.startsWith(`${rule.meta.id} (${rule.meta.catalogue})`)).toBe(true);
      expect(r.stdout).toContain('Why this is a bug');
      // The rationale's first words, re-wrapped by the renderer.
      expect(r.stdout.replace(/\s+/g, ' ')).toContain(rule.meta.docs.why.split(/\s+/).slice(0, 8).join(' '));
      expect(r.stdout).toContain('Flagged');
      const firstLine = rule.meta.docs.examples.invalid[0].split('\n')[0];
      expect(r.stdout).toContain(firstLine);
    }
  });

  it('explains a rule, and exits 2 for an unknown id', () => {
    const id = allRules[0].meta.id;
    const r = ptelint(['explain', id]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`${id} (`)).toBe(true);
    const unknown = ptelint(['explain', 'no-such-rule']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(`valid ids: `);
    expect(unknown.stderr).toContain(id);
  });
});
