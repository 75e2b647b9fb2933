// Paths of the real kernel trees from Debian's linux-source packages (scripts/kernel-corpus.sh).
// Installing them is the script's job (CI runs it first); tests only ask where they are.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.resolve(repoRoot, 'scripts/kernel-corpus.sh');

export function kernelTree(version: '6.1' | '6.12'): string {
  return execFileSync('bash', [script, version], { encoding: 'utf8' }).trim();
}

/**
 * The whole unpacked tree (`scripts/kernel-corpus.sh <version> --full`), or undefined when it has not been
 * unpacked: a test that needs it says why it is skipped rather than spend minutes unpacking.
 * The cache location is the script's.
 */
export function unpackedFullKernelTree(version: '6.1' | '6.12'): string | undefined {
  const cache = process.env.PTELINT_CORPUS || path.join(process.env.HOME ?? '', '.cache/ptelint-corpus');
  const tree = path.join(cache, `linux-${version}-full`);
  return existsSync(path.join(tree, '.complete')) ? tree : undefined;
}
