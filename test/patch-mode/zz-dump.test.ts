import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import * as bits from '../corpus/cases/bits.js';
import * as core from '../corpus/cases/core.js';
import * as excl from '../corpus/cases/excl.js';
import * as fork from '../corpus/cases/fork.js';
import * as r4r13 from '../corpus/cases/r4r13.js';
import * as r6 from '../corpus/cases/r6.js';
import * as upgrade from '../corpus/cases/upgrade.js';
import { tree } from '../corpus/mutation-harness.js';
import { lineNear, mutateFunction } from '../corpus/mutate.js';
import { gitDiff } from './helpers.js';
const tables = [['core', core], ['bits', bits], ['r6', r6], ['excl', excl], ['fork', fork], ['r4r13', r4r13], ['upgrade', upgrade]] as const;
test('dump', () => {
  const dir = '/tmp/delta/patches';
  mkdirSync(dir, { recursive: true });
  const meta: unknown[] = [];
  let i = 0;
  for (const [tag, t] of tables) for (const c of t.cases) {
    const kernel = tree(c.version);
    const pristine = readFileSync(path.join(kernel, c.file), 'utf8');
    const m = mutateFunction(pristine, c.fn, c.find, c.replace);
    const lines = (Array.isArray(c.at) ? c.at : [c.at]).map((a) => lineNear(m, a.needle, a.direction));
    writeFileSync(path.join(dir, `${i}-bug.patch`), gitDiff(pristine, m.text, c.file, 3, !!process.env.CPP));
    writeFileSync(path.join(dir, `${i}-fix.patch`), gitDiff(m.text, pristine, c.file, 3, !!process.env.CPP));
    meta.push({ i, id: `${tag} ${c.version} ${c.file} ${c.name}`, rule: c.rule, fn: c.fn, version: c.version, lines, only: t.rules.map((r) => r.meta.id), legacyArch: c.legacyArch, allowed: [c.rule, ...(c.alsoAt ?? []), ...(c.mayAlsoFire ?? [])] });
    i++;
  }
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
});
