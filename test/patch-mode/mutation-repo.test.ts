// Every mutation case of test/corpus/cases/*.ts as a real patch (`git diff`, so with `index`
// lines), read with --repo from a repository holding only the pristine files' blobs (`git
// hash-object -w`, no commit, no tree of files): the images must be exactly those --tree gives
// (same pre- and post-image text, changed lines and patch lines), so every case is judged as with
// the tree. A sample is also run end to end and compared finding by finding.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { buildImages, GitRepo, repoSource, treeSource, type FileImages } from '../../src/input/images.js';
import { readPatchText } from '../../src/input/patch/index.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import * as bits from '../corpus/cases/bits.js';
import * as core from '../corpus/cases/core.js';
import * as excl from '../corpus/cases/excl.js';
import * as fork from '../corpus/cases/fork.js';
import * as r4r13 from '../corpus/cases/r4r13.js';
import * as r6 from '../corpus/cases/r6.js';
import * as upgrade from '../corpus/cases/upgrade.js';
import { tree, type MutationCase } from '../corpus/mutation-harness.js';
import { mutateFunction } from '../corpus/mutate.js';
import { git, gitDiff, missingKernelTrees, removeTemps, tempDir } from './helpers.js';

const noTree = missingKernelTrees('6.12', '6.1');

const cases: MutationCase[] = [core, bits, r6, excl, fork, r4r13, upgrade].flatMap((t) => t.cases);

let repo: GitRepo;
let repoDir: string;
const patches: Array<{ c: MutationCase; text: string }> = [];

beforeAll(() => {
  repoDir = tempDir('ptelint-mut-repo-');
  git(repoDir, ['init', '-q', '--bare']);
  const pristine = new Set<string>();
  for (const c of cases) {
    const file = path.join(tree(c.version), c.file);
    pristine.add(file);
    const text = readFileSync(file, 'utf8');
    patches.push({ c, text: gitDiff(text, mutateFunction(text, c.fn, c.find, c.replace).text, c.file) });
  }
  git(repoDir, ['hash-object', '-w', '--', ...pristine]);
  const opened = GitRepo.open(repoDir);
  if ('error' in opened) throw new Error(opened.error);
  repo = opened;
});
afterAll(removeTemps);

const shape = (i: FileImages) => ({
  path: i.path,
  errors: i.errors,
  pre: i.pre && { text: i.pre.text, partial: i.pre.partial, changed: i.pre.changedLines, lines: i.pre.changedLines.map((l) => i.pre!.inputLineOf(l)) },
  post: i.post && { text: i.post.text, partial: i.post.partial, changed: i.post.changedLines, lines: i.post.changedLines.map((l) => i.post!.inputLineOf(l)) },
});

describe.skipIf(noTree)('mutation cases with --repo', () => {
  test(`all ${cases.length} cases: the images from the blobs are the tree's`, async () => {
    const mismatched: string[] = [];
    for (const { c, text } of patches) {
      const [patch] = (await readPatchText(`${c.name}.patch`, text)).patches;
      const fromRepo = await buildImages(patch, repoSource(repo, undefined, true));
      const fromTree = await buildImages(patch, treeSource(tree(c.version)));
      expect(fromRepo.map((i) => i.provenance?.source), c.name).toEqual(['blob']);
      if (JSON.stringify(fromRepo.map(shape)) !== JSON.stringify(fromTree.map(shape))) mismatched.push(c.name);
    }
    expect(mismatched).toEqual([]);
  });

  test('a sample end to end: the same findings as with the tree', async () => {
    const dir = tempDir('ptelint-mut-repo-in-');
    for (const { c, text } of patches.filter((_, i) => i % 25 === 0)) {
      const file = path.join(dir, `${patches.findIndex((p) => p.c === c)}.patch`);
      writeFileSync(file, text);
      // The tree's Makefile gives its version; the blobs-only repository has none, so name it.
      const common = { inputs: [file], kernelVersion: parseKernelVersion(c.version), legacyArch: c.legacyArch };
      const withRepo = await runPatch({ ...common, repo: repoDir });
      const withTree = await runPatch({ ...common, tree: tree(c.version), repo: false });
      const key = (r: typeof withRepo) => r.result.findings.map((f) => `${f.status} ${f.rule} ${f.line} ${f.function} ${f.partial}`);
      expect(key(withRepo), c.name).toEqual(key(withTree));
      expect(withRepo.result.findings.some((f) => f.status === 'introduced' && f.rule === c.rule), c.name).toBe(true);
    }
  });
});
