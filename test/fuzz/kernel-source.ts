// Lines of real kernel files, read at test time from the 6.12 corpus tree (never committed).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { kernelTree } from '../corpus/kernel-trees.js';

const FILES = ['mm/mprotect.c', 'mm/memory.c', 'mm/huge_memory.c', 'mm/userfaultfd.c', 'fs/proc/task_mmu.c'];

let cache: string[][] | undefined;
function kernelFiles(): string[][] {
  if (!cache) {
    const tree = kernelTree('6.12');
    cache = FILES.map((f) => readFileSync(path.join(tree, f), 'utf8').split('\n'));
  }
  return cache;
}

/** A window of 20-400 lines of a real mm/ file. */
export function kernelLinesArb(): fc.Arbitrary<string[]> {
  return fc.tuple(fc.nat({ max: FILES.length - 1 }), fc.nat(), fc.integer({ min: 20, max: 400 })).map(([f, start, n]) => {
    const lines = kernelFiles()[f];
    const s = start % Math.max(1, lines.length - n);
    return lines.slice(s, s + n);
  });
}
