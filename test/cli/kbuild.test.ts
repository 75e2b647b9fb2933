// `ptelint kbuild` driven as kbuild drives it, without a kernel build: the exact argument vectors a
// `make V=1 C=2` run printed (kbuild-command-lines.ts), pointed at the real 6.12 tree, run from a
// build directory whose include/generated/autoconf.h the test writes. The configuration must
// decide what is analyzed: a bug under `#ifdef CONFIG_X` is reported exactly when X is set.
// The module fixture is built against a stand-in source tree that holds only a 6.12 top-level
// Makefile (all a checker reads of the tree for a file outside it: the kernel version); the
// `real code` cases, which check files of the tree, need the real one and skip without it.
// Needs `npm run build` first (CI builds before `npm test`).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { lineNear, mutateFunction } from '../corpus/mutate.js';
import { kbuildCheckArgv } from './kbuild-command-lines.js';
import { grantOf, migrationRestore, sparseDiagnostic, type Diagnostic } from './kbuild-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');


/** The source tree of the module fixture: only its Makefile, which says 6.12. */
let standInTree: string;
let srctree: string;
let work: string;

function ptelint(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI, 'kbuild', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The diagnostics on stderr: sparse-shaped lines only, nothing else may reach it in a normal run. */
function diagnostics(stderr: string): Diagnostic[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const d = sparseDiagnostic(l);
      if (!d) throw new Error(`not a sparse-shaped line: ${l}`);
      return d;
    });
}

// kconfig's own format (scripts/kconfig/confdata.c): `y` is 1, `m` is NAME_MODULE 1.
const BASE_CONFIG = ['CONFIG_64BIT', 'CONFIG_X86', 'CONFIG_X86_64', 'CONFIG_MMU'];

/** A build directory as `make O=<dir>` leaves it, as far as a checker can tell: its autoconf.h. */
function buildDir(name: string, symbols: string[], values: Record<string, string> = {}): string {
  const dir = path.join(work, 'build', name);
  mkdirSync(path.join(dir, 'include/generated'), { recursive: true });
  const lines = [
    '/*', ' * Automatically generated file; DO NOT EDIT.', ' * Linux/x86 6.12.118 Kernel Configuration', ' */',
    ...[...BASE_CONFIG, ...symbols].map((s) => `#define ${s} 1`),
    '#define CONFIG_PGTABLE_LEVELS 4',
    ...Object.entries(values).map(([k, v]) => `#define ${k} ${v}`),
  ];
  writeFileSync(path.join(dir, 'include/generated/autoconf.h'), lines.join('\n') + '\n');
  return dir;
}

/** The argument vector kbuild would pass for `obj/base.c` of the 6.12 tree; `file` may be a copy elsewhere. */
function argvFor(obj: string, base: string, file = path.join(srctree, obj, `${base}.c`)): string[] {
  return kbuildCheckArgv({ srctree, obj, base, file });
}

/** The same for the module fixture (or a file beside it), built against the stand-in tree. */
function moduleArgv(base: string, file = path.join(work, 'ext', `${base}.c`)): string[] {
  return kbuildCheckArgv({ srctree: standInTree, obj: 'ext', base, file });
}

// A restore of a migration entry that takes write from the VMA (pte-write-grant-unjustified), in
// four copies, each behind one kind of condition kbuild's configuration decides.
const GUARDED = [
  ['restore_feature', '#ifdef CONFIG_PTELINT_FEATURE'],
  ['restore_modular', '#if IS_ENABLED(CONFIG_PTELINT_MODULAR)'],
  ['restore_levels', '#if CONFIG_PTELINT_LEVELS > 4'],
  ['restore_in_module', '#if defined(MODULE) && !defined(CONFIG_PTELINT_OFF)'],
] as const;

const FIXTURE = [
  '// SPDX-License-Identifier: GPL-2.0',
  '#include <linux/mm.h>',
  '#include <linux/swapops.h>',
  '',
  ...GUARDED.map(([name, guard]) => `${guard}\n${migrationRestore(name, 'static')}#endif\n`),
].join('\n');

const grantIn = (name: string) => grantOf(FIXTURE, name);

let fixture: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  work = mkdtempSync(path.join(tmpdir(), 'ptelint-kbuild-'));
  standInTree = path.join(work, 'linux');
  mkdirSync(standInTree);
  writeFileSync(path.join(standInTree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  if (!missingKernelTree('6.12')) srctree = kernelTree('6.12');
  // An external module's source (make M=...): outside the kernel tree, built against it.
  fixture = path.join(work, 'ext', 'pte_fixture.c');
  mkdirSync(path.dirname(fixture), { recursive: true });
  writeFileSync(fixture, FIXTURE);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('ptelint kbuild: the configuration of the build decides what is analyzed', () => {
  it('reports a bug under #ifdef/#if/IS_ENABLED/defined(MODULE) exactly when autoconf.h and -D enable it', () => {
    const on = buildDir('feature-on', ['CONFIG_PTELINT_FEATURE', 'CONFIG_PTELINT_MODULAR_MODULE'], { CONFIG_PTELINT_LEVELS: '5' });
    const off = buildDir('feature-off', [], { CONFIG_PTELINT_LEVELS: '4' });
    const asModule = [...moduleArgv('pte_fixture', fixture).slice(0, -1), '-DMODULE', fixture];
    const grants = (r: ReturnType<typeof ptelint>) =>
      diagnostics(r.stderr).filter((d) => d.rule === 'pte-write-grant-unjustified').map((d) => `${d.line}:${d.column}`);
    const expected = (...names: string[]) => names.map((n) => `${grantIn(n).line}:${grantIn(n).column}`);

    const all = ptelint(asModule, on);
    expect(all.status).toBe(0);
    expect(all.stdout).toBe('');
    expect(grants(all)).toEqual(expected('restore_feature', 'restore_modular', 'restore_levels', 'restore_in_module'));
    expect(diagnostics(all.stderr).every((d) => d.file === fixture)).toBe(true);

    // Built in rather than as a module: MODULE is not defined.
    expect(grants(ptelint(moduleArgv('pte_fixture', fixture), on))).toEqual(expected('restore_feature', 'restore_modular', 'restore_levels'));

    // Nothing of it configured: no finding at all, in any of the four functions.
    const none = ptelint(moduleArgv('pte_fixture', fixture), off);
    expect(none.status).toBe(0);
    expect(none.stderr).toBe('');
  });

  it('applies -D/-U before autoconf.h, as gcc does', () => {
    const off = buildDir('feature-off-2', [], { CONFIG_PTELINT_LEVELS: '4' });
    const on = buildDir('feature-on-2', ['CONFIG_PTELINT_FEATURE']);
    const argv = moduleArgv('pte_fixture', fixture);
    const withFlags = (...flags: string[]) => [...argv.slice(0, -1), ...flags, fixture];
    const lines = (r: ReturnType<typeof ptelint>) =>
      diagnostics(r.stderr).filter((d) => d.rule === 'pte-write-grant-unjustified').map((d) => d.line);
    // A symbol only the command line defines is defined ...
    expect(lines(ptelint(withFlags('-DCONFIG_PTELINT_FEATURE'), off))).toEqual([grantIn('restore_feature').line]);
    // ... and -U cannot undo what autoconf.h (read later, through kconfig.h) defines.
    expect(lines(ptelint(withFlags('-UCONFIG_PTELINT_FEATURE'), on))).toEqual([grantIn('restore_feature').line]);
    // A module built with CONFIG_PTELINT_OFF set on the command line drops the last function.
    expect(lines(ptelint(withFlags('-DMODULE', '-DCONFIG_PTELINT_OFF'), off))).toEqual([]);
  });

  it.skipIf(missingKernelTree('6.12'))('real code: a bug injected in 6.12 remove_migration_pmd() is seen only with CONFIG_ARCH_ENABLE_THP_MIGRATION', () => {
    const source = readFileSync(path.join(srctree, 'mm/huge_memory.c'), 'utf8');
    // Mutation case 3 of test/corpus/cases/core.ts: write from VM_WRITE instead of the migration entry.
    const m = mutateFunction(source, 'remove_migration_pmd', 'is_writable_migration_entry(entry)', 'vma->vm_flags & VM_WRITE');
    const copy = path.join(work, 'mutated', 'mm', 'huge_memory.c');
    mkdirSync(path.dirname(copy), { recursive: true });
    writeFileSync(copy, m.text);
    const line = lineNear(m, 'pmd_mkwrite(');
    const argv = argvFor('mm', 'huge_memory', copy);
    const reported = (cwd: string) =>
      diagnostics(ptelint(argv, cwd).stderr).some((d) => d.line === line && d.rule === 'pte-write-grant-unjustified' && d.file === copy);

    const migration = buildDir('thp-migration', ['CONFIG_TRANSPARENT_HUGEPAGE', 'CONFIG_MIGRATION', 'CONFIG_ARCH_ENABLE_THP_MIGRATION']);
    const thpOnly = buildDir('thp-only', ['CONFIG_TRANSPARENT_HUGEPAGE']);
    expect(reported(migration)).toBe(true);
    expect(reported(thpOnly)).toBe(false);
  });

  it.skipIf(missingKernelTree('6.12'))('real code: mm/memory.c as kbuild checks it, findings in sparse\'s shape at real lines', () => {
    const cwd = buildDir('allno', []);
    const file = path.join(srctree, 'mm/memory.c');
    const r = ptelint(argvFor('mm', 'memory'), cwd);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const found = diagnostics(r.stderr);
    const lines = readFileSync(file, 'utf8').split('\n');
    const note = found.find((d) => d.rule === 'redundant-maybe-mkwrite');
    expect(note).toBeDefined();
    expect(note!.file).toBe(file);
    expect(lines[note!.line - 1].slice(note!.column - 1)).toMatch(/^maybe_mkwrite\(/);
  });
});

describe('ptelint kbuild: as a checker in make', () => {
  it.skipIf(missingKernelTree('6.12'))('a file without any rule keyword exits 0 and prints nothing', () => {
    const cwd = buildDir('quiet', []);
    const r = ptelint(argvFor('mm', 'page_counter'), cwd);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('--fail-on makes a finding stop the build; the default never does', () => {
    const on = buildDir('fail-on', ['CONFIG_PTELINT_FEATURE']);
    const argv = moduleArgv('pte_fixture', fixture);
    expect(ptelint(argv, on).status).toBe(0);
    expect(ptelint(['--fail-on', 'error', ...argv], on).status).toBe(1);
    expect(ptelint([...argv.slice(0, -1), '--fail-on=never', fixture], on).status).toBe(0);
  });

  it('a command line whose -I directories lead to no autoconf.h says so and uses the default profile', () => {
    const empty = path.join(work, 'build', 'unconfigured');
    mkdirSync(empty, { recursive: true });
    const r = ptelint(moduleArgv('pte_fixture', fixture), empty);
    expect(r.status).toBe(0);
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).toBe('ptelint kbuild: warning: no generated/autoconf.h under the -I directories; analyzing with the default x86_64 configuration');
    // Unknown CONFIG_* count as enabled there; MODULE is not defined.
    expect(diagnostics(rest.join('\n')).filter((d) => d.rule === 'pte-write-grant-unjustified').map((d) => d.line)).toEqual(
      ['restore_feature', 'restore_modular', 'restore_levels'].map((n) => grantIn(n).line),
    );
  });

  it('usage errors exit 2 with a message naming the problem; an unreadable file names the file', () => {
    const cwd = buildDir('usage', []);
    const noFile = ptelint(moduleArgv('x').slice(0, -1), cwd);
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toBe('ptelint kbuild: error: no source file given (kbuild passes it last)\n');
    const badFailOn = ptelint(['--fail-on', 'sometimes', fixture], cwd);
    expect(badFailOn.status).toBe(2);
    expect(badFailOn.stderr).toMatch(/--fail-on 'sometimes' is invalid/);
    const badRule = ptelint(['--rule', 'no-such-rule', fixture], cwd);
    expect(badRule.status).toBe(2);
    expect(badRule.stderr).toMatch(/unknown rule 'no-such-rule'/);
    const missing = path.join(work, 'ext', 'missing.c');
    const r = ptelint(moduleArgv('missing', missing), cwd);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: error: `));
  });

  it('--help prints the usage with the make recipes', () => {
    const r = ptelint(['--help'], work);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ptelint kbuild /);
    expect(r.stdout).toContain('make C=1 CHECK="ptelint kbuild"');
  });
});
