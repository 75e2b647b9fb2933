// The bundled binary (dist/bin/ptelint.js, what package.json's bin runs) prints the same bytes as
// tsc's module-per-file build it is made from: with its worker threads (a tree large enough for
// them: the fixtures and 40 MiB of C without a rule keyword), in patch mode, and for a usage
// error. Needs `npm run build` first.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIFF } from '../../src/testing/demo-patch.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLED = path.join(ROOT, 'dist/bin/ptelint.js');
const MODULES = path.join(ROOT, 'dist/src/cli/main.js');
let dir: string;

beforeAll(() => {
  for (const cli of [BUNDLED, MODULES]) if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  dir = mkdtempSync(path.join(tmpdir(), 'ptelint-bundle-'));
  cpSync(path.join(ROOT, 'fixtures'), path.join(dir, 'tree/fixtures'), { recursive: true });
  mkdirSync(path.join(dir, 'tree/filler'));
  const filler = 'static const int table[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };\n'.repeat(12_000);
  for (let i = 0; i < 40; i++) writeFileSync(path.join(dir, `tree/filler/f${i}.c`), filler);
  writeFileSync(path.join(dir, 'hooks.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, context); }\n");
  writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`);
  // Node's own modules are loaded by require() in the bundle, which no loader hook sees (and the
  // hooks' own thread loads some): they are listed from process.moduleLoadList at the end of a
  // run without hooks.
  writeFileSync(
    path.join(dir, 'builtins.cjs'),
    "process.on('exit', () => { for (const m of process.moduleLoadList) if (/^NativeModule [a-z_]+$/.test(m)) require('node:fs').writeSync(2, `LOADED node:${m.slice(13)}\\n`); });\n",
  );
  writeFileSync(path.join(dir, 'fix.patch'), DEMO_DIFF);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(cli: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // The run's duration is the one thing allowed to differ.
  return { status: r.status, stdout: r.stdout.replace(/"durationMs": \d+/g, '"durationMs": 0').replace(/ in \d+ ms/g, ' in 0 ms'), stderr: r.stderr };
}

describe('bundled binary', () => {
  it('checks a tree with two jobs like the module build', () => {
    const args = ['check', 'tree', '--jobs', '2', '--format', 'json', '--fail-on', 'never'];
    const bundled = run(BUNDLED, args);
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(JSON.parse(bundled.stdout).summary.findings).toBeGreaterThan(0);
    expect(bundled).toEqual(run(MODULES, args));
  });

  it('lints a patch and reports a usage error like the module build', () => {
    for (const args of [['patch', '--no-repo', 'fix.patch'], ['check', '--format', 'xml', '.'], ['--version']]) {
      expect(run(BUNDLED, args), args.join(' ')).toEqual(run(MODULES, args));
    }
  });

  it('loads only the chunks of the command it runs', () => {
    // The chunks of the bundle that hold the check engine (the directory walker) and the patch
    // engine (the mail reader), found by the sources their maps list: their names carry a hash.
    const chunks = (source: string) =>
      readdirSync(path.dirname(BUNDLED))
        .filter((n) => n !== 'ptelint.js' && n.endsWith('.js'))
        .filter((n) => (JSON.parse(readFileSync(path.join(path.dirname(BUNDLED), `${n}.map`), 'utf8')) as { sources: string[] }).sources.some((s) => s.includes(source)))
        .map((n) => pathToFileURL(path.join(path.dirname(BUNDLED), n)).href);
    const checkEngine = chunks('src/input/paths.ts');
    const patchEngine = chunks('node_modules/postal-mime/');
    expect(checkEngine.length).toBeGreaterThan(0);
    expect(patchEngine.length).toBeGreaterThan(0);
    const loadedWith = (preload: string[], args: string[]) => {
      const r = spawnSync(process.execPath, [...preload, BUNDLED, ...args], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).not.toBe(2);
      return r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length));
    };
    const loaded = (args: string[]) => [
      ...loadedWith(['--import', pathToFileURL(path.join(dir, 'register.mjs')).href], args),
      ...loadedWith(['--require', path.join(dir, 'builtins.cjs')], args),
    ];
    const patch = loaded(['patch', '--no-repo', 'fix.patch']);
    expect(patch.filter((m) => patchEngine.includes(m))).not.toEqual([]);
    expect(patch).toContain('node:crypto'); // fingerprints: Node's own modules are seen
    expect(patch.filter((m) => checkEngine.includes(m) || m === 'node:worker_threads')).toEqual([]);
    const check = loaded(['check', 'tree/fixtures', '--jobs', '1']);
    expect(check.filter((m) => checkEngine.includes(m))).not.toEqual([]);
    expect(check).toContain('node:worker_threads');
    expect(check.filter((m) => patchEngine.includes(m))).toEqual([]);
  });
});
