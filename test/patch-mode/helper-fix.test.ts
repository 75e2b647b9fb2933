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
      // From the hunks alone the caller is not visible: nothing can be said, and nothing is.
      expect(run.result.findings).toEqual([]);
    }
  });
});
