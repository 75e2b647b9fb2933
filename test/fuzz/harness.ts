// How every fuzz property runs: fixed seeds and few runs in CI (reproducible, cheap), longer with
// random seeds under `npm run fuzz`. A failing input is written to test/fuzz/failures/ with the
// command that replays it, so that it can become a regression test.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FAILURES_DIR = path.join(here, 'failures');

/** `PTELINT_FUZZ_RUNS`: runs per property (multiplies each property's CI count); `PTELINT_FUZZ_SEED`: a seed, or `random`. */
function settings(): { scale: number; seed: number | undefined; path: string | undefined } {
  const runs = Number(process.env.PTELINT_FUZZ_RUNS ?? '');
  const seedText = process.env.PTELINT_FUZZ_SEED;
  return {
    scale: Number.isFinite(runs) && runs > 0 ? runs : 1,
    seed: seedText === undefined || seedText === '' ? undefined : seedText === 'random' ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0 : Number(seedText),
    path: process.env.PTELINT_FUZZ_PATH || undefined,
  };
}

/** The CI seed of a property: derived from its name, so adding one property does not reshuffle the others. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h | 0;
}

function bytesOf(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (Array.isArray(value) && value.length === 1) return bytesOf(value[0]);
  return Buffer.from(JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v), 2));
}

/**
 * Runs `property` `runs` times (times PTELINT_FUZZ_RUNS). On a failure the counterexample is saved
 * as `failures/<name>-<seed>.bin` and the error says how to replay it.
 */
export async function fuzz<T>(name: string, arbitrary: fc.Arbitrary<T>, runs: number, predicate: (value: T) => void | Promise<void>): Promise<void> {
  const s = settings();
  const seed = s.seed ?? seedOf(name);
  const numRuns = Math.max(1, Math.round(runs * s.scale));
  // A hang cannot be caught from inside: with PTELINT_FUZZ_TRACE set, each input is written
  // before it runs, so the one a killed run was stuck on is on disk.
  const trace = process.env.PTELINT_FUZZ_TRACE ? path.join(FAILURES_DIR, `${name.replace(/[^A-Za-z0-9]+/g, '-')}-current.bin`) : undefined;
  if (trace) mkdirSync(FAILURES_DIR, { recursive: true });
  const property = fc.asyncProperty(arbitrary, async (value) => {
    if (trace) writeFileSync(trace, bytesOf(value));
    await predicate(value);
  });
  const details = await fc.check(property, { seed, numRuns, ...(s.path ? { path: s.path } : {}), endOnFailure: s.scale > 1 });
  if (trace && !details.failed) rmSync(trace, { force: true });
  if (!details.failed) return;
  const slug = name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  mkdirSync(FAILURES_DIR, { recursive: true });
  const file = path.join(FAILURES_DIR, `${slug}-${seed}.bin`);
  if (details.counterexample) writeFileSync(file, bytesOf(details.counterexample[0]));
  const replay = `PTELINT_FUZZ_SEED=${seed} PTELINT_FUZZ_PATH=${details.counterexamplePath ?? ''} npx vitest run ${path.relative(path.join(here, '../..'), testFileOf())} -t '${name}'`;
  const why = details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance);
  throw new Error(`fuzz property "${name}" failed (seed ${seed}, ${details.numRuns} runs)\ninput saved to ${file}\nreplay: ${replay}\n${why}`);
}

function testFileOf(): string {
  const stack = new Error().stack ?? '';
  const m = /(\/[^\s():]+\.test\.ts)/.exec(stack);
  return m ? m[1] : 'test/fuzz';
}
