// readonly-restore-after-mkdirty (--legacy-arch) from hunks alone, when the installer sits below
// the last hunk: a patch that deletes 6.1 remove_migration_pte()'s `else pte = pte_wrprotect(pte);`
// (96a9c287e25d undone) shows the restore and the dirty step but not set_pte_at(). The rule judges
// the value where the fragment is cut, as if it were installed there.

import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { gitDiff, kernelTree, missingKernelTree, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const RULE = 'readonly-restore-after-mkdirty';
const noTree = missingKernelTree('6.1');
const wrprotect = '\t\telse if (pte_swp_uffd_wp(*pvmw.pte))\n\t\t\tpte = pte_mkuffd_wp(pte);\n\t\telse\n\t\t\tpte = pte_wrprotect(pte);\n';
let before: string;
let after: string;

async function run(patchText: string, tree: boolean) {
  const dir = tempDir();
  writeFiles(dir, { 'tree/mm/migrate.c': before, 'p.patch': patchText });
  return runPatch({
    inputs: [path.join(dir, 'p.patch')], only: [RULE], legacyArch: true, kernelVersion: parseKernelVersion('6.1'),
    ...(tree ? { tree: path.join(dir, 'tree') } : {}),
  });
}

describe.skipIf(noTree)('installer below the last hunk', () => {
  let patch: string;
  beforeAll(() => {
    before = readFileSync(path.join(kernelTree('6.1'), 'mm/migrate.c'), 'utf8');
    after = replaceOnce(before, wrprotect, '\t\telse if (pte_swp_uffd_wp(*pvmw.pte))\n\t\t\tpte = pte_mkuffd_wp(pte);\n');
    // Context enough to show mk_pte() and pte_mkdirty() above the deletion, not set_pte_at() below.
    patch = gitDiff(before, after, 'mm/migrate.c', 17);
  });

  test('the hunk does not show the installer', () => {
    const shown = patch.split('\n').filter((l) => l.startsWith(' ') || l.startsWith('-') || l.startsWith('+'));
    expect(shown.some((l) => l.includes('pte = mk_pte(new'))).toBe(true);
    expect(shown.some((l) => l.includes('pte = pte_mkdirty(pte)'))).toBe(true);
    expect(shown.some((l) => /set_(?:huge_)?pte_at\(/.test(l))).toBe(false);
  });

  test('from hunks alone the dropped write-protect is introduced at pte_mkdirty()', async () => {
    const r = await run(patch, false);
    expect(r.result.errors).toEqual([]);
    const got = r.result.findings.filter((f) => f.rule === RULE).map((f) => `${f.status} ${f.function} ${f.partial}`);
    expect(got).toEqual(['introduced remove_migration_pte true']);
    expect(r.result.findings.find((f) => f.rule === RULE)?.message).toContain('pte_mkdirty()');
  });

  test('with the tree the same finding, at the installer', async () => {
    const r = await run(patch, true);
    const got = r.result.findings.filter((f) => f.rule === RULE).map((f) => `${f.status} ${f.function} ${f.partial}`);
    expect(got).toEqual(['introduced remove_migration_pte false']);
  });

  test('the reverse patch (the fix) is seen fixing from hunks alone', async () => {
    const r = await run(gitDiff(after, before, 'mm/migrate.c', 17), false);
    const got = r.result.findings.filter((f) => f.rule === RULE).map((f) => `${f.status} ${f.function}`);
    expect(got).toEqual(['fixed remove_migration_pte']);
  });
});
