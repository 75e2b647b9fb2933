// `ptelint patch --format mail`: the review as a reply quoting the patch, each finding under the
// line it concerns (the line `input.line` names in the mail), hunks without findings elided.
// On seed 003 (the 2023 maybe_mkwrite cleanup) the two notes it resolves land under its two
// `-maybe_*mkwrite` lines; on a generated bug patch the introduced finding lands under its line.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { formatPatchMail } from '../../src/report/patch-mail.js';
import { gitDiff, removeTemps, replaceOnce, seed, tempDir } from './helpers.js';

afterAll(removeTemps);

describe('a reply to the patch', () => {
  test('seed 003: each resolved note sits under the quoted line it names, with the subject', async () => {
    const run = await runPatch({ inputs: [seed('003')] });
    const mail = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    const lines = mail.split('\n');
    expect(lines[0]).toBe(`Subject: Re: ${run.result.patches[0].subject}`);
    const fixed = run.result.findings.filter((f) => f.status === 'fixed');
    expect(fixed).toHaveLength(2);
    const input = readFileSync(seed('003'), 'utf8').split('\n');
    for (const f of fixed) {
      const at = lines.findIndex((l) => l.startsWith(`ptelint [${f.rule}] fixed by this patch: ${f.message}`));
      expect(at, f.message).toBeGreaterThan(0);
      // The quoted line just above the comment (after one blank line) is the mail's line.
      const quoted = lines[at - 2];
      expect(quoted.startsWith('> ')).toBe(true);
      expect(quoted.slice(2).trimEnd()).toBe(input[f.input!.line - 1].trimEnd());
      expect(quoted).toMatch(/^> -.*maybe_(pmd_)?mkwrite\(/);
    }
    // Everything else of the reply is quoted patch text or a comment: nothing is left unquoted.
    const body = lines.slice(4).filter((l) => l !== '' && !l.startsWith('ptelint [') && !l.startsWith('  '));
    expect(body.every((l) => l.startsWith('>'))).toBe(true);
  });

  test('a generated bug patch: the introduced finding is under its line; hunks without findings are elided', async () => {
    const dir = tempDir();
    const filler = Array.from({ length: 12 }, (_, i) => `\tstep(${i});`).join('\n');
    const before = `static void restore_one(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, struct page *page)
{
	pte_t old = ptep_get(ptep);
	swp_entry_t entry = pte_to_swp_entry(old);
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	if (is_writable_migration_entry(entry))
		pte = pte_mkwrite(pte, vma);
${filler}
	set_pte_at(vma->vm_mm, addr, ptep, pte);
	step(99);
}
`;
    let after = replaceOnce(before, '\tif (is_writable_migration_entry(entry))', '\tif (vma->vm_flags & VM_WRITE)');
    after = replaceOnce(after, '\tstep(99);', '\tstep(100);');
    const file = path.join(dir, 'bug.patch');
    writeFileSync(file, gitDiff(before, after, 'mm/migrate.c', 1));
    const run = await runPatch({ inputs: [file] });
    const mail = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    const introduced = run.result.findings.filter((f) => f.status === 'introduced' && f.rule === 'pte-write-grant-unjustified');
    expect(introduced).toHaveLength(1);
    const lines = mail.split('\n');
    const at = lines.findIndex((l) => l.startsWith('ptelint [pte-write-grant-unjustified] error: '));
    // A context line keeps its leading space after the quote mark.
    expect(lines[at - 2]).toBe('>  \t\tpte = pte_mkwrite(pte, vma);');
    expect(lines[at + 1].startsWith('  help: ')).toBe(true);
    // The second hunk (step(99) -> step(100)) has no finding: elided.
    expect(mail).toContain('> [...]');
    expect(mail).not.toContain('step(100)');
  });

  test('nothing to say: an empty reply', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clean.patch');
    writeFileSync(file, gitDiff('static int f(void)\n{\n\treturn 1;\n}\n', 'static int f(void)\n{\n\treturn 2;\n}\n', 'mm/util.c'));
    const run = await runPatch({ inputs: [file] });
    expect(formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false })).toBe('');
  });
});

describe('the built CLI', () => {
  const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/src/cli/main.js');
  test('patch --format mail prints the reply; check has no mail format (exit 2)', () => {
    const reply = spawnSync(process.execPath, [CLI, 'patch', '--format', 'mail', seed('003')], { encoding: 'utf8' });
    expect(reply.status).toBe(0);
    expect(reply.stdout.startsWith('Subject: Re: ')).toBe(true);
    expect(reply.stdout).toContain('ptelint [redundant-maybe-mkwrite] fixed by this patch: ');
    const check = spawnSync(process.execPath, [CLI, 'check', '--format', 'mail', seed('003')], { encoding: 'utf8' });
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('mail');
  });
});
