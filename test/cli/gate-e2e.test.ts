// Gating with the real engine: the baseline round trip on the fixtures and on the 6.12 mm/ tree
// (write, rescan: nothing new; edit one function of a copied file: exactly one new), shards whose
// union is the full run, `check -`, the empty selection with worker threads (the built binary),
// natural order of errors, and the kernel version said with --verbose.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/program.js';
import { runCheck } from '../../src/engine/run.js';
import { listRules } from '../../src/engine/registry.js';
import type { Finding } from '../../src/finding.js';
import { shardOf } from '../../src/input/select-files.js';
import { BAD_GUARD, cli, editRemoveMigrationPte, GOOD_GUARD, kernelTree, MIGRATE, missingKernelTree, removeTemps, ROOT, tempDir, type CliRun } from '../patch-mode/helpers.js';

const CLI = path.join(ROOT, 'dist/src/cli/main.js');

type Out = CliRun;

// The engine resolves relative paths against the process's directory (the repository): tests in
// temporary trees pass absolute paths.
function ptelint(argv: string[], cwd: string, over: Partial<CliIo> = {}): Promise<Out> {
  return cli(argv, { env: {}, cwd, ...over });
}

function findingsOf(out: Out): Array<Finding & { status?: string }> {
  return JSON.parse(out.stdout).findings;
}

afterAll(removeTemps);

describe('baseline round trip', () => {
  it('on the fixtures: write, rescan (nothing new), edit one function (exactly one new)', async () => {
    const dir = tempDir('ptelint-gate-fix-');
    cpSync(path.join(ROOT, 'fixtures'), path.join(dir, 'fixtures'), { recursive: true });
    const baseline = path.join(dir, 'baseline.json');
    const written = await ptelint(['check', path.join(dir, 'fixtures'), '--write-baseline', baseline, '--format', 'json'], dir);
    expect(written.status).toBe(0);
    const all = findingsOf(written);
    expect(all.length).toBeGreaterThan(50);
    expect(all.every((f) => f.status === 'baseline')).toBe(true);
    const entries = JSON.parse(readFileSync(baseline, 'utf8')).findings;
    expect(entries.length).toBe(new Set(all.map((f) => f.fingerprint)).size);

    const rescan = await ptelint(['check', path.join(dir, 'fixtures'), '--baseline', baseline, '--format', 'json'], dir);
    expect(rescan.status).toBe(0);
    expect(findingsOf(rescan).filter((f) => f.status === 'new')).toEqual([]);

    // One function of one file edited: its VMA grant is the only new finding; lines shifted by the
    // inserted comment leave every other finding of the file known.
    const file = path.join(dir, 'fixtures/redundant-maybe-mkwrite/invalid-source-write-checked.c');
    const text = readFileSync(file, 'utf8');
    const edited = text
      .replace('static void restore_exclusive_pte(', '/* moved down a line */\nstatic void restore_exclusive_pte(')
      .replace('mapped = pte_mkold(mk_pte(page, READ_ONCE(vma->vm_page_prot)));\n', 'mapped = pte_mkold(mk_pte(page, READ_ONCE(vma->vm_page_prot)));\n\tif (vma->vm_flags & VM_WRITE)\n\t\tmapped = pte_mkwrite(mapped, vma);\n');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const after = await ptelint(['check', path.join(dir, 'fixtures'), '--baseline', baseline, '--format', 'json'], dir);
    const fresh = findingsOf(after).filter((f) => f.status === 'new');
    expect(fresh.map((f) => [f.function, f.rule])).toEqual([['restore_exclusive_pte', 'pte-write-grant-unjustified']]);
    expect(after.status).toBe(1);
  });

  it.skipIf(missingKernelTree('6.12'))('on the real 6.12 mm/: write, rescan (zero new), edit remove_migration_pte() in a copy (exactly one new)', { timeout: 600_000 }, async () => {
    const corpus = kernelTree('6.12');
    const dir = tempDir('ptelint-gate-mm-');
    mkdirSync(path.join(dir, 'linux'));
    cpSync(path.join(corpus, 'Makefile'), path.join(dir, 'linux/Makefile'));
    const LINUX_MM = path.join(dir, 'linux/mm');
    cpSync(path.join(corpus, 'mm'), LINUX_MM, { recursive: true });
    const baseline = path.join(dir, 'mm-baseline.json');

    const written = await ptelint(['check', LINUX_MM, '--write-baseline', baseline, '--format', 'json'], dir);
    expect(written.status).toBe(0);
    const known = findingsOf(written);
    // The pristine tree's own candidates (test/corpus/expected-6.12.json): accepted, not hidden.
    expect(known.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings.map((e: { file: string }) => e.file)).toContain(path.join(dir, 'linux/mm/ksm.c'));

    const rescan = await ptelint(['check', LINUX_MM, '--baseline', baseline], dir);
    expect(rescan.status).toBe(0);
    expect(rescan.stdout).toMatch(new RegExp(`, 0 findings \\(0 errors, 0 warnings, 0 notes\\), ${known.length} in the baseline in \\d+ ms\\n$`));

    const migrate = path.join(dir, 'linux', MIGRATE);
    writeFileSync(migrate, editRemoveMigrationPte(readFileSync(migrate, 'utf8'), GOOD_GUARD, BAD_GUARD));
    const after = await ptelint(['check', LINUX_MM, '--baseline', baseline, '--format', 'json'], dir);
    const fresh = findingsOf(after).filter((f) => f.status === 'new');
    expect(fresh.map((f) => [f.file, f.function, f.rule])).toEqual([[path.join(dir, 'linux/mm/migrate.c'), 'remove_migration_pte', 'pte-write-grant-unjustified']]);
    expect(findingsOf(after).filter((f) => f.status === 'baseline')).toHaveLength(known.length);
    expect(after.status).toBe(1);

    // The shards of the same tree: each file in exactly one, and their union is the full run.
    const full = JSON.stringify(findingsOf(after).map((f) => f.fingerprint).sort());
    const union: string[] = [];
    let files = 0;
    for (let i = 1; i <= 3; i++) {
      const shard = JSON.parse((await ptelint(['check', LINUX_MM, '--shard', `${i}/3`, '--format', 'json'], dir)).stdout);
      union.push(...shard.findings.map((f: Finding) => f.fingerprint));
      files += shard.summary.files;
    }
    expect(JSON.stringify(union.sort())).toBe(full);
    expect(files).toBe(JSON.parse(after.stdout).summary.files);
  });
});

describe('--shard', () => {
  it('on the fixtures: the shards partition the files and their findings add up to the full run', async () => {
    const full = JSON.parse((await ptelint(['check', 'fixtures', '--format', 'json'], ROOT)).stdout);
    for (const n of [1, 2, 5]) {
      const parts = [];
      for (let i = 1; i <= n; i++) parts.push(JSON.parse((await ptelint(['check', 'fixtures', '--shard', `${i}/${n}`, '--format', 'json'], ROOT)).stdout));
      expect(parts.reduce((s, p) => s + p.summary.files, 0)).toBe(full.summary.files);
      const union = parts.flatMap((p) => p.findings).sort((a, b) => (a.fingerprint + a.line < b.fingerprint + b.line ? -1 : 1));
      const whole = [...full.findings].sort((a, b) => (a.fingerprint + a.line < b.fingerprint + b.line ? -1 : 1));
      expect(union).toEqual(whole);
    }
  });

  it('assigns by the path alone, deterministically', () => {
    expect(shardOf('mm/rmap.c', 4)).toBe(shardOf('mm/rmap.c', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[shardOf(`mm/file${i}.c`, 4) - 1]++;
    // Every shard gets some of a few hundred files.
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});

describe('check - (standard input)', () => {
  it('gives the findings of the same file read from disk, under --stdin-filename', async () => {
    const rel = 'fixtures/redundant-maybe-mkwrite/invalid-source-write-checked.c';
    const bytes = readFileSync(path.join(ROOT, rel));
    const fromDisk = findingsOf(await ptelint(['check', rel, '--format', 'json'], ROOT));
    const fromStdin = await ptelint(['check', '-', '--stdin-filename', rel, '--format', 'json'], ROOT, { readStdin: async () => bytes });
    expect(findingsOf(fromStdin)).toEqual(fromDisk);
    const text = await ptelint(['check', '-'], ROOT, { readStdin: async () => bytes });
    expect(text.stdout).toMatch(/^<stdin>:\d+:\d+: note: maybe_mkwrite\(\)/);
    expect(text.stdout).toContain('|                          ^'); // the code frame, from the bytes read
  });

  it('refuses binary input like a binary file, and exits 2', async () => {
    const r = await ptelint(['check', '-'], ROOT, { readStdin: async () => Buffer.from([0x7f, 0x45, 0x00]) });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('<stdin>: error: binary file (contains a NUL byte)\n');
  });
});

describe('the engine and the built binary', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  });

  it('an empty selection runs nothing, in-process or in workers', async () => {
    expect((await runCheck({ paths: [path.join(ROOT, 'fixtures')], only: [] })).findings).toEqual([]);
    const defaults = listRules().filter((r) => r.meta.enabledByDefault).map((r) => r.meta.id).join(',');
    const run = spawnSync(process.execPath, [CLI, 'check', 'fixtures', '--disable', defaults, '--jobs', '2'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no rule left to run');
  });

  it('--rule in worker threads runs that rule only', () => {
    const run = spawnSync(process.execPath, [CLI, 'check', 'fixtures', '--rule', 'redundant-maybe-mkwrite', '--jobs', '2', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    const rules = new Set(JSON.parse(run.stdout).findings.map((f: Finding) => f.rule));
    expect([...rules]).toEqual(['redundant-maybe-mkwrite']);
  });

  it('check - reads the real standard input; no progress on a pipe', () => {
    const rel = 'fixtures/redundant-maybe-mkwrite/invalid-source-write-checked.c';
    const run = spawnSync(process.execPath, [CLI, 'check', '-', '--stdin-filename', rel], { cwd: ROOT, encoding: 'utf8', input: readFileSync(path.join(ROOT, rel)) });
    expect(run.stdout).toMatch(new RegExp(`^${rel.replace(/\./g, '\\.')}:\\d+:\\d+: note:`));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('errors and the kernel version', () => {
  it('errors sort in natural order, and count in the summary line', async () => {
    const dir = tempDir('ptelint-gate-err-');
    for (const n of [1, 2, 9, 10, 11]) writeFileSync(path.join(dir, `file${n}.c`), Buffer.from([0x7f, 0x00]));
    writeFileSync(path.join(dir, 'ok.c'), 'int f(void)\n{\n\treturn 0;\n}\n');
    const r = await ptelint(['check', dir], dir);
    expect(r.stderr.split('\n').filter(Boolean).map((l) => path.basename(l.split(':')[0]))).toEqual(['file1.c', 'file2.c', 'file9.c', 'file10.c', 'file11.c']);
    expect(r.stdout).toMatch(/^1 file, 0 functions, 0 findings \(0 errors, 0 warnings, 0 notes\), 5 unusable inputs in \d+ ms\n$/);
    const github = await ptelint(['check', path.join(dir, 'file1.c'), '--format', 'github'], dir);
    expect(github.status).toBe(2);
    expect(github.stdout).toMatch(/, 1 unusable input in \d+ ms\n$/);
  });

  it('--verbose says which kernel version applies; --kernel-version against a Makefile warns', async () => {
    const dir = tempDir('ptelint-gate-ver-');
    mkdirSync(path.join(dir, 'mm'));
    writeFileSync(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\n');
    writeFileSync(path.join(dir, 'mm/a.c'), 'int f(void)\n{\n\treturn 0;\n}\n');
    const mm = path.join(dir, 'mm');
    const verbose = await ptelint(['check', mm, '--verbose'], dir);
    expect(verbose.stderr).toBe("ptelint: kernel 6.12 semantics (from the tree's Makefile)\n");
    const mismatch = await ptelint(['check', mm, '--kernel-version', '6.1'], dir);
    expect(mismatch.stderr).toBe("ptelint: warning: --kernel-version 6.1 differs from the tree's Makefile (6.12); the Makefile's version is used\n");
    expect((await ptelint(['check', mm, '--kernel-version', '6.12'], dir)).stderr).toBe('');
    const bare = tempDir('ptelint-gate-nover-');
    writeFileSync(path.join(bare, 'a.c'), 'int f(void)\n{\n\treturn 0;\n}\n');
    expect((await ptelint(['check', bare, '--verbose', '--kernel-version', '6.1'], bare)).stderr).toBe(
      'ptelint: kernel 6.1 semantics (from --kernel-version or the config file; no kernel Makefile found)\n',
    );
  });
});
