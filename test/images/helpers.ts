// Test helpers for the image builder: Patch objects from diff text (a minimal stand-in for the
// patch reader, which is written elsewhere), diffs made by git, and temporary trees.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FilePatch, Hunk, Patch } from '../../src/patch-types.js';

/**
 * Reads a unified diff into a Patch. Hunk lengths come from the `@@` counts; inside a hunk a line
 * without a known prefix is context whose text is the whole line (what a mail archive that
 * stripped the leading space leaves, seed 003).
 */
export function patchFrom(text: string, input = 'test.patch', index = 1, subject = ''): Patch {
  const lines = text.split('\n');
  const files: FilePatch[] = [];
  let file: FilePatch | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/.exec(line);
    if (line.startsWith('diff --git ')) {
      const names = /^diff --git a\/(\S+) b\/(\S+)$/.exec(line);
      file = { oldPath: names?.[1] ?? null, newPath: names?.[2] ?? null, hunks: [], binary: false, inputLine: i + 1 };
      files.push(file);
    } else if (line.startsWith('--- ') && !m) {
      if (!file || file.hunks.length > 0) {
        file = { oldPath: null, newPath: null, hunks: [], binary: false, inputLine: i + 1 };
        files.push(file);
      }
      file.oldPath = line === '--- /dev/null' ? null : line.slice(4).replace(/^a\//, '').replace(/\t.*$/, '');
    } else if (line.startsWith('+++ ') && file) {
      file.newPath = line === '+++ /dev/null' ? null : line.slice(4).replace(/^b\//, '').replace(/\t.*$/, '');
    } else if (line.startsWith('Binary files') && file) {
      file.binary = true;
    } else if (m && file) {
      const hunk: Hunk = {
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        section: m[5],
        lines: [],
        inputLine: i + 1,
      };
      let pre = 0;
      let post = 0;
      while (pre < hunk.oldLines || post < hunk.newLines) {
        i++;
        const l = lines[i];
        if (l === undefined) break;
        if (l.startsWith('\\')) continue;
        if (l.startsWith('-')) {
          hunk.lines.push({ kind: '-', text: l.slice(1), inputLine: i + 1 });
          pre++;
        } else if (l.startsWith('+')) {
          hunk.lines.push({ kind: '+', text: l.slice(1), inputLine: i + 1 });
          post++;
        } else {
          hunk.lines.push({ kind: ' ', text: l.startsWith(' ') ? l.slice(1) : l, inputLine: i + 1 });
          pre++;
          post++;
        }
      }
      file.hunks.push(hunk);
    }
  }
  return { input, subject, index, files, errors: [] };
}

/** `git diff --no-index` between two texts, named `a/<name>` and `b/<name>` (null: no such side). */
export function gitDiff(before: string | null, after: string | null, name: string, context = 3): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ptelint-diff-'));
  try {
    for (const [side, content] of [['a', before], ['b', after]] as const) {
      if (content === null) continue;
      mkdirSync(path.dirname(path.join(dir, side, name)), { recursive: true });
      writeFileSync(path.join(dir, side, name), content);
    }
    const run = spawnSync(
      'git',
      ['-c', 'core.attributesFile=/dev/null', 'diff', '--no-index', '--no-prefix', '--no-color', `-U${context}`,
        before === null ? '/dev/null' : `a/${name}`, after === null ? '/dev/null' : `b/${name}`],
      { cwd: dir, encoding: 'utf8' },
    );
    if (run.status !== 1) throw new Error(`git diff --no-index: ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A temporary directory holding `files` (path -> text). */
export function makeTree(files: Record<string, string>, prefix = 'ptelint-tree-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Kernel-style C written for these tests (not kernel source). */
export const SAMPLE = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

static bool restore_entry(struct vm_area_struct *vma, pte_t *ptep,
			  pte_t old, bool writable)
{
	pte_t pte = pte_mkold(old);

	if (pte_swp_soft_dirty(old))
		pte = pte_mksoft_dirty(pte);
	if (writable)
		pte = maybe_mkwrite(pte, vma);
	else if (pte_swp_uffd_wp(old))
		pte = pte_mkuffd_wp(pte);

	set_pte_at(vma->vm_mm, 0, ptep, pte);
	return true;
}

static void split_entry(struct vm_area_struct *vma, pte_t *ptep, bool write,
			bool young)
{
	pte_t entry;

	if (!write) {
		entry = pte_wrprotect(*ptep);
	} else {
		entry = pte_mkdirty(*ptep);
		if (write)
			entry = maybe_mkwrite(entry, vma);
		if (!young)
			entry = pte_mkold(entry);
	}
	set_pte_at(vma->vm_mm, 0, ptep, entry);
}

static int count_entries(pte_t *ptep, int nr)
{
	int i, n = 0;

	for (i = 0; i < nr; i++) {
		if (pte_present(ptep[i]))
			n++;
	}
	return n;
}
`;

/** SAMPLE with `from` replaced by `to` (exactly once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit: ${JSON.stringify(from)} is not unique`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
