// Without a tree, a function is rebuilt from the hunks and rules that check for something missing
// stay quiet on it: the check may sit above the hunk. A patch that shows a function whole (it adds
// it, or rewrites all of it) hides nothing, so that function is analyzed as complete. Here: a new
// write-upgrade predicate without the uffd-wp check (R12), added whole by the patch, is reported;
// the same predicate touched by a one-line hunk, with its checks out of sight, is not.

import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { gitDiff, removeTemps, replaceOnce, tempDir, writeFiles } from './helpers.js';

afterAll(removeTemps);

const RULE = 'write-upgrade-predicate-complete';

const HEAD = `static unsigned long helper_before(unsigned long x)
{
	return x + 1;
}
`;

const PREDICATE = `
static bool can_change_foo_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (WARN_ON_ONCE(!(vma->vm_flags & VM_WRITE)))
		return false;
	if (pte_protnone(pte))
		return false;
	if (pte_needs_soft_dirty_wp(vma, pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}
`;

const TAIL = `
static unsigned long helper_after(unsigned long x)
{
	unsigned long y = x;

	y += 2;
	y += 3;
	y += 4;
	y += 5;
	return y;
}
`;

async function run(before: string, after: string) {
  const dir = tempDir();
  writeFiles(dir, { 'p.patch': gitDiff(before, after, 'mm/mprotect.c') });
  const r = await runPatch({ inputs: [path.join(dir, 'p.patch')] });
  expect(r.result.errors).toEqual([]);
  return r.result.findings.filter((f) => f.rule === RULE);
}

describe('patch mode without a tree: functions the patch shows whole', () => {
  test('a predicate added whole is analyzed as complete: the missing uffd-wp check is introduced', async () => {
    const found = await run(HEAD + TAIL, HEAD + PREDICATE + TAIL);
    expect(found.map((f) => [f.status, f.function])).toEqual([
      ['introduced', 'can_change_foo_writable'],
      ['introduced', 'can_change_foo_writable'],
    ]);
    expect(found.every((f) => /uffd-wp/.test(f.message))).toBe(true);
  });

  test('a one-line change inside it is not: the checks above the hunk are out of sight', async () => {
    // With the uffd-wp check present in the file, a later unrelated edit of the last return.
    const complete = replaceOnce(PREDICATE, '\tif (pte_needs_soft_dirty_wp(vma, pte))', '\tif (userfaultfd_pte_wp(vma, pte))\n\t\treturn false;\n\tif (pte_needs_soft_dirty_wp(vma, pte))');
    const padded = complete.replace('\tif (pte_protnone(pte))', '\t/* one */\n\t/* two */\n\t/* three */\n\t/* four */\n\tif (pte_protnone(pte))');
    const edited = replaceOnce(padded, '\treturn pte_dirty(pte);', '\treturn pte_dirty(pte) && 1;');
    const found = await run(HEAD + padded + TAIL, HEAD + edited + TAIL);
    expect(found).toEqual([]);
  });
});
