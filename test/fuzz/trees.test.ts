// `ptelint check` on trees that fight back: unreadable files, FIFOs, devices, symlink loops, a
// 2 GB sparse file, 100,000 empty files. Each bad path is an error entry or skipped, the scan goes
// on, the tree is not written, and the run ends with 0, 1 or 2.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSetpriv, expectWellBehaved, runCli, treeDigest } from './cli-util.js';

const GOOD = 'static int demo_fault(struct vm_area_struct *vma, pte_t *ptep)\n{\n\tpte_t pte = pte_mkwrite(ptep_get(ptep), vma);\n\n\tset_pte_at(vma->vm_mm, 0, ptep, pte);\n\treturn 0;\n}\n';

interface CheckJson {
  findings: { file: string }[];
  errors: { file: string; message: string }[];
  summary: { files: number };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-fuzz-trees-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hostile trees', () => {
  it('FIFO, /dev/zero link, symlink loops, a 2 GB sparse file and an unreadable file: each its own entry or skipped, the good file analyzed', () => {
    const t = path.join(root, 'hostile');
    mkdirSync(path.join(t, 'sub'), { recursive: true });
    writeFileSync(path.join(t, 'good.c'), GOOD);
    execFileSync('mkfifo', [path.join(t, 'fifo.c')]);
    symlinkSync('/dev/zero', path.join(t, 'zero.c'));
    symlinkSync('loop2.c', path.join(t, 'loop1.c'));
    symlinkSync('loop1.c', path.join(t, 'loop2.c'));
    symlinkSync('..', path.join(t, 'sub', 'up'));
    // A file removed after it was listed: a dangling link in the tree, and a named path that is gone.
    symlinkSync('removed.c', path.join(t, 'gone.c'));
    writeFileSync(path.join(t, 'big.c'), '');
    truncateSync(path.join(t, 'big.c'), 2 * 1024 ** 3);
    writeFileSync(path.join(t, 'secret.c'), GOOD);
    chmodSync(path.join(t, 'secret.c'), 0o000);
    const before = treeDigest(t);
    // As nobody when possible: root reads a mode-000 file.
    const run = runCli(['check', t, path.join(t, 'vanished.c'), '--format', 'json', '--fail-on', 'never'], canSetpriv ? { asUser: 65534 } : {});
    const out = expectWellBehaved(run, true) as CheckJson;
    expect(run.status).toBe(0);
    expect(out.findings.map((f) => path.basename(f.file))).toEqual(['good.c']);
    const errors = Object.fromEntries(out.errors.map((e) => [path.basename(e.file), e.message]));
    expect(errors['big.c']).toMatch(/larger than/);
    expect(errors['vanished.c']).toMatch(/no such file/);
    if (canSetpriv) expect(errors['secret.c']).toMatch(/permission denied/);
    // The FIFO, the device and the loops are not read (a read would hang or never end).
    for (const name of ['fifo.c', 'zero.c', 'loop1.c', 'loop2.c', 'gone.c']) expect(out.findings.some((f) => f.file.endsWith(name))).toBe(false);
    expect(treeDigest(t)).toBe(before);
  });

  it('100,000 empty files: all counted, memory reported', () => {
    const t = path.join(root, 'many');
    // touch(1) makes them in a few hundred milliseconds; 100,000 writeFileSync calls take tens of seconds.
    for (let d = 0; d < 100; d++) mkdirSync(path.join(t, `d${d}`), { recursive: true });
    execFileSync('bash', ['-c', 'for d in d*; do (cd "$d" && touch f{0..999}.c); done'], { cwd: t });
    writeFileSync(path.join(t, 'd0', 'good.c'), GOOD);
    const run = runCli(['check', t, '--format', 'json', '--fail-on', 'never', '--jobs', '2'], { time: true, timeoutMs: 300_000 });
    const out = expectWellBehaved(run, true) as CheckJson;
    expect(out.summary.files).toBe(100_001);
    expect(out.errors).toEqual([]);
    expect(out.findings).toHaveLength(1);
    // Not an assertion on time; the peak resident size is printed for the record .
    if (run.peakKb !== undefined) console.log(`check of 100,001 files: peak RSS ${Math.round(run.peakKb / 1024)} MiB`);
    if (run.peakKb !== undefined) expect(run.peakKb).toBeLessThan(2 * 1024 * 1024);
  });
});
