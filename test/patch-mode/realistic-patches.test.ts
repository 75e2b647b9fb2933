// The realistic multi-hunk patch set (test/corpus/realistic/cases.ts), generated at test time with
// `git format-patch` from a temporary repository built from the 6.12 and 6.1 corpus trees, judged
// three ways: hunks alone, --repo (that repository) and --tree (the files at the patch's parent).
//  - --repo must judge every patch exactly as --tree (same findings, statuses, lines), from blobs.
//  - With the tree, each bug is introduced with its rule, each fix fixed, each refactor silent,
//    except the gaps listed in `treeGaps` (each with its reason), which must be exactly what fails.
//  - From the hunks alone, the outcome of every patch is listed in `hunksAlone` and asserted
//    exactly: when detection improves, the list is updated on purpose.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, comparable, correct, generate, judge, markdownTable, verdict, type Judged, type Workspace } from '../corpus/realistic/build.js';
import { missingKernelTrees, ROOT } from './helpers.js';

const noTree = missingKernelTrees('6.12', '6.1');

let ws: Workspace;
const judged: Judged[] = [];

beforeAll(async () => {
  ws = generate(ROOT);
  // One patch at a time: the machine is shared.
  for (const p of ws.patches) judged.push(await judge(p));
  console.log(markdownTable(judged));
});
afterAll(() => {
  if (ws) cleanup(ws);
});

const key = (j: Judged): string => `${j.patch.shape.id} ${j.patch.variant}`;

/** Patches the whole-function analysis does not judge right yet, and why (analysis gaps). */
const treeGaps: Record<string, string> = {
  'b 6.12 refactor':
    'the carries moved into the new static helper swp_pte_carry_bits() are not summarised at its call site: the correct extraction reads as two lost carries',
  'b 6.1 bug':
    '6.1 try_to_migrate_one(): the device-private arm (folio_is_zone_device) loses its swap-entry carries unseen: the old entry is not typed swap there, and the present-only helper is not judged per entry kind',
  'b 6.1 fix': 'the same gap as "b 6.1 bug": restoring the carries is not seen as fixing anything',
  'd 6.12 bug':
    'softdirty-tracking-predicate judges raw VM_SOFTDIRTY tests only in functions that decide write permission; a helper that computes folio_pte_batch() flags for its caller is not one',
  'd 6.12 fix': 'the same gap as "d 6.12 bug"',
};

/** Hunks alone: what each patch is reported as today (`verdict`). */
const hunksAlone: Record<string, string> = {
  'a 6.12 bug': 'introduced batch-merged-restore in try_to_unmap_one',
  'a 6.12 fix': 'fixed batch-merged-restore in try_to_unmap_one',
  'a 6.12 refactor': '-',
  'b 6.12 bug': 'introduced uffd-wp-propagate in try_to_unmap_one',
  'b 6.12 fix': 'fixed soft-dirty-propagate in try_to_unmap_one; fixed uffd-wp-propagate in try_to_unmap_one',
  'b 6.12 refactor': '-',
  'b 6.1 bug': 'introduced soft-dirty-propagate in try_to_migrate_one; introduced uffd-wp-propagate in try_to_migrate_one',
  'b 6.1 fix': 'fixed soft-dirty-propagate in try_to_migrate_one; fixed uffd-wp-propagate in try_to_migrate_one',
  'b 6.1 refactor': '-',
  'c 6.12 bug': 'introduced uffd-wp-propagate in copy_nonpresent_pte',
  'c 6.12 fix': 'fixed uffd-wp-propagate in copy_nonpresent_pte',
  'c 6.12 refactor': '-',
  'c 6.1 bug': 'introduced uffd-wp-propagate in copy_nonpresent_pte',
  'c 6.1 fix': 'fixed uffd-wp-propagate in copy_nonpresent_pte',
  'c 6.1 refactor': '-',
  'd 6.12 bug': 'introduced softdirty-tracking-predicate in copy_pte_batch_flags',
  'd 6.12 fix': 'fixed softdirty-tracking-predicate in copy_pte_batch_flags',
  'd 6.12 refactor': '-',
  'e 6.12 bug': '-',
  'e 6.12 fix': 'fixed pte-write-grant-unjustified in hugetlb_install_folio',
  'e 6.12 refactor': '-',
};

describe.skipIf(noTree)('realistic multi-hunk patches', () => {
  test('every patch is a git format-patch mail with index lines and several hunks or files where the shape has them', () => {
    expect(judged.map(key).sort()).toEqual(Object.keys(hunksAlone).sort());
    for (const j of judged) {
      const report = j.results.repo.patches[0];
      expect(report.sources?.every((s) => s.source === 'blob'), `${key(j)}: ${JSON.stringify(report.sources)}`).toBe(true);
    }
    const multi = judged.filter((j) => j.results.repo.patches[0].hunks > 1).map(key);
    for (const id of ['a 6.12 bug', 'b 6.12 bug', 'b 6.1 bug', 'c 6.12 bug', 'c 6.1 bug']) expect(multi).toContain(id);
  });

  test('--repo judges every patch exactly as --tree', () => {
    for (const j of judged) {
      expect(j.results.repo.errors, key(j)).toEqual([]);
      expect(j.results.tree.errors, key(j)).toEqual([]);
      expect(comparable(j.results.repo), key(j)).toEqual(comparable(j.results.tree));
      expect(j.results.repo.findings.every((f) => !f.partial), key(j)).toBe(true);
    }
  });

  test('with the tree: bugs introduced with their rule, fixes fixed, refactors silent, but for the listed gaps', () => {
    const wrong = judged.filter((j) => !correct(j.patch.shape, j.patch.variant, j.results.tree));
    expect(
      wrong.map((j) => `${key(j)}: ${verdict(j.results.tree)}`).sort(),
    ).toEqual(Object.keys(treeGaps).map((k) => `${k}: ${verdict(judged.find((j) => key(j) === k)!.results.tree)}`).sort());
  });

  test('hunks alone: the outcome of every patch is the listed one', () => {
    const got = Object.fromEntries(judged.map((j) => [key(j), verdict(j.results.hunks)]));
    expect(got).toEqual(hunksAlone);
  });
});
