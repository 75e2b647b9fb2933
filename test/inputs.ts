// The inputs some tests read from outside the repository, as test files see them: the seed mails
// (test/seed-mails.ts) and the real kernel trees (test/corpus/kernel-trees.ts). A plain clone may
// have neither; test/global-setup.ts looks for them once per run, says what is missing and how to
// get it, and hands what it found to every test file.
//
//   describe.skipIf(missingSeeds())('...', () => { ... seed('003') ... });
//   describe.skipIf(missingKernelTree('6.12'))('...', () => { ... kernelTree('6.12') ... });
//
// The skip depends on the input alone: where the input is there, the suite runs.

import path from 'node:path';
import { inject } from 'vitest';
import type { KernelVersion } from './corpus/kernel-trees.js';
import { SEED_NAMES, type Found } from './seed-mails.js';

export type { KernelVersion };

export interface TestInputs {
  seeds: Found;
  trees: Record<KernelVersion, Found>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testInputs: TestInputs;
  }
}

function provided(): TestInputs {
  const inputs = inject('testInputs');
  if (!inputs) {
    throw new Error('no test inputs: a file that needs the seed mails or a kernel tree belongs to the integration project of vitest.config.ts, not to the unit one');
  }
  return inputs;
}

/** Why the seed mails are not available, or undefined when they are. */
export function missingSeeds(): string | undefined {
  const found = provided().seeds;
  return 'missing' in found ? found.missing : undefined;
}

/** The path of the seed mail whose name starts with `prefix` (`003`). */
export function seed(prefix: string): string {
  const name = SEED_NAMES.find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no seed ${prefix}`);
  const found = provided().seeds;
  if ('missing' in found) throw new Error(found.missing);
  return path.join(found.path, name);
}

/** Why the kernel tree of `version` is not available, or undefined when it is. */
export function missingKernelTree(version: KernelVersion): string | undefined {
  const found = provided().trees[version];
  return 'missing' in found ? found.missing : undefined;
}

/** Why one of the kernel trees of `versions` is not available, or undefined when all are. */
export function missingKernelTrees(...versions: KernelVersion[]): string | undefined {
  const reasons = versions.map(missingKernelTree).filter((r) => r !== undefined);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The unpacked subset tree of `version` (mm/ include/ arch/ fs/proc/ scripts/ Makefile). */
export function kernelTree(version: KernelVersion): string {
  const found = provided().trees[version];
  if ('missing' in found) throw new Error(found.missing);
  return found.path;
}
