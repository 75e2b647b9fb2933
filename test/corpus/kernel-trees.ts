// Paths of the real kernel trees from Debian's linux-source packages (scripts/kernel-corpus.sh).
// Installing them is the script's job (CI runs it first); tests only ask where they are.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.resolve(repoRoot, 'scripts/kernel-corpus.sh');

export function kernelTree(version: '6.1' | '6.12'): string {
  return execFileSync('bash', [script, version], { encoding: 'utf8' }).trim();
}
