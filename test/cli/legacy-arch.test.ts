// `--legacy-arch` (ptelint check / patch): it turns on the rules meant for trees whose *_mkdirty()
// can set the hardware write bit (readonly-restore-after-mkdirty, R15) in addition to the selected
// ones, and gives the analysis those semantics. Driven through runCli with the real engine and
// rules in-process (no build needed), on a file written for the test, and with a stand-in engine
// for the flag -> options mapping.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/program.js';
import { runCheck } from '../../src/engine/run.js';
import { runPatch, type PatchOptions } from '../../src/engine/run-patch.js';
import { listRules } from '../../src/engine/registry.js';
import type { CheckOptions } from '../../src/engine/run-options.js';

const R15 = 'readonly-restore-after-mkdirty';

// A restore of a read-only migration PMD that is made dirty and never write-protected after.
const BEFORE = `static void restore_pmd(struct vm_area_struct *vma, pmd_t *pmdp, struct page *new)
{
	pmd_t old = *pmdp;
	swp_entry_t entry = pmd_to_swp_entry(old);
	pmd_t pmde = mk_huge_pmd(new, READ_ONCE(vma->vm_page_prot));

	if (PageDirty(new) && is_migration_entry_dirty(entry))
		pmde = pmd_mkdirty(pmde);
	if (pmd_swp_soft_dirty(old))
		pmde = pmd_mksoft_dirty(pmde);
	else
		pmde = pmd_clear_soft_dirty(pmde);
	if (is_writable_migration_entry(entry))
		pmde = pmd_mkwrite(pmde, vma);
	else
		pmde = pmd_wrprotect(pmde);
	if (pmd_swp_uffd_wp(old))
		pmde = pmd_mkuffd_wp(pmde);
	set_pmd_at(vma->vm_mm, 0, pmdp, pmde);
}
`;
const AFTER = BEFORE.replace('\telse\n\t\tpmde = pmd_wrprotect(pmde);\n', '');
const MKDIRTY_LINE = AFTER.split('\n').findIndex((l) => l.includes('pmd_mkdirty(')) + 1;

// The patch that removes the write-protect (the revert of 96a9c287e25d, in this file).
const PATCH = `From: Test <test@example.org>
Subject: [PATCH] mm: drop the read-only restore wrprotect

---
 mm/restore.c | 2 --
 1 file changed, 2 deletions(-)

diff --git a/mm/restore.c b/mm/restore.c
--- a/mm/restore.c
+++ b/mm/restore.c
@@ -13,8 +13,6 @@ static void restore_pmd(struct vm_area_struct *vma, pmd_t *pmdp, struct page *new)
 	if (is_writable_migration_entry(entry))
 		pmde = pmd_mkwrite(pmde, vma);
-	else
-		pmde = pmd_wrprotect(pmde);
 	if (pmd_swp_uffd_wp(old))
 		pmde = pmd_mkuffd_wp(pmde);
 	set_pmd_at(vma->vm_mm, 0, pmdp, pmde);
 }
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ptelint-legacy-'));
  mkdirSync(path.join(dir, 'bad/mm'), { recursive: true });
  mkdirSync(path.join(dir, 'tree/mm'), { recursive: true });
  writeFileSync(path.join(dir, 'bad/mm/restore.c'), AFTER);
  writeFileSync(path.join(dir, 'tree/mm/restore.c'), BEFORE);
  writeFileSync(path.join(dir, 'drop-wrprotect.patch'), PATCH);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  checkOptions: CheckOptions[];
  patchOptions: PatchOptions[];
}

/** runCli with the real engine (or a recording stand-in), output captured. */
async function run(argv: string[], standIn = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const checkOptions: CheckOptions[] = [];
  const patchOptions: PatchOptions[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
    rules: listRules(),
    version: '0.0.0-test',
    runCheck: async (o) => {
      checkOptions.push(o);
      if (standIn) return { findings: [], errors: [], incomplete: [], summary: { files: 0, functions: 0, findings: 0, durationMs: 0 } };
      return runCheck(o);
    },
    runPatch: async (o) => {
      patchOptions.push(o);
      return runPatch(o);
    },
    loadSourceLines: async () => () => undefined,
  };
  const status = await runCli(argv, io);
  return { status, stdout, stderr, checkOptions, patchOptions };
}

/** The R15 findings of a JSON report (other rules' verdicts on this file are not the point). */
function rulesOf(json: string): Array<{ rule: string; line: number }> {
  const parsed = JSON.parse(json) as { findings: Array<{ rule: string; line: number; status?: string }> };
  return parsed.findings.filter((f) => f.rule === R15).map((f) => ({ rule: f.rule, line: f.line }));
}

describe('check --legacy-arch', () => {
  it('maps to CheckOptions.legacyArch, and is absent without the flag', async () => {
    expect((await run(['check', 'mm', '--legacy-arch'], true)).checkOptions).toEqual([{ paths: ['mm'], prefilter: true, legacyArch: true }]);
    expect((await run(['check', 'mm'], true)).checkOptions).toEqual([{ paths: ['mm'], prefilter: true }]);
  });

  it('a fixture: silent by default, the R15 finding with the flag', async () => {
    const file = path.join(dir, 'bad');
    const without = await run(['check', file, '--format', 'json']);
    expect(rulesOf(without.stdout)).toEqual([]);

    const withFlag = await run(['check', file, '--format', 'json', '--legacy-arch']);
    expect(withFlag.status).toBe(1);
    expect(rulesOf(withFlag.stdout)).toEqual([{ rule: R15, line: MKDIRTY_LINE }]);
  });

  it('adds its rules to a --rule selection; --disable still wins', async () => {
    const file = path.join(dir, 'bad');
    const selected = await run(['check', file, '--format', 'json', '--legacy-arch', '--rule', 'write-upgrade-predicate-complete']);
    expect(rulesOf(selected.stdout)).toEqual([{ rule: R15, line: MKDIRTY_LINE }]);
    const disabled = await run(['check', file, '--format', 'json', '--legacy-arch', '--disable', R15]);
    expect(rulesOf(disabled.stdout)).toEqual([]);
  });

  it('named with --rule but without the flag: reports only in trees older than 6.5', async () => {
    const file = path.join(dir, 'bad');
    expect(rulesOf((await run(['check', file, '--format', 'json', '--rule', R15])).stdout)).toEqual([]);
    expect(rulesOf((await run(['check', file, '--format', 'json', '--rule', R15, '--kernel-version', '6.1'])).stdout)).toEqual([
      { rule: R15, line: MKDIRTY_LINE },
    ]);
  });
});

describe('patch --legacy-arch', () => {
  it('maps to PatchOptions.legacyArch', async () => {
    const r = await run(['patch', path.join(dir, 'drop-wrprotect.patch'), '--tree', path.join(dir, 'tree'), '--legacy-arch']);
    expect(r.patchOptions.map((o) => o.legacyArch)).toEqual([true]);
    const plain = await run(['patch', path.join(dir, 'drop-wrprotect.patch'), '--tree', path.join(dir, 'tree')]);
    expect(plain.patchOptions.map((o) => o.legacyArch)).toEqual([undefined]);
  });

  it('a patch that drops the write-protect: introduced only with the flag', async () => {
    const args = ['patch', path.join(dir, 'drop-wrprotect.patch'), '--tree', path.join(dir, 'tree'), '--format', 'json'];
    const without = await run(args);
    expect(without.stderr).toBe('');
    expect(rulesOf(without.stdout)).toEqual([]);
    const withFlag = await run([...args, '--legacy-arch']);
    expect(rulesOf(withFlag.stdout)).toEqual([{ rule: R15, line: MKDIRTY_LINE }]);
    expect(withFlag.status).toBe(1);
  });
});

describe('ptelint rules', () => {
  it('lists every rule with its severity and default, the legacy-arch rule off', async () => {
    const r = await run(['rules']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0].split(/\s+/).slice(0, 3)).toEqual(['ID', 'SEVERITY', 'DEFAULT']);
    expect(rows).toHaveLength(listRules().length + 1);
    for (const rule of listRules()) {
      const row = rows.find((line) => line.startsWith(`${rule.meta.id} `));
      expect(row, rule.meta.id).toBeDefined();
      const [, severity, onOff] = row!.split(/\s+/);
      expect(severity, rule.meta.id).toBe(rule.meta.severity);
      expect(onOff, rule.meta.id).toBe(rule.meta.enabledByDefault ? 'on' : 'off');
    }
    expect(rows.find((line) => line.startsWith(`${R15} `))!.split(/\s+/).slice(1, 3)).toEqual(['error', 'off']);
    expect(rows.find((line) => line.startsWith('write-upgrade-predicate-complete '))!.split(/\s+/).slice(1, 3)).toEqual(['error', 'on']);
  });
});

describe('ptelint explain', () => {
  it('says which flag turns the legacy-arch rule on', async () => {
    const r = await run(['explain', R15]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`default: off (run with --rule ${R15} or --legacy-arch)`);
  });
});
