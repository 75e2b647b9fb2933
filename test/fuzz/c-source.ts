// Lines of kernel-style C for the fuzzers: the repository's own fixtures (fixtures/<rule-id>/*.c,
// C written in the kernel's idiom), read in name order as one long file. No kernel tree is needed,
// and a failing seed replays the same input on every machine.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

let cache: string[] | undefined;
function fixtureLines(): string[] {
  if (!cache) {
    const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.c'))
      .sort();
    cache = files.flatMap((f) => readFileSync(path.join(FIXTURES, f), 'utf8').split('\n'));
  }
  return cache;
}

/** A window of 20-400 lines of the fixtures' C. */
export function cLinesArb(): fc.Arbitrary<string[]> {
  return fc.tuple(fc.nat(), fc.integer({ min: 20, max: 400 })).map(([start, n]) => {
    const lines = fixtureLines();
    const s = start % Math.max(1, lines.length - n);
    return lines.slice(s, s + n);
  });
}
