// The built CLI on damaged patches, against a tree and without one: exit 0, 1 or 2, no stack
// trace, one JSON document on stdout, every error naming the patch, the tree not written. Few runs
// (each spawns node); the in-process properties (patch-input.fuzz.test.ts) carry the volume.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzz } from './harness.js';
import { damaged, damageArb, ownSourceArb, shapedArb, unifiedDiff } from './patch-gen.js';
import { expectWellBehaved, runCli, treeDigest } from './cli-util.js';

interface PatchJson {
  errors: { file: string; message: string }[];
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-fuzz-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
describe('ptelint patch on damaged input', () => {
  it('damaged real-shaped patches, with --tree and without', async () => {
    await fuzz('cli-patch-damaged', fc.tuple(shapedArb(ownSourceArb), damageArb, fc.boolean()), 8, ({ 0: shaped, 1: damage, 2: withTree }) => {
      const dir = path.join(root, `run${++n}`);
      const tree = path.join(dir, 'tree');
      mkdirSync(path.join(tree, 'mm'), { recursive: true });
      writeFileSync(path.join(tree, 'mm/demo.c'), shaped.pre.join('\n') + '\n');
      const patch = path.join(dir, 'damaged.patch');
      writeFileSync(patch, damaged(unifiedDiff(shaped.file, shaped.pre, shaped.edits), damage, 20_000));
      const before = treeDigest(dir);
      const run = runCli(['patch', patch, '--format', 'json', '--no-repo', ...(withTree ? ['--tree', tree] : [])]);
      const out = expectWellBehaved(run, true) as PatchJson;
      for (const e of out.errors) expect(e.file).toBe(patch);
      expect(treeDigest(dir)).toBe(before);
    });
  });

  it('arbitrary bytes on standard input', async () => {
    await fuzz('cli-patch-stdin', fc.uint8Array({ maxLength: 2048 }), 4, (bytes) => {
      const run = runCli(['patch', '-', '--format', 'json', '--no-repo'], { input: Buffer.from(bytes) });
      const out = expectWellBehaved(run, true) as PatchJson;
      expect(run.status).toBe(2);
      for (const e of out.errors) expect(e.file).toBe('-');
    });
  });
});
