// How many threads `check` starts: one per BYTES_PER_JOB of source, at most --jobs and the core
// count, so a small tree is not slowed down by workers that cost more than they do. With workers
// forced on (a tiny bytesPerJob), the outcome of 6.12 mm/ is the one of a single thread. Workers
// run the compiled worker script, so this test drives the built engine (npm run build first).

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BYTES_PER_JOB, jobsFor, planThreads } from '../../src/engine/run.js';
import { kernelTree, missingKernelTree } from '../inputs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILT_RUN = path.join(ROOT, 'dist/src/engine/run.js');
type Built = typeof import('../../src/engine/run.js');
let built: Built;

beforeAll(async () => {
  if (!existsSync(BUILT_RUN)) throw new Error(`${BUILT_RUN} is missing: run npm run build first`);
  built = (await import(BUILT_RUN)) as Built;
});

describe('threads for the work', () => {
  it('one thread per BYTES_PER_JOB of source, at least one, at most the allowed', () => {
    expect(jobsFor([], 2)).toBe(1);
    expect(jobsFor([BYTES_PER_JOB - 1], 2)).toBe(1);
    expect(jobsFor([BYTES_PER_JOB, BYTES_PER_JOB - 1], 2)).toBe(1);
    expect(jobsFor([BYTES_PER_JOB, BYTES_PER_JOB], 2)).toBe(2);
    expect(jobsFor(Array(100).fill(BYTES_PER_JOB), 3)).toBe(3);
    expect(jobsFor([10, 10], 8, 5)).toBe(4);
  });

  it('sizes are read only until every allowed thread is paid for; then files go in file order', () => {
    const files = Array.from({ length: 10 }, (_, i) => ({ display: `f${i}.c`, absolute: `/t/f${i}.c` }));
    const asked: string[] = [];
    const sizeOf = (f: { display: string }) => (asked.push(f.display), 40);
    const big = planThreads(files, 2, 100, sizeOf);
    expect(big.jobs).toBe(2);
    expect(asked).toEqual(['f0.c', 'f1.c', 'f2.c', 'f3.c', 'f4.c']);
    expect([...big.order]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a set that does not pay for every thread is sized whole and taken largest first', () => {
    const files = ['a.c', 'b.c', 'c.c'].map((n) => ({ display: n, absolute: `/t/${n}` }));
    const size: Record<string, number> = { 'a.c': 10, 'b.c': 90, 'c.c': 50 };
    const plan = planThreads(files, 4, 50, (f) => size[f.display]);
    expect(plan.jobs).toBe(3);
    expect([...plan.order]).toEqual([1, 2, 0]);
    expect(planThreads(files, 4, 1000, (f) => size[f.display])).toEqual({ jobs: 1, order: Int32Array.from([0, 1, 2]) });
  });

  it('a small tree stays on the main thread whatever --jobs says', async () => {
    const r = await built.runCheck({ paths: [path.join(ROOT, 'fixtures')], jobs: 2 });
    expect(r.jobs).toBe(1);
    expect(r.summary.findings).toBeGreaterThan(0);
  });

  it.skipIf(missingKernelTree('6.12'))('6.12 mm/ with workers forced on gives the outcome of one thread', async () => {
    const mm = path.join(kernelTree('6.12'), 'mm');
    const one = await built.runCheck({ paths: [mm], jobs: 1 });
    const many = await built.runCheck({ paths: [mm], jobs: 2, bytesPerJob: 1 });
    expect(one.jobs).toBe(1);
    expect(many.jobs).toBe(Math.min(2, availableParallelism()));
    const strip = (r: typeof one) => ({ ...r, jobs: 0, summary: { ...r.summary, durationMs: 0 } });
    expect(strip(many)).toEqual(strip(one));
    expect(one.summary.functions).toBeGreaterThan(400);
  });
});
