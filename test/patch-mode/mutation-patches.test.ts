// Every mutation case of test/corpus/cases/*.ts replayed as a real patch: the pristine file of the
// 6.12 or 6.1 corpus tree and its mutated text (test/corpus/mutate.ts) give a bug-introducing
// `git diff` and its reverse, a fix. Kernel text is read at test time only; patches are written to
// a temporary directory, never into the tree.
//
//  (a) With the tree, the bug patch must introduce the case's rule in the case's function at the
//      case's line(s) (and its `alsoAt` rules there), and no other rule (beyond `mayAlsoFire`) may
//      be introduced anywhere in the patch. Run with the rule set of the case's table (`only` =
//      its ids, so off-by-default rules run where the table runs them).
//  (b) Without a tree (functions rebuilt from the hunks, `partial`), detection of the bug and of
//      its fix is measured per rule and printed, and asserted as a floor (HUNKS_ALONE_FLOOR); no
//      rule other than the case's may be introduced by the bug patch, and nothing may be
//      introduced by the fix patch, except the cases listed in `knownNoise` below (which must
//      equal what happens).
// The patches are written as linux.git writes them: its .gitattributes sets `*.c diff=cpp`, so
// each hunk header names the enclosing function rather than the nearest column-0 label.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import type { Rule } from '../../src/engine/define-rule.js';
import type { PatchFinding, PatchRunResult } from '../../src/finding.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import * as bits from '../corpus/cases/bits.js';
import * as core from '../corpus/cases/core.js';
import * as excl from '../corpus/cases/excl.js';
import * as fork from '../corpus/cases/fork.js';
import * as r4r13 from '../corpus/cases/r4r13.js';
import * as r6 from '../corpus/cases/r6.js';
import * as upgrade from '../corpus/cases/upgrade.js';
import { tree, type MutationCase } from '../corpus/mutation-harness.js';
import { lineNear, mutateFunction } from '../corpus/mutate.js';
import { gitDiff, missingKernelTree, missingKernelTrees, removeTemps, tempDir } from './helpers.js';

interface Table {
  tag: string;
  cases: MutationCase[];
  rules: Rule[];
}

const tables: Table[] = [
  { tag: 'core', cases: core.cases, rules: core.rules },
  { tag: 'bits', cases: bits.cases, rules: bits.rules },
  { tag: 'r6', cases: r6.cases, rules: r6.rules },
  { tag: 'excl', cases: excl.cases, rules: excl.rules },
  { tag: 'fork', cases: fork.cases, rules: fork.rules },
  { tag: 'r4r13', cases: r4r13.cases, rules: r4r13.rules },
  { tag: 'upgrade', cases: upgrade.cases, rules: upgrade.rules },
];

/** A case and where it comes from; `id` is `<tag> <version> <file> <name>`. */
interface Entry {
  id: string;
  table: Table;
  c: MutationCase;
}

const entries: Entry[] = tables.flatMap((table) =>
  table.cases.map((c) => ({ id: `${table.tag} ${c.version} ${c.file} ${c.name}`, table, c })),
);

/** A finding the fix patch, or the bug patch for a rule other than the case's, should not introduce. */
interface Noise {
  /** Entry id. */
  case: string;
  patch: 'bug' | 'fix';
  rule: string;
  function: string;
}

/**
 * Noise without a tree that is known and explained (one line each). The test asserts that the
 * observed noise equals this list exactly, so an entry that stops happening must be removed too.
 */
const knownNoise: Array<Noise & { reason: string }> = [
  {
    case: 'core 6.1 mm/migrate.c 12. 6.1 remove_migration_pte: maybe_mkwrite under VM_WRITE instead of the writable migration entry',
    patch: 'fix',
    rule: 'redundant-maybe-mkwrite',
    function: 'remove_migration_pte',
    reason: 'true positive: released 6.1 has this note (mutations.test.ts "pristine functions"); restoring the guard restores it, on the tree too',
  },
];

/** Cases whose bug and fix patches are found without a tree, at least (README, "ptelint patch"). */
const HUNKS_ALONE_FLOOR = 126;

interface Outcome {
  /** The case's line(s) in the mutated file. */
  lines: number[];
  tree: PatchRunResult;
  bug: PatchRunResult;
  fix: PatchRunResult;
  /** Time spent in runPatch with the tree, and without it (bug and fix), ms. */
  ms: { tree: number; hunks: number };
}

let dir: string | undefined;
const outcomes = new Map<string, Promise<Outcome>>();

afterAll(removeTemps);

async function compute(e: Entry, index: number): Promise<Outcome> {
  const { c, table } = e;
  dir ??= tempDir('ptelint-pm-mut-');
  const kernel = tree(c.version);
  const pristineText = readFileSync(path.join(kernel, c.file), 'utf8');
  const mutation = mutateFunction(pristineText, c.fn, c.find, c.replace);
  const lines = (Array.isArray(c.at) ? c.at : [c.at]).map((a) => lineNear(mutation, a.needle, a.direction));
  const bugPatch = path.join(dir, `${index}-bug.patch`);
  const fixPatch = path.join(dir, `${index}-fix.patch`);
  writeFileSync(bugPatch, gitDiff(pristineText, mutation.text, c.file, 3, true));
  writeFileSync(fixPatch, gitDiff(mutation.text, pristineText, c.file, 3, true));
  const only = table.rules.map((r) => r.meta.id);
  const kernelVersion = parseKernelVersion(c.version);
  const common = { only, kernelVersion, legacyArch: c.legacyArch };
  const started = performance.now();
  const withTree = await runPatch({ inputs: [bugPatch], tree: kernel, ...common });
  const between = performance.now();
  const bug = await runPatch({ inputs: [bugPatch], ...common });
  const fix = await runPatch({ inputs: [fixPatch], ...common });
  return { lines, tree: withTree.result, bug: bug.result, fix: fix.result, ms: { tree: between - started, hunks: performance.now() - between } };
}

function outcome(e: Entry): Promise<Outcome> {
  let o = outcomes.get(e.id);
  if (!o) {
    o = compute(e, entries.indexOf(e));
    outcomes.set(e.id, o);
  }
  return o;
}

const show = (fs: PatchFinding[]): string[] =>
  fs.map((f) => `${f.rule} ${f.function}:${f.line} ${f.status}${f.partial ? ' partial' : ''}: ${f.message}`);

const introduced = (r: PatchRunResult): PatchFinding[] => r.findings.filter((f) => f.status === 'introduced');

/** Rules the bug patch may introduce besides the case's. */
const allowed = (c: MutationCase): Set<string> => new Set([c.rule, ...(c.alsoAt ?? []), ...(c.mayAlsoFire ?? [])]);

/** Detection without a tree: the bug patch introduces, the fix patch fixes, the rule in `c.fn`. */
function detection(c: MutationCase, o: Outcome) {
  const bugHits = introduced(o.bug).filter((f) => f.rule === c.rule && f.function === c.fn);
  const fixHits = o.fix.findings.filter((f) => f.status === 'fixed' && f.rule === c.rule && f.function === c.fn);
  return {
    bug: bugHits.length > 0,
    bugLine: o.lines.every((l) => bugHits.some((f) => f.line === l)),
    fix: fixHits.length > 0,
    fixLine: o.lines.every((l) => fixHits.some((f) => f.line === l)),
  };
}

/** The noise of one case, with the findings it comes from (for the printout). */
function noiseOf(e: Entry, o: Outcome): Array<{ noise: Noise; finding: PatchFinding }> {
  const ok = allowed(e.c);
  const key = (patch: 'bug' | 'fix', f: PatchFinding) => ({ noise: { case: e.id, patch, rule: f.rule, function: f.function }, finding: f });
  return [
    ...introduced(o.bug).filter((f) => !ok.has(f.rule)).map((f) => key('bug', f)),
    ...introduced(o.fix).map((f) => key('fix', f)),
  ];
}

describe('(a) every mutation as a bug patch on the tree', () => {
  for (const e of entries) {
    test.skipIf(missingKernelTree(e.c.version))(e.id, async () => {
      const { c } = e;
      const o = await outcome(e);
      expect(o.tree.errors, JSON.stringify(o.tree.errors)).toEqual([]);
      const got = introduced(o.tree);
      const what = `${c.rule} introduced in ${c.fn} at ${o.lines.join(', ')}; got ${JSON.stringify(show(o.tree.findings), null, 1)}`;
      for (const rule of [c.rule, ...(c.alsoAt ?? [])]) {
        const lines = got.filter((f) => f.rule === rule && f.function === c.fn && f.file === c.file).map((f) => f.line);
        for (const line of o.lines) expect(lines, `${rule}: ${what}`).toContain(line);
      }
      expect(got.every((f) => !f.partial), 'exact images on the tree').toBe(true);
      const ok = allowed(c);
      expect(show(got.filter((f) => !ok.has(f.rule))), `no other rule introduced: ${what}`).toEqual([]);
    });
  }
});

describe('(b) without a tree: detection and noise of the bug and fix patches', () => {
  test.skipIf(missingKernelTrees('6.12', '6.1'))('summary', async () => {
    const ms = { tree: 0, hunks: 0 };
    const rows = new Map<string, { cases: number; tree: number; bug: number; bugLine: number; fix: number; fixLine: number; noise: number }>();
    const noise: Noise[] = [];
    const shown: string[] = [];
    const errors: string[] = [];
    const missed: string[] = [];
    for (const e of entries) {
      const o = await outcome(e);
      ms.tree += o.ms.tree;
      ms.hunks += o.ms.hunks;
      for (const r of [o.bug, o.fix]) errors.push(...r.errors.map((x) => `${e.id}: ${x.message}`));
      const row = rows.get(e.c.rule) ?? { cases: 0, tree: 0, bug: 0, bugLine: 0, fix: 0, fixLine: 0, noise: 0 };
      rows.set(e.c.rule, row);
      row.cases++;
      const treeHit = o.lines.every((l) =>
        introduced(o.tree).some((f) => f.rule === e.c.rule && f.function === e.c.fn && f.line === l),
      );
      if (treeHit) row.tree++;
      const d = detection(e.c, o);
      if (d.bug) row.bug++;
      if (d.bugLine) row.bugLine++;
      if (d.fix) row.fix++;
      if (d.fixLine) row.fixLine++;
      if (!d.bug || !d.fix) {
        missed.push(`${e.id}: bug ${d.bug ? 'detected' : 'missed'}, fix ${d.fix ? 'detected' : 'missed'}; bug ${JSON.stringify(show(o.bug.findings))}; fix ${JSON.stringify(show(o.fix.findings))}`);
      }
      const n = noiseOf(e, o);
      row.noise += n.length;
      noise.push(...n.map((x) => x.noise));
      shown.push(...n.map((x) => `  ${x.noise.patch} patch of ${e.id}: ${show([x.finding])[0]}`));
    }
    const header = ['rule', 'cases', 'tree', 'no-tree bug (at line)', 'no-tree fix (at line)', 'noise'];
    const body = [...rows].map(([rule, r]) => [rule, `${r.cases}`, `${r.tree}`, `${r.bug} (${r.bugLine})`, `${r.fix} (${r.fixLine})`, `${r.noise}`]);
    const total = [...rows.values()].reduce(
      (t, r) => ({ cases: t.cases + r.cases, tree: t.tree + r.tree, bug: t.bug + r.bug, bugLine: t.bugLine + r.bugLine, fix: t.fix + r.fix, fixLine: t.fixLine + r.fixLine, noise: t.noise + r.noise }),
      { cases: 0, tree: 0, bug: 0, bugLine: 0, fix: 0, fixLine: 0, noise: 0 },
    );
    body.push(['total', `${total.cases}`, `${total.tree}`, `${total.bug} (${total.bugLine})`, `${total.fix} (${total.fixLine})`, `${total.noise}`]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
    const fmt = (r: string[]): string => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
    console.log(
      [
        `mutation patches: ${entries.length} cases, ${tables.length} tables`,
        fmt(header),
        ...body.map(fmt),
        ...(missed.length ? ['not detected without a tree:', ...missed.map((m) => `  ${m}`)] : []),
        ...(shown.length ? ['noise without a tree:', ...shown] : []),
        `runPatch time: ${Math.round(ms.tree)} ms for ${entries.length} runs with the tree, ${Math.round(ms.hunks)} ms for ${2 * entries.length} without`,
      ].join('\n'),
    );

    expect(new Set(entries.map((e) => e.id)).size, 'case ids are unique').toBe(entries.length);
    expect(errors, 'every patch reads and applies without a tree too').toEqual([]);
    expect(total.tree, 'detection with the tree').toBe(entries.length);
    // A floor, raised as the hunks-alone analysis learns classes (src/engine/patch-mode/hunk-facts.ts):
    // a bug patch found introduced, its fix patch found fixed.
    expect(total.bug, 'bug patches found from hunks alone').toBeGreaterThanOrEqual(HUNKS_ALONE_FLOOR);
    expect(total.fix, 'fix patches found from hunks alone').toBeGreaterThanOrEqual(HUNKS_ALONE_FLOOR);
    const order = (a: Noise, b: Noise): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
    const known = knownNoise.map(({ reason: _reason, ...n }) => n);
    expect([...noise].sort(order), 'noise without a tree equals knownNoise').toEqual([...known].sort(order));
  });
});
