// `npm run new-rule <id>` (scripts/new-rule.ts) on a temporary copy of the catalogue: the files it
// writes, a generated rule that type-checks, loads and flags exactly its own fixture line, and the
// refusals (existing id, bad id) that leave every file as it was.

import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../scripts/new-rule.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { renderRuleDoc } from '../../src/docs/render-rule-docs.js';
import type { Rule } from '../../src/engine/define-rule.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ID = 'pte-example-check';

let copy: string;

function run(argv: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = main(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { status, stdout, stderr };
}

/** Every file the scaffold could write (rules/, fixtures/, docs/) with its text, to prove a refusal wrote nothing. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.set(child, readFileSync(path.join(root, child), 'utf8'));
    }
  };
  for (const dir of ['rules', 'fixtures', 'docs']) walk(dir);
  return out;
}

beforeAll(() => {
  // The catalogue and what the scaffold writes are copied; the engine is shared through links.
  copy = mkdtempSync(path.join(tmpdir(), 'ptelint-new-rule-'));
  for (const dir of ['rules', 'fixtures', 'docs']) cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
  symlinkSync(path.join(ROOT, 'src'), path.join(copy, 'src'), 'dir');
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new-rule', () => {
  test('writes the rule, its registration, fixtures and docs page', () => {
    const r = run([ID, '--root', copy]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const rel of [`rules/${ID}.ts`, `fixtures/${ID}/invalid-example.c`, `fixtures/${ID}/valid-example.c`, `docs/rules/${ID}.md`]) {
      expect(existsSync(path.join(copy, rel)), rel).toBe(true);
      expect(r.stdout).toContain(`wrote ${rel}`);
    }
    const index = readFileSync(path.join(copy, 'rules/index.ts'), 'utf8');
    expect(index).toContain(`import pteExampleCheck from './${ID}.js';`);
    const imported = [...index.matchAll(/^import \w+ from '\.\/([\w-]+)\.js';$/gm)].map((m) => m[1]);
    expect(imported).toEqual([...imported].sort());
    const listed = index.slice(index.indexOf('allRules')).match(/^ {2}(\w+),$/gm)!.map((l) => l.trim().slice(0, -1));
    expect(listed).toContain('pteExampleCheck');
    expect(listed.indexOf('pteExampleCheck')).toBe(listed.indexOf('presentSwapAccessorMismatch') + 1);
    expect(readFileSync(path.join(copy, 'docs/rules/README.md'), 'utf8')).toContain(`(${ID}.md)`);
    expect(readFileSync(path.join(copy, `fixtures/${ID}/invalid-example.c`), 'utf8')).toMatch(new RegExp(`/\\* expect: ${ID}/flagged \\*/`));
    expect(readFileSync(path.join(copy, `fixtures/${ID}/valid-example.c`), 'utf8')).not.toContain('expect:');
  });

  test('the generated rule type-checks', () => {
    const config = {
      compilerOptions: { ...JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions, noEmit: true, rootDir: undefined, outDir: undefined },
      files: [`rules/${ID}.ts`, 'rules/index.ts'],
    };
    writeFileSync(path.join(copy, 'tsconfig.json'), JSON.stringify(config));
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', copy], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);

  test('the generated rule loads, matches its docs page and flags exactly its fixture line', async () => {
    const rule = ((await import(pathToFileURL(path.join(copy, 'rules', `${ID}.ts`)).href)) as { default: Rule }).default;
    expect(rule.meta.id).toBe(ID);
    expect(rule.meta.catalogue).toMatch(/^R\d+$/);
    expect(rule.meta.summary).toMatch(/^Detect [^\n]*[^.]$/);
    expect(readFileSync(path.join(copy, `docs/rules/${ID}.md`), 'utf8')).toBe(renderRuleDoc(rule));

    const invalid = readFileSync(path.join(copy, `fixtures/${ID}/invalid-example.c`), 'utf8');
    const expectLine = invalid.split('\n').findIndex((l) => l.includes('expect:')) + 1;
    const bad = analyzeText('invalid-example.c', invalid, { rules: [rule] });
    expect(bad.incomplete).toEqual([]);
    expect(bad.findings.map((f) => `${f.rule}@${f.line}`)).toEqual([`${ID}@${expectLine}`]);
    const good = analyzeText('valid-example.c', readFileSync(path.join(copy, `fixtures/${ID}/valid-example.c`), 'utf8'), { rules: [rule] });
    expect(good.incomplete).toEqual([]);
    expect(good.findings).toEqual([]);
    for (const code of rule.meta.docs.examples.invalid) expect(analyzeText('e.c', code, { rules: [rule] }).findings).toHaveLength(1);
    for (const code of rule.meta.docs.examples.valid) expect(analyzeText('e.c', code, { rules: [rule] }).findings).toEqual([]);
  });

  test('refuses an existing id, a bad id and a bad catalogue id with exit 2, writing nothing', () => {
    const before = snapshot(copy);
    const again = run([ID, '--root', copy]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`rule '${ID}' exists already`);
    const shipped = run(['uffd-wp-propagate', '--root', copy]);
    expect(shipped.status).toBe(2);
    expect(shipped.stderr).toContain('exists already');
    for (const bad of ['Bad_Id', 'trailing-', '-leading', 'two--dashes', 'x'.repeat(61), '../escape']) {
      const r = run([bad, '--root', copy]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/bad rule id|unknown option/);
    }
    const catalogue = run(['another-check', '--catalogue', 'X1', '--root', copy]);
    expect(catalogue.status).toBe(2);
    expect(catalogue.stderr).toContain("bad catalogue id 'X1'");
    expect(run(['--root', copy]).status).toBe(2);
    expect(run(['a-b', 'c-d', '--root', copy]).status).toBe(2);
    expect(snapshot(copy)).toEqual(before);
  });
});
