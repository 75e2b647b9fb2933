// Regressions of `ptelint patch` found by trying it as a new user would: a patch that leaves a
// function unparsable, patches[].index against findings[].patch, an empty --git range, `diff -ruN`
// additions, -p N, --tree FILE, the size limit of a Latin-1 mail, --baseline, unusable inputs in
// the summary line and the exit status of every format.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBaseline } from '../../src/gate/baseline.js';
import { runPatch } from '../../src/engine/run-patch.js';
import { cli, git, removeTemps, ROOT, tempDir, writeFiles, type CliRun } from './helpers.js';

const CLI = path.join(ROOT, 'dist/src/cli/main.js');

/** A restore in the kernel's idiom: one note (redundant-maybe-mkwrite) as written. */
const RESTORE = `static void restore_exclusive_pte(struct vm_area_struct *vma, struct page *page,
		unsigned long address, pte_t *ptep)
{
	struct folio *folio = page_folio(page);
	swp_entry_t swp;
	pte_t orig, mapped;

	orig = ptep_get(ptep);
	mapped = pte_mkold(mk_pte(page, READ_ONCE(vma->vm_page_prot)));
	if (pte_swp_soft_dirty(orig))
		mapped = pte_mksoft_dirty(mapped);
	swp = pte_to_swp_entry(orig);
	if (pte_swp_uffd_wp(orig))
		mapped = pte_mkuffd_wp(mapped);
	else if (is_writable_device_exclusive_entry(swp))
		mapped = maybe_mkwrite(pte_mkdirty(mapped), vma);
	if (folio_test_anon(folio))
		folio_add_anon_rmap_pte(folio, page, vma, address, RMAP_NONE);
	else
		WARN_ON_ONCE(1);
	set_pte_at(vma->vm_mm, address, ptep, mapped);
	update_mmu_cache(vma, address, ptep);
}
`;
const INSTALL = '\tset_pte_at(vma->vm_mm, address, ptep, mapped);\n';
/** The same restore granting write from the VMA: an introduced error. */
const GRANTING = RESTORE.replace('\tif (pte_swp_soft_dirty(orig))', '\tif (vma->vm_flags & VM_WRITE)\n\t\tmapped = pte_mkwrite(mapped, vma);\n\tif (pte_swp_soft_dirty(orig))');

function ptelint(argv: string[]): Promise<CliRun> {
  return cli(argv, { env: {}, cwd: ROOT });
}

/** `diff -u` (GNU diff, as `diff -ruN` users run it) of two directories, run in `cwd`. */
function gnuDiff(cwd: string, a: string, b: string): string {
  const run = spawnSync('diff', ['-ruN', a, b], { cwd, encoding: 'utf8' });
  if (run.status !== 1) throw new Error(`diff -ruN: status ${run.status}: ${run.stderr}`);
  return run.stdout;
}

let dir: string;
beforeAll(() => {
  dir = tempDir('ptelint-gate-pm-');
  writeFiles(dir, { 'tree/mm/x.c': RESTORE, 'tree/Makefile': 'VERSION = 6\nPATCHLEVEL = 12\n' });
});
afterAll(removeTemps);

describe('a patch that leaves a function unparsable', () => {
  for (const [what, broken] of [
    ['an unclosed brace', RESTORE.replace(INSTALL, '\tset_pte_at(vma->vm_mm, address, ptep, mapped;\n\tif (x {\n')],
    ['a syntax error', RESTORE.replace(INSTALL, '\tset_pte_at(vma->vm_mm, address, ptep, mapped;\n')],
  ] as const) {
    it(`${what}: incomplete in the text, the note not counted as fixed, exit 1`, async () => {
      writeFiles(dir, { [`${what}/a/mm/x.c`]: RESTORE, [`${what}/b/mm/x.c`]: broken });
      const patch = path.join(dir, `${what}.diff`);
      writeFileSync(patch, gnuDiff(path.join(dir, what), 'a', 'b'));
      const text = await ptelint(['patch', '--tree', path.join(dir, 'tree'), patch]);
      expect(text.stdout).toContain(': 0 introduced, 0 fixed, 0 unchanged\n');
      expect(text.stdout).toMatch(/mm\/x\.c:\d+: warning: function 'restore_exclusive_pte' does not parse after this patch \(.+\) \[incomplete\]\n  = status: incomplete; its findings before the patch are not counted as fixed\n/);
      expect(text.status).toBe(1);
      const json = JSON.parse((await ptelint(['patch', '--tree', path.join(dir, 'tree'), patch, '--format', 'json'])).stdout);
      expect(json.findings.filter((f: { status: string }) => f.status === 'fixed')).toEqual([]);
      expect(json.incomplete.map((i: { function: string }) => i.function)).toEqual(['restore_exclusive_pte']);
      expect((await ptelint(['patch', '--tree', path.join(dir, 'tree'), patch, '--fail-on', 'error'])).status).toBe(0);
    });
  }
});

describe('patches[].index joins findings[].patch', () => {
  it('with several inputs', async () => {
    writeFiles(dir, { 'two/a/mm/x.c': RESTORE, 'two/b/mm/x.c': GRANTING });
    const one = path.join(dir, 'one.diff');
    const two = path.join(dir, 'two.diff');
    writeFileSync(one, gnuDiff(path.join(dir, 'two'), 'a', 'b'));
    writeFileSync(two, gnuDiff(path.join(dir, 'two'), 'a', 'b').replace(/mm\/x\.c/g, 'mm/y.c'));
    const json = JSON.parse((await ptelint(['patch', one, two, '--format', 'json'])).stdout);
    expect(json.patches.map((p: { index: number; files: string[] }) => [p.index, p.files])).toEqual([[1, ['mm/x.c']], [2, ['mm/y.c']]]);
    const introduced = json.findings.filter((f: { status: string }) => f.status === 'introduced');
    expect(introduced.length).toBeGreaterThanOrEqual(2);
    for (const f of introduced) {
      const p = json.patches.find((x: { index: number }) => x.index === f.patch);
      expect(p.files).toContain(f.file);
    }
  });

  it('with a git range, and an empty range says so and exits 0', () => {
    if (!existsSync(CLI)) throw new Error('run npm run build first');
    const repo = tempDir('ptelint-gate-git-');
    git(repo, ['init', '-q', '-b', 'master']);
    writeFiles(repo, { Makefile: 'VERSION = 6\nPATCHLEVEL = 12\n', 'mm/x.c': RESTORE, 'mm/y.c': RESTORE });
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'base']);
    writeFiles(repo, { 'mm/x.c': GRANTING });
    git(repo, ['commit', '-q', '-a', '-m', 'x: grant']);
    writeFiles(repo, { 'mm/y.c': GRANTING });
    git(repo, ['commit', '-q', '-a', '-m', 'y: grant']);
    const run = spawnSync(process.execPath, [CLI, 'patch', '--git', 'HEAD~2..HEAD', '--format', 'json'], { cwd: repo, encoding: 'utf8' });
    const json = JSON.parse(run.stdout);
    expect(json.patches.map((p: { index: number; subject: string }) => [p.index, p.subject])).toEqual([[1, 'x: grant'], [2, 'y: grant']]);
    const joined = json.findings.filter((f: { status: string }) => f.status === 'introduced').map((f: { patch: number; file: string }) => [f.patch, f.file]);
    expect(joined).toContainEqual([1, 'mm/x.c']);
    expect(joined).toContainEqual([2, 'mm/y.c']);
    expect(joined.every(([n, file]: [number, string]) => json.patches[n - 1].files.includes(file))).toBe(true);

    const empty = spawnSync(process.execPath, [CLI, 'patch', '--git', 'HEAD..HEAD'], { cwd: repo, encoding: 'utf8' });
    expect(empty.status).toBe(0);
    expect(empty.stderr).toBe('ptelint: no commits in HEAD..HEAD: nothing to lint\n');
    expect(empty.stdout).toBe('');
  });
});

describe('paths of plain diffs', () => {
  it('diff -ruN: a new file (@@ -0,0) is an addition, not "does not exist in the tree"', async () => {
    writeFiles(dir, { 'ruN/a/mm/x.c': RESTORE, 'ruN/b/mm/x.c': RESTORE, 'ruN/b/mm/new.c': GRANTING });
    const patch = path.join(dir, 'ruN.diff');
    const text = gnuDiff(path.join(dir, 'ruN'), 'a', 'b');
    expect(text).toMatch(/^--- a\/mm\/new\.c\t1970-01-01/m);
    writeFileSync(patch, text);
    const r = await ptelint(['patch', '--tree', path.join(dir, 'tree'), patch, '--format', 'json']);
    const json = JSON.parse(r.stdout);
    expect(json.errors).toEqual([]);
    expect(json.findings.filter((f: { status: string }) => f.status === 'introduced').map((f: { file: string }) => f.file)).toContain('mm/new.c');
    // A deleted file the same way: the tree has it, the diff takes it away whole.
    const gone = gnuDiff(path.join(dir, 'ruN'), 'b', 'a');
    writeFileSync(patch, gone);
    const deleted = await runPatch({ inputs: [patch] });
    expect(deleted.result.errors).toEqual([]);
    expect(deleted.result.findings.filter((f) => f.file === 'mm/new.c').every((f) => f.status === 'fixed')).toBe(true);
  });

  it('-p N strips N leading components of plain diff -u names, as patch -pN', async () => {
    writeFiles(dir, { 'deep/work/old/mm/x.c': RESTORE, 'deep/work/new/mm/x.c': GRANTING });
    const run = spawnSync('diff', ['-u', 'work/old/mm/x.c', 'work/new/mm/x.c'], { cwd: path.join(dir, 'deep'), encoding: 'utf8' });
    const patch = path.join(dir, 'deep.diff');
    writeFileSync(patch, run.stdout);
    const tree = path.join(dir, 'tree');
    const without = await ptelint(['patch', '--tree', tree, patch]);
    expect(without.stderr).toContain('does not exist in the tree');
    const p2 = await ptelint(['patch', '--tree', tree, '-p', '2', patch, '--format', 'json']);
    const json = JSON.parse(p2.stdout);
    expect(json.errors).toEqual([]);
    expect(json.patches[0].files).toEqual(['mm/x.c']);
    expect(json.findings.some((f: { status: string; rule: string }) => f.status === 'introduced' && f.rule === 'pte-write-grant-unjustified')).toBe(true);
    expect(JSON.parse((await ptelint(['patch', '--tree', tree, '--strip', '2', patch, '--format', 'json'])).stdout).patches[0].files).toEqual(['mm/x.c']);
    const tooMany = await ptelint(['patch', '-p', '9', patch]);
    expect(tooMany.stderr).toContain('-p 9: work/old/mm/x.c has no 9 leading path components to strip');
    expect((await ptelint(['patch', '-p', 'x', patch])).status).toBe(2);
  });
});

describe('.ptelint.json in patch mode', () => {
  it('is found from --tree; its ignore globs drop findings, its severities apply, and a bad file stops the run', async () => {
    writeFiles(dir, { 'cfg/a/mm/x.c': RESTORE, 'cfg/b/mm/x.c': GRANTING, 'cfgtree/mm/x.c': RESTORE, 'cfgtree/Makefile': 'VERSION = 6\nPATCHLEVEL = 12\n' });
    const patch = path.join(dir, 'cfg.diff');
    writeFileSync(patch, gnuDiff(path.join(dir, 'cfg'), 'a', 'b'));
    const tree = path.join(dir, 'cfgtree');
    const introduced = async () =>
      JSON.parse((await ptelint(['patch', '--tree', tree, patch, '--format', 'json'])).stdout).findings.filter((f: { status: string }) => f.status === 'introduced');
    writeFileSync(path.join(tree, '.ptelint.json'), JSON.stringify({ rules: { 'pte-write-grant-unjustified': 'note' } }));
    const noted = await introduced();
    expect(noted.find((f: { rule: string }) => f.rule === 'pte-write-grant-unjustified').severity).toBe('note');
    writeFileSync(path.join(tree, '.ptelint.json'), JSON.stringify({ ignore: ['mm/x.c'] }));
    expect(await introduced()).toEqual([]);
    writeFileSync(path.join(tree, '.ptelint.json'), JSON.stringify({ ignored: [] }));
    const bad = await ptelint(['patch', '--tree', tree, patch]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${path.join(tree, '.ptelint.json')}: unknown key 'ignored'`);
    expect((await ptelint(['patch', '--tree', tree, patch, '--no-config'])).status).toBe(1);
  });
});

describe('the kernel version of a patch run', () => {
  it('--verbose names it and where it came from; --kernel-version against the tree warns', async () => {
    writeFiles(dir, { 'ver/a/mm/x.c': RESTORE, 'ver/b/mm/x.c': GRANTING });
    const patch = path.join(dir, 'ver.diff');
    writeFileSync(patch, gnuDiff(path.join(dir, 'ver'), 'a', 'b'));
    const tree = path.join(dir, 'tree');
    expect((await ptelint(['patch', '--tree', tree, patch, '--verbose', '--format', 'json'])).stderr).toBe("ptelint: kernel 6.12 semantics (from the tree's Makefile)\n");
    expect((await ptelint(['patch', '--tree', tree, patch, '--kernel-version', '6.1', '--format', 'json'])).stderr).toBe(
      "ptelint: warning: --kernel-version 6.1 differs from the tree's Makefile (6.12); the Makefile's version is used\n",
    );
    expect((await ptelint(['patch', patch, '--verbose', '--kernel-version', '6.1', '--format', 'json'])).stderr).toBe(
      'ptelint: kernel 6.1 semantics (from --kernel-version or the config file; no kernel Makefile found)\n',
    );
  });
});

describe('unusable inputs', () => {
  it('--tree FILE says "not a directory" and exits 2', async () => {
    const file = path.join(dir, 'tree/mm/x.c');
    const r = await ptelint(['patch', '--tree', file, file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`ptelint: --tree ${file}: not a directory\n`);
    expect((await ptelint(['patch', '--tree', path.join(dir, 'none'), file])).stderr).toBe(`ptelint: --tree ${path.join(dir, 'none')}: no such file or directory\n`);
  });

  it('the size limit is on the file, not on its decoded text (a Latin-1 mail)', async () => {
    // 20 MiB of Latin-1 bytes decode to 60 MiB of U+FFFD: under the limit as a file.
    const file = path.join(dir, 'latin1.mbox');
    writeFileSync(file, Buffer.alloc(20 * 1024 * 1024, Buffer.from('\xe9\xe9\xe9\xe9\xe9\xe9\xe9\n', 'latin1')));
    const r = await runPatch({ inputs: [file] });
    expect(r.result.errors.map((e) => e.message)).toEqual([`no diff found in ${file}`]);
  });

  it('count in the summary line, and exit 2 in every format when nothing was usable', async () => {
    const missing = path.join(dir, 'missing.diff');
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = await ptelint(['patch', missing, '--format', format]);
      expect(r.status, format).toBe(2);
    }
    expect((await ptelint(['patch', missing])).stdout).toMatch(/^0 patches, 0 files, 0 introduced, 0 fixed, 1 unusable input in \d+ ms\n$/);
    expect((await ptelint(['patch', missing, '--format', 'github'])).stdout).toContain(`::error file=${missing}::`);
  });
});

describe('--baseline in patch mode', () => {
  it('an introduced finding the baseline knows is `baseline`: hidden, in the JSON, never failing', async () => {
    writeFiles(dir, { 'base/a/mm/x.c': RESTORE, 'base/b/mm/x.c': GRANTING });
    const patch = path.join(dir, 'base.diff');
    writeFileSync(patch, gnuDiff(path.join(dir, 'base'), 'a', 'b'));
    const tree = path.join(dir, 'tree');
    const before = JSON.parse((await ptelint(['patch', '--tree', tree, patch, '--format', 'json'])).stdout);
    const introduced = before.findings.filter((f: { status: string }) => f.status === 'introduced');
    expect(introduced.length).toBeGreaterThan(0);
    const baseline = path.join(dir, 'patch-baseline.json');
    writeFileSync(baseline, formatBaseline(introduced));
    const text = await ptelint(['patch', '--tree', tree, patch, '--baseline', baseline]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`: 0 introduced, 0 fixed, \\d+ unchanged, ${introduced.length} in the baseline\n`));
    const json = JSON.parse((await ptelint(['patch', '--tree', tree, patch, '--baseline', baseline, '--format', 'json'])).stdout);
    expect(json.findings.filter((f: { status: string }) => f.status === 'baseline')).toHaveLength(introduced.length);
    const sarif = JSON.parse((await ptelint(['patch', '--tree', tree, patch, '--baseline', baseline, '--format', 'sarif'])).stdout);
    expect(sarif.runs[0].results).toEqual([]);
    expect(readFileSync(baseline, 'utf8')).toBe(formatBaseline([...introduced].reverse()));
  });
});
