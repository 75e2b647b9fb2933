// A real kbuild run with ptelint as its checker: the full 6.12 tree, `make O=<tmp> allnoconfig`
// (x86_64, with modules so an out-of-tree object can be built), then `make C=2 CHECK="ptelint
// kbuild"` on mm/memory.o, mm/rmap.o and one object of an external module (M=) whose functions sit
// behind configuration conditionals. kbuild decides the command line; the test checks what make
// printed. The source tree is mounted read-only for make where the test runs as root, and is
// checked afterwards for the files an in-tree build would leave.
//
// Skipped, with the reason printed, without the unpacked full tree (`scripts/kernel-corpus.sh 6.12 --full`), an
// x86_64 host, or Debian's gcc, make, flex, bison, bc and libelf-dev. Needs `npm run build` first.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackedFullKernelTree } from '../corpus/kernel-trees.js';
import { grantOf, migrationRestore, sparseDiagnostic } from './kbuild-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const TOOLS = ['gcc', 'make', 'flex', 'bison', 'bc'];

const fullTree = unpackedFullKernelTree('6.12');

function missingTool(): string | undefined {
  return TOOLS.find((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

function skipReason(): string | undefined {
  if (!fullTree) return 'the full 6.12 tree is not unpacked (bash scripts/kernel-corpus.sh 6.12 --full)';
  if (process.arch !== 'x64') return `the host is ${process.arch}, the build is configured for x86_64`;
  const tool = missingTool();
  if (tool) return `${tool} is not installed (apt-get install gcc make flex bison bc libelf-dev)`;
  if (!existsSync('/usr/include/gelf.h')) return 'libelf-dev is not installed (objtool needs it)';
  return undefined;
}

const reason = skipReason();
if (reason) console.warn(`kbuild-build.test.ts skipped: ${reason}`);

// The external module: one restore of a migration entry that takes write from the VMA
// (pte-write-grant-unjustified) per conditional. allnoconfig has MMU and (here) MODULES, kbuild
// defines MODULE for an M= object, and leaves THP and SWAP off.
const ARMS = [
  { fn: 'restore_mmu', guard: '#ifdef CONFIG_MMU', compiled: true },
  { fn: 'restore_thp', guard: '#ifdef CONFIG_TRANSPARENT_HUGEPAGE', compiled: false },
  { fn: 'restore_module', guard: '#ifdef MODULE', compiled: true },
  { fn: 'restore_swap', guard: '#if IS_ENABLED(CONFIG_SWAP)', compiled: false },
  { fn: 'restore_modules', guard: '#if IS_ENABLED(CONFIG_MODULES) && CONFIG_PGTABLE_LEVELS >= 4', compiled: true },
];

const MODULE_SOURCE = [
  '// SPDX-License-Identifier: GPL-2.0',
  '#include <linux/module.h>',
  '#include <linux/mm.h>',
  '#include <linux/swap.h>',
  '#include <linux/swapops.h>',
  '',
  ...ARMS.map((a) => `${a.guard}\n${migrationRestore(a.fn, 'global')}#endif\n`),
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

const grantLine = (fn: string): number => grantOf(MODULE_SOURCE, fn).line;

let work: string;
let source: string;
let readOnly = false;

/** Runs make on the tree (read-only where a private mount namespace is possible). */
function make(args: string[]) {
  const command = readOnly
    ? ['unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec make "$@"', 'sh', fullTree!, source, ...args]] as const
    : ['make', args] as const;
  const run = spawnSync(command[0], [...command[1]], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  if (reason) return;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  work = mkdtempSync(path.join(tmpdir(), 'ptelint-kbuild-build-'));
  const mountPoint = path.join(work, 'linux');
  mkdirSync(mountPoint);
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && test ! -w "$2/Makefile"', 'sh', fullTree!, mountPoint]);
  readOnly = probe.status === 0;
  source = readOnly ? mountPoint : fullTree!;
  if (!readOnly) console.warn('kbuild-build.test.ts: cannot mount the tree read-only (not root?); make runs on it with O= and the tree is checked afterwards');
  mkdirSync(path.join(work, 'ext'));
  writeFileSync(path.join(work, 'ext', 'Kbuild'), 'obj-m := pte_fixture.o\n');
  writeFileSync(path.join(work, 'ext', 'pte_fixture.c'), MODULE_SOURCE);
  writeFileSync(path.join(work, 'allno.config'), 'CONFIG_64BIT=y\nCONFIG_MODULES=y\n');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(reason !== undefined)('make C=2 CHECK="ptelint kbuild" on the 6.12 tree', () => {
  it('checks each object with the configuration kbuild built it with, and writes nothing into the source tree', () => {
    const build = path.join(work, 'build');
    const ext = path.join(work, 'ext');
    const check = `CHECK=${process.execPath} ${CLI} kbuild`;
    const config = make(['-C', source, `O=${build}`, `KCONFIG_ALLCONFIG=${path.join(work, 'allno.config')}`, 'allnoconfig']);
    expect(config.status, config.output).toBe(0);
    const autoconf = readFileSync(path.join(build, 'include/generated/autoconf.h'), 'utf8');
    expect(autoconf).toMatch(/^#define CONFIG_MMU 1$/m);
    expect(autoconf).not.toMatch(/CONFIG_TRANSPARENT_HUGEPAGE |CONFIG_SWAP /);

    const tree = make(['-C', source, `O=${build}`, '-j2', 'C=2', check, 'mm/memory.o', 'mm/rmap.o']);
    expect(tree.status, tree.output).toBe(0);
    const module = make(['-C', source, `O=${build}`, `M=${ext}`, 'C=2', check, 'pte_fixture.o']);
    expect(module.status, module.output).toBe(0);

    // kbuild announced each check, and ptelint answered in sparse's shape.
    const memory = path.join(source, 'mm/memory.c');
    expect(tree.output).toContain(`  CHECK   ${memory}\n`);
    expect(tree.output).toContain(`  CHECK   ${path.join(source, 'mm/rmap.c')}\n`);
    const diagnostics = `${tree.output}\n${module.output}`.split('\n').flatMap((l) => sparseDiagnostic(l) ?? []);
    const note = diagnostics.find((d) => d.file === memory && d.rule === 'redundant-maybe-mkwrite');
    expect(note).toBeDefined();
    expect(readFileSync(path.join(fullTree!, 'mm/memory.c'), 'utf8').split('\n')[note!.line - 1].slice(note!.column - 1)).toMatch(/^maybe_mkwrite\(/);

    // The module's object: reported exactly in the arms this configuration compiles.
    const fixture = path.join(ext, 'pte_fixture.c');
    const grants = diagnostics.filter((d) => d.file === fixture && d.rule === 'pte-write-grant-unjustified').map((d) => d.line);
    expect(grants).toEqual(ARMS.filter((a) => a.compiled).map((a) => grantLine(a.fn)));

    // kbuild with O= leaves nothing in the source tree (with the read-only mount it could not).
    for (const artefact of ['.config', 'include/config', 'include/generated', 'mm/memory.o']) {
      expect(existsSync(path.join(fullTree!, artefact)), artefact).toBe(false);
    }
  });
});
