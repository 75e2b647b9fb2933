// A fix inside a same-file batch helper changes the verdict at its caller, which the patch does
// not touch: the upstream lazyfree and mremap fixes could be written either way (seed 000's
// pte_wrprotect() in the caller, or FPB_RESPECT_WRITE in the helper). The delta must analyze the
// callers of a changed helper too, or the helper form of the fix would show nothing.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { ROOT, gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const before = readFileSync(path.join(ROOT, 'fixtures/batch-merged-restore/regress-seed-000-lazyfree-restore.c'), 'utf8');
const after = replaceOnce(
  before,
  'return folio_pte_batch(folio, pvmw->pte, pte, limit);',
  'return folio_pte_batch_flags(folio, vma, pvmw->pte, &pte, limit, FPB_RESPECT_WRITE);',
);

describe('a fix in a batch helper', () => {
  test.each([
    ['with a tree', true],
    ['without a tree', false],
  ])('%s: the restores in the caller are reported fixed', async (_name, withTree) => {
    const dir = tempDir();
    writeFiles(dir, { 'tree/mm/rmap.c': before, 'fix.patch': gitDiff(before, after, 'mm/rmap.c') });
    const run = await runPatch({ inputs: [path.join(dir, 'fix.patch')], ...(withTree ? { tree: path.join(dir, 'tree') } : { repo: false }) });
    expect(run.result.errors).toEqual([]);
    const fixed = run.result.findings.filter((f) => f.status === 'fixed' && f.rule === 'batch-merged-restore');
    if (withTree) {
      // Both restores of try_to_unmap_one(), which the patch does not touch.
      expect(fixed.map((f) => f.function)).toEqual(['try_to_unmap_one', 'try_to_unmap_one']);
      expect(run.result.findings.filter((f) => f.status === 'introduced')).toEqual([]);
    } else {
      // From the hunks alone the caller is not visible; the change is judged at the helper
      // (src/engine/patch-mode/helper-policy.ts): its batch now respects the write bit.
      expect(run.result.findings.map((f) => `${f.status} ${f.rule} ${f.function} ${f.partial}`)).toEqual([
        'fixed batch-merged-restore folio_unmap_pte_batch true',
      ]);
      expect(run.result.findings[0].message).toContain('folio_pte_batch_flags() that now respects the write bit (FPB_RESPECT_WRITE)');
    }
  });

  test.each([
    ['with a tree', true],
    ['without a tree', false],
  ])('%s: a helper that stops passing FPB_RESPECT_WRITE is reported', async (_name, withTree) => {
    const dir = tempDir();
    writeFiles(dir, { 'tree/mm/rmap.c': after, 'bug.patch': gitDiff(after, before, 'mm/rmap.c') });
    const run = await runPatch({ inputs: [path.join(dir, 'bug.patch')], ...(withTree ? { tree: path.join(dir, 'tree') } : {}) });
    expect(run.result.errors).toEqual([]);
    const introduced = run.result.findings.filter((f) => f.status === 'introduced' && f.rule === 'batch-merged-restore');
    if (withTree) {
      // At the caller's restores, where the whole file shows them.
      expect(introduced.map((f) => f.function)).toEqual(['try_to_unmap_one', 'try_to_unmap_one']);
    } else {
      expect(introduced.map((f) => `${f.function} ${f.partial}`)).toEqual(['folio_unmap_pte_batch true']);
      expect(introduced[0].message).toContain('no longer respects the write bit (FPB_RESPECT_WRITE)');
    }
  });

  test('a helper edit that keeps the policy says nothing', async () => {
    const renamed = replaceOnce(after, 'FPB_RESPECT_WRITE);', 'FPB_RESPECT_WRITE | FPB_RESPECT_DIRTY);');
    const dir = tempDir();
    writeFiles(dir, { 'p.patch': gitDiff(after, renamed, 'mm/rmap.c') });
    const run = await runPatch({ inputs: [path.join(dir, 'p.patch')] });
    expect(run.result.findings).toEqual([]);
  });
});
