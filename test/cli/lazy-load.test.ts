// Each command loads only what it needs: `check` never loads the mail reader (postal-mime) or
// the patch engine, `patch` without a tree never loads the directory walker or the worker pool.
// Observed through a module loader hook on the built binary.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = mkdtempSync(path.join(tmpdir(), 'ptelint-lazy-'));
  writeFileSync(path.join(dir, 'hooks.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, context); }\n");
  writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`);
  writeFileSync(path.join(dir, 'f.c'), 'static void f(pte_t *ptep, pte_t pte)\n{\n\tset_pte_at(mm, addr, ptep, pte);\n}\n');
  writeFileSync(
    path.join(dir, 'fix.patch'),
    ['diff --git a/mm/f.c b/mm/f.c', '--- a/mm/f.c', '+++ b/mm/f.c', '@@ -1,4 +1,4 @@', ' static void f(pte_t *ptep, pte_t pte)', ' {', '-\tset_pte_at(mm, addr, ptep, pte);', '+\tset_pte_at(mm, addr, ptep, pte_mkold(pte));', ' }', ''].join('\n'),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function loaded(args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, CLI, ...args], { cwd: dir, encoding: 'utf8' });
  expect(run.status, run.stderr).not.toBe(2);
  return run.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
}

describe('modules a command loads', () => {
  it('check: the analysis, not the mail reader or the patch engine', () => {
    const modules = loaded(['check', 'f.c', '--jobs', '1']);
    expect(modules.some((m) => m.endsWith('/engine/run.js'))).toBe(true);
    expect(modules.filter((m) => /postal-mime|\/input\/patch\/|\/engine\/run-patch\.js|\/input\/images/.test(m))).toEqual([]);
  });

  it('patch without a tree: not the directory walker or the worker pool', () => {
    const modules = loaded(['patch', 'fix.patch']);
    expect(modules.some((m) => m.endsWith('/engine/run-patch.js'))).toBe(true);
    expect(modules.filter((m) => /\/input\/paths\.js|\/engine\/run\.js|\/engine\/worker\.js|node:worker_threads/.test(m))).toEqual([]);
  });
});
