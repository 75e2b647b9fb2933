// Where the seed mails are: the four linux-mm threads ptelint comes from, kept outside the
// repository (../shared/seeds beside it, where CI clones it, or $PTELINT_SEEDS).
// No vitest here: test/global-setup.ts runs it in vitest's main process.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where an input is, or why it is not there and how to get it. */
export type Found = { path: string } | { missing: string };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const SEED_NAMES = ['000_078595668a4d2aee.txt', '001_e4f5635063f6af27.txt', '002_80c2c555699633bc.txt', '003_76a2b6702c6d1556.txt'];

/** `$PTELINT_SEEDS`, else `../shared/seeds/` beside the repository. */
export function seedsDir(): string {
  return process.env.PTELINT_SEEDS || path.resolve(ROOT, '../shared/seeds');
}

/** The seed directory if it holds all four mails, else which are missing and how to get them. */
export function findSeeds(): Found {
  const dir = seedsDir();
  const absent = SEED_NAMES.filter((name) => !existsSync(path.join(dir, name)));
  if (absent.length === 0) return { path: dir };
  return {
    missing: `the seed mails ${absent.join(', ')} are not in ${dir} (put the four linux-mm threads in ../shared/seeds beside the repository, or set PTELINT_SEEDS to their directory)`,
  };
}
