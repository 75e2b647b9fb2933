// `ptelint patch --format mail`: the review as a reply quoting the patch, each finding under the
// line it concerns (the line `input.line` names in the mail), hunks without findings elided.
// On seed 003 (the 2023 maybe_mkwrite cleanup) the two notes it resolves land under its two
// `-maybe_*mkwrite` lines; on a generated bug patch the introduced finding lands under its line.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { formatPatchMail } from '../../src/report/patch-mail.js';
import { gitDiff, grantFromVma, harmlessEdit, migrateMail, missingSeeds, removeTemps, replaceOnce, RESTORE, seed, tempDir } from './helpers.js';

const noSeeds = missingSeeds();

/** The reply as a mail client reads it (postal-mime, the parser ptelint reads MIME mails with). */
async function parse(message: string) {
  return PostalMime.parse(message);
}

/** An mboxrd file split into its messages, `>From ` unquoted, as a mail reader does. */
function splitMboxrd(text: string): string[] {
  expect(text.startsWith('From ')).toBe(true);
  return text
    .split(/^From .*\n/m)
    .slice(1)
    .map((m) => m.replace(/^>(>*From )/gm, '$1'));
}

/** The body of a single message (after the header block). */
function bodyOf(message: string): string {
  return message.slice(message.indexOf('\n\n') + 2);
}

afterAll(removeTemps);

describe('a reply to the patch', () => {
  test.skipIf(noSeeds)('seed 003: each resolved note sits under the quoted line it names, with the subject', async () => {
    const run = await runPatch({ inputs: [seed('003')] });
    const mail = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    // An archived text has no Message-ID: nothing to thread on, only the subject.
    const parsed = await parse(mail);
    expect(parsed.subject).toBe(`Re: ${run.result.patches[0].subject}`);
    expect(parsed.inReplyTo).toBeUndefined();
    const lines = bodyOf(mail).split('\n');
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
    const body = lines.slice(2).filter((l) => l !== '' && !l.startsWith('ptelint [') && !l.startsWith('  '));
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
    let after = grantFromVma(before);
    after = replaceOnce(after, '\tstep(99);', '\tstep(100);');
    const file = path.join(dir, 'bug.patch');
    writeFileSync(file, gitDiff(before, after, 'mm/migrate.c', 1));
    const run = await runPatch({ inputs: [file] });
    const mail = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    const introduced = run.result.findings.filter((f) => f.status === 'introduced' && f.rule === 'pte-write-grant-unjustified');
    expect(introduced).toHaveLength(1);
    const lines = bodyOf(mail).split('\n');
    const at = lines.findIndex((l) => l.startsWith('ptelint [pte-write-grant-unjustified] error: '));
    // A context line keeps its leading space after the quote mark.
    expect(lines[at - 2]).toBe('>  \t\tpte = pte_mkwrite(pte, vma);');
    expect(lines[at + 1].startsWith('  help: ')).toBe(true);
    // The second hunk (step(99) -> step(100)) has no finding: elided.
    expect(mail).toContain('> [...]');
    expect(mail).not.toContain('step(100)');
  });

  test('nothing to say: a short reply saying so, or none with quiet', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'clean.patch');
    writeFileSync(file, gitDiff('static int f(void)\n{\n\treturn 1;\n}\n', 'static int f(void)\n{\n\treturn 2;\n}\n', 'mm/util.c'));
    const run = await runPatch({ inputs: [file] });
    const reply = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    expect(bodyOf(reply)).toBe(`ptelint found nothing new in ${file}.\n`);
    expect(formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false, quiet: true })).toBe('');
  });
});

const BEFORE = RESTORE;
const BUGGY = grantFromVma(BEFORE);
const TWEAKED = harmlessEdit(BUGGY);

describe('a reply that can be sent as it is', () => {
  test('threaded on the patch: In-Reply-To its Message-ID, References its References then its id, to its author and recipients', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bug.eml');
    writeFileSync(
      file,
      migrateMail(BEFORE, BUGGY, '[PATCH v2 2/2] mm/migrate: restore write from the VMA', [
        'Message-ID: <patch-2@example.org>',
        'In-Reply-To: <cover@example.org>',
        'References: <v1-cover@example.org>',
        ' <cover@example.org>',
        'To: Andrew Morton <akpm@example.org>',
        'Cc: linux-mm@kvack.org, =?UTF-8?Q?J=C3=B6rg_R=C3=B6del?= <joerg@example.org>',
      ]),
    );
    const run = await runPatch({ inputs: [file] });
    const reply = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    // Header lines stay within 78 characters, folded at spaces.
    for (const line of reply.slice(0, reply.indexOf('\n\n')).split('\n')) expect(line.length).toBeLessThanOrEqual(78);
    const mail = await parse(reply);
    expect(mail.subject).toBe('Re: [PATCH v2 2/2] mm/migrate: restore write from the VMA');
    expect(mail.inReplyTo).toBe('<patch-2@example.org>');
    expect(mail.references).toBe('<v1-cover@example.org> <cover@example.org> <patch-2@example.org>');
    expect(mail.to).toEqual([{ address: 'author@example.org', name: 'Patch Author' }]);
    expect(mail.cc).toEqual([
      { address: 'akpm@example.org', name: 'Andrew Morton' },
      { address: 'linux-mm@kvack.org', name: '' },
      { address: 'joerg@example.org', name: 'Jörg Rödel' },
    ]);
    expect(mail.text).toContain('ptelint [pte-write-grant-unjustified] error: ');
    expect(mail.text).toContain('> +\tif (vma->vm_flags & VM_WRITE)');
  });

  test('a non-ASCII subject is RFC 2047 encoded and reads back the same', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'utf8.eml');
    const subject = '[PATCH] mm/migrate: Jörg’s restore — write from the VMA, a long subject that needs folding';
    writeFileSync(file, migrateMail(BEFORE, BUGGY, subject, ['Message-ID: <u@example.org>']));
    const run = await runPatch({ inputs: [file] });
    const reply = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    const header = reply.slice(0, reply.indexOf('\n\n'));
    expect(/^[\x20-\x7e\n]*$/.test(header)).toBe(true);
    expect((await parse(reply)).subject).toBe(`Re: ${subject}`);
  });

  test('a series: one reply per patch in an mboxrd file, each threaded on its own patch; quiet drops the clean one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'series.mbox');
    const first = migrateMail(BEFORE, BUGGY, '[PATCH 1/2] mm/migrate: restore write from the VMA', ['Message-ID: <s1@example.org>']);
    const second = migrateMail(BUGGY, TWEAKED, '[PATCH 2/2] mm/migrate: tweak', ['Message-ID: <s2@example.org>']);
    writeFileSync(file, `${first}\n${second}`);
    const run = await runPatch({ inputs: [file] });
    const mbox = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false });
    const messages = splitMboxrd(mbox);
    expect(messages).toHaveLength(2);
    const [one, two] = await Promise.all(messages.map(parse));
    expect([one.inReplyTo, two.inReplyTo]).toEqual(['<s1@example.org>', '<s2@example.org>']);
    expect(one.subject).toBe('Re: [PATCH 1/2] mm/migrate: restore write from the VMA');
    expect(one.text).toContain('[pte-write-grant-unjustified]');
    expect(two.text).toBe('ptelint found nothing new in "[PATCH 2/2] mm/migrate: tweak".\n');
    // Only the first patch has something to say: one plain message, no mbox framing.
    const quiet = formatPatchMail(run.result, (n) => run.patchOf?.(n), { all: false, quiet: true });
    expect(quiet.startsWith('Subject: Re: [PATCH 1/2]')).toBe(true);
    expect((await parse(quiet)).inReplyTo).toBe('<s1@example.org>');
  });
});

describe('the built CLI', () => {
  const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/src/cli/main.js');
  test.skipIf(noSeeds)('patch --format mail prints the reply; check has no mail format (exit 2)', () => {
    const reply = spawnSync(process.execPath, [CLI, 'patch', '--format', 'mail', seed('003')], { encoding: 'utf8' });
    expect(reply.status).toBe(0);
    expect(reply.stdout.startsWith('Subject: Re: ')).toBe(true);
    expect(reply.stderr).toBe('');
    expect(reply.stdout).toContain('ptelint [redundant-maybe-mkwrite] fixed by this patch: ');
    const check = spawnSync(process.execPath, [CLI, 'check', '--format', 'mail', seed('003')], { encoding: 'utf8' });
    expect(check.status).toBe(2);
    expect(check.stderr).toContain('mail');
  });
});

describe('the built CLI, --quiet', () => {
  const CLI = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/src/cli/main.js');
  test('a clean patch from standard input: a short reply, nothing with --quiet (exit 0 both)', () => {
    const mail = migrateMail(BEFORE, harmlessEdit(BEFORE), '[PATCH] tweak', ['Message-ID: <c@example.org>']);
    const loud = spawnSync(process.execPath, [CLI, 'patch', '--format', 'mail', '-'], { input: mail, encoding: 'utf8' });
    expect(loud.status).toBe(0);
    expect(loud.stdout).toContain('In-Reply-To: <c@example.org>');
    expect(loud.stdout.endsWith('\n\nptelint found nothing new in "[PATCH] tweak".\n')).toBe(true);
    const quiet = spawnSync(process.execPath, [CLI, 'patch', '--format', 'mail', '--quiet', '-'], { input: mail, encoding: 'utf8' });
    expect(quiet).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});
