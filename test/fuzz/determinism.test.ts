// Same input, same bytes: `check` of the 6.12 mm/ tree twice and with --jobs 1 and 2, and `patch`
// on a series (an mbox of edits of real mm/ code) twice. The JSON has no timing (it has one only with --timing).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { expectWellBehaved, runCli } from './cli-util.js';
import { shapedArb, unifiedDiff } from './patch-gen.js';
import { cLinesArb } from './c-source.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-fuzz-det-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('determinism', () => {
  it.skipIf(missingKernelTree('6.12'))('check of 6.12 mm/: byte-identical across runs and --jobs values', () => {
    const mm = path.join(kernelTree('6.12'), 'mm');
    const runs = [['--jobs', '2'], ['--jobs', '2'], ['--jobs', '1']].map((jobs) => {
      const run = runCli(['check', mm, '--format', 'json', '--fail-on', 'never', ...jobs], { timeoutMs: 300_000 });
      expectWellBehaved(run, true);
      return run.stdout;
    });
    expect((JSON.parse(runs[0]) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
  });

  it('patch on a series of kernel-style edits: byte-identical across runs', () => {
    // Three edits of windows of the fixtures' C, as one mbox (generated at test time, not stored).
    const shaped = fc.sample(shapedArb(cLinesArb(), 'mm/memory.c'), { seed: 613, numRuns: 3 });
    const mails = shaped.map((s, i) =>
      [`From 000000000000000000000000000000000000000${i} Mon Sep 17 00:00:00 2001`, 'From: A Tester <tester@example.org>', `Subject: [PATCH ${i + 1}/3] mm: edit ${i + 1}`, '', `Edit ${i + 1}.`, '', '---', ...unifiedDiff(s.file, s.pre, s.edits), '--', '2.43.0', ''].join('\n'),
    );
    const mbox = path.join(root, 'series.mbox');
    writeFileSync(mbox, mails.join('\n'));
    const runs = [0, 1].map(() => {
      const run = runCli(['patch', mbox, '--format', 'json', '--no-repo']);
      expectWellBehaved(run, true);
      return run.stdout;
    });
    expect((JSON.parse(runs[0]) as { patches: unknown[] }).patches).toHaveLength(3);
    expect(runs[1]).toBe(runs[0]);
  });
});
