// Noise from hunks alone on a real, large diff: the 6.1 -> 6.12 change of the mm files ptelint
// cares about, as `git diff` writes it (one file after another, 3 lines of context), analyzed
// without a tree. Two years of upstream refactoring (helpers split out, batching, folio
// conversions) are exactly what partial images see least of, so every finding the diff
// "introduces" must be in `expected` below with its reason; the list may only grow by a true
// positive. Kernel text is read at test time; the patch is written to a temporary directory.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { kernelTree, missingKernelTrees } from '../inputs.js';
import { gitDiff, removeTemps, tempDir } from './helpers.js';

afterAll(removeTemps);

const FILES = [
  'memory.c', 'huge_memory.c', 'hugetlb.c', 'migrate.c', 'migrate_device.c', 'rmap.c', 'mprotect.c',
  'mremap.c', 'ksm.c', 'swapfile.c', 'userfaultfd.c', 'madvise.c', 'khugepaged.c', 'gup.c',
].map((f) => `mm/${f}`);

/** `rule function`: why the 6.1 -> 6.12 diff, read from its hunks alone, reports it as introduced. */
const expected: Record<string, string> = {
  'pte-write-grant-unjustified hugetlb_install_folio':
    'true positive, renamed: 6.1 hugetlb_install_page() had it too (reported fixed there); `check` reports it on the 6.12 tree (expected-6.12.json)',
  'uffd-wp-propagate change_huge_pmd':
    'hunk-carry: 6.12 dropped `if (pmd_swp_uffd_wp(*pmd)) newpmd = pmd_swp_mkuffd_wp(newpmd)` from the writable-migration arm; with the tree it is silent (a writable migration entry has no uffd-wp), the deletion alone is what the hunk shows',
  'uffd-wp-propagate zap_pte_range':
    'hunk-carry: 6.12 moved zap_install_uffd_wp_if_needed() into zap_present_ptes()/zap_nonpresent_ptes(); the carry moved into a helper, not lost',
};

test.skipIf(missingKernelTrees('6.1', '6.12'))('6.1 -> 6.12 mm diff from hunks alone introduces only the listed findings', async () => {
  const old = kernelTree('6.1');
  const now = kernelTree('6.12');
  const files = FILES.filter((f) => existsSync(path.join(old, f)) && existsSync(path.join(now, f)));
  expect(files.length, 'both trees hold the mm files').toBe(FILES.length);
  const patch = files
    .map((f) => gitDiff(readFileSync(path.join(old, f), 'utf8'), readFileSync(path.join(now, f), 'utf8'), f))
    .join('');
  const file = path.join(tempDir('ptelint-vd-'), '6.1-6.12.patch');
  writeFileSync(file, patch);
  const { result } = await runPatch({ inputs: [file], kernelVersion: parseKernelVersion('6.12') });
  expect(result.errors, 'every hunk reads').toEqual([]);
  const introduced = result.findings.filter((f) => f.status === 'introduced');
  const got = [...new Set(introduced.map((f) => `${f.rule} ${f.function}`))].sort();
  expect(got, introduced.map((f) => `${f.file}:${f.line} ${f.rule} ${f.function}: ${f.message}`).join('\n')).toEqual(Object.keys(expected).sort());
});
