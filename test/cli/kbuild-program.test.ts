// `ptelint kbuild` through runCli with a stand-in engine: what it hands the engine (the build's
// configuration, the kernel version, the rule selection) and how it turns a result into sparse's
// lines and an exit status.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/program.js';
import { listRules } from '../../src/engine/registry.js';
import type { CheckOptions } from '../../src/engine/run-options.js';
import type { Finding, RunResult, Severity } from '../../src/finding.js';

let work: string;
let tree: string;
let build: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ptelint-kbuild-program-'));
  // A 6.1 source tree (its Makefile's head and kconfig.h) and an O= build directory beside it.
  tree = path.join(work, 'linux');
  mkdirSync(path.join(tree, 'include/linux'), { recursive: true });
  writeFileSync(path.join(tree, 'Makefile'), '# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 158\n');
  writeFileSync(path.join(tree, 'include/linux/kconfig.h'), '#include <generated/autoconf.h>\n');
  build = path.join(work, 'build');
  mkdirSync(path.join(build, 'include/generated'), { recursive: true });
  writeFileSync(path.join(build, 'include/generated/autoconf.h'), '#define CONFIG_MMU 1\n#define CONFIG_ZRAM_MODULE 1\n#define CONFIG_X86 1\n');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function finding(severity: Severity, over: Partial<Finding> = {}): Finding {
  return { rule: 'uffd-wp-propagate', severity, file: '/abs/mod/x.c', line: 12, column: 5, function: 'f', message: `a ${severity}`, help: 'h', fingerprint: 'fp', ...over };
}

function result(over: Partial<RunResult> = {}): RunResult {
  return { findings: [], errors: [], incomplete: [], summary: { files: 1, functions: 1, findings: 0, durationMs: 1 }, ...over };
}

async function kbuild(argv: string[], answer: (o: CheckOptions) => RunResult = () => result()) {
  let stdout = '';
  let stderr = '';
  const options: CheckOptions[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    rules: listRules(),
    version: '0.0.0',
    runCheck: async (o) => {
      options.push(o);
      return answer(o);
    },
  };
  const status = await runCli(['kbuild', ...argv], io);
  return { status, stdout, stderr, options };
}

const flags = () => ['-D__KERNEL__', '-DMODULE', '-UCONFIG_MMU', `-I${tree}/include`, `-I${build}/include`, '-include', `${tree}/include/linux/kconfig.h`, '-O2', '-mcmodel=kernel'];

describe('ptelint kbuild -> the engine', () => {
  it('passes the build\'s configuration, the kernel version of the tree built against, one job', async () => {
    const r = await kbuild([...flags(), '/abs/mod/x.c']);
    expect(r.status).toBe(0);
    expect(r.options).toHaveLength(1);
    const o = r.options[0];
    expect(o.paths).toEqual(['/abs/mod/x.c']);
    expect(o.jobs).toBe(1);
    expect(o.kernelVersion).toEqual({ major: 6, minor: 1 });
    expect(o.profile?.unlistedConfig).toBe('undefined');
    // autoconf.h after the command line: CONFIG_MMU stays defined despite -U.
    expect(o.profile?.symbols).toMatchObject({ __KERNEL__: 1, MODULE: 1, CONFIG_MMU: 1, CONFIG_ZRAM_MODULE: 1, __HAVE_ARCH_PTE_SAME: 1 });
    expect(o.profile?.symbols.CONFIG_TRANSPARENT_HUGEPAGE).toBeUndefined();
  });

  it('--kernel-version, --rule, --disable and --legacy-arch reach the engine', async () => {
    const r = await kbuild(['--kernel-version=6.12', '--rule', 'uffd-wp-propagate,soft-dirty-propagate', '--disable=soft-dirty-propagate', '--legacy-arch', ...flags(), 'x.c']);
    const o = r.options[0];
    expect(o.kernelVersion).toEqual({ major: 6, minor: 12 });
    expect(o.only).toEqual(['uffd-wp-propagate', 'soft-dirty-propagate']);
    expect(o.disable).toEqual(['soft-dirty-propagate']);
    expect(o.legacyArch).toBe(true);
    expect(o.paths).toEqual([path.resolve('x.c')]);
  });
});

describe('ptelint kbuild <- the engine', () => {
  const all = (o: CheckOptions) =>
    result({
      findings: (['error', 'warning', 'note'] as const).map((s, i) => finding(s, { file: o.paths[0], line: 10 + i })),
      incomplete: [{ file: o.paths[0], function: 'g', line: 40, reason: 'parse error at line 41' }],
    });

  it('prints every finding as a sparse warning on stderr, with the path as kbuild gave it', async () => {
    const r = await kbuild([...flags(), 'mod/x.c'], all);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'mod/x.c:10:5: warning: a error [uffd-wp-propagate]\n' +
        'mod/x.c:11:5: warning: a warning [uffd-wp-propagate]\n' +
        'mod/x.c:12:5: warning: a note [uffd-wp-propagate]\n',
    );
    expect(r.status).toBe(0);
  });

  it('--verbose names the configuration and the functions not fully analyzed, outside the warning shape', async () => {
    const r = await kbuild(['--verbose', ...flags(), 'mod/x.c'], all);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`ptelint kbuild: configuration: ${path.join(build, 'include/generated/autoconf.h')}`);
    expect(lines.at(-1)).toBe('ptelint: mod/x.c:40: g() not fully analyzed: parse error at line 41');
  });

  it('--fail-on sets the threshold; an unreadable only file is exit 2 with an error line', async () => {
    expect((await kbuild(['--fail-on', 'note', 'mod/x.c'], all)).status).toBe(1);
    expect((await kbuild(['--fail-on', 'error', 'mod/x.c'], all)).status).toBe(1);
    expect((await kbuild(['--fail-on', 'error', 'mod/x.c'], (o) => result({ findings: [finding('warning', { file: o.paths[0] })] }))).status).toBe(0);
    const unreadable = await kbuild(['mod/x.c'], (o) => result({ errors: [{ file: o.paths[0], message: 'cannot read: no such file' }], summary: { files: 0, functions: 0, findings: 0, durationMs: 0 } }));
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toBe('mod/x.c: error: cannot read: no such file\n');
  });
});
