// Where the real kernel trees from Debian's linux-source packages are (scripts/kernel-corpus.sh).
// Installing and unpacking them is the script's job (CI runs it first); test/global-setup.ts asks it
// once per run, and test files get the answer through test/inputs.ts. No vitest here: this runs in
// vitest's main process.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Found } from '../seed-mails.js';

export type KernelVersion = '6.1' | '6.12';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.resolve(repoRoot, 'scripts/kernel-corpus.sh');

/**
 * The subset tree of `version` (unpacked by the script when it is not yet, which may install
 * Debian's package), or why the script could not give it: its own last words, which name the
 * command to run. With PTELINT_CORPUS_OFFLINE=1 the script only looks in its cache.
 */
export function findKernelTree(version: KernelVersion): Found {
  const run = spawnSync('bash', [script, version], { encoding: 'utf8' });
  const tree = run.stdout?.trim();
  if (run.status === 0 && tree && existsSync(path.join(tree, '.complete'))) return { path: tree };
  const said = (run.stderr ?? '').trim().split('\n').filter((l) => l !== '').at(-1) ?? run.error?.message ?? `exit status ${run.status}`;
  return { missing: `the ${version} kernel tree: scripts/kernel-corpus.sh ${version} failed: ${said}` };
}

/**
 * The whole unpacked tree (`scripts/kernel-corpus.sh <version> --full`), or undefined when it has not been
 * unpacked: a test that needs it says why it is skipped rather than spend minutes unpacking.
 * The cache location is the script's.
 */
export function unpackedFullKernelTree(version: KernelVersion): string | undefined {
  const cache = process.env.PTELINT_CORPUS || path.join(process.env.HOME ?? '', '.cache/ptelint-corpus');
  const tree = path.join(cache, `linux-${version}-full`);
  return existsSync(path.join(tree, '.complete')) ? tree : undefined;
}
