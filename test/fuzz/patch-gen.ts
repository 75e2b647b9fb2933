// Real-shaped patches for the fuzzers: a C file (our own kernel-idiom functions, or lines of a real
// kernel file read at test time), random edits of it, the exact unified diff of those edits, and
// the damage mail archives and hand edits do to a diff.

import fc from 'fast-check';

/** Statements in the kernel's idiom around page-table entries (written for these tests). */
const STATEMENTS = [
  '\tpte_t pte = ptep_get(ptep);',
  '\tentry = pte_mkwrite(entry, vma);',
  '\tentry = pte_mkdirty(entry);',
  '\tentry = pte_wrprotect(entry);',
  '\tif (pte_uffd_wp(old))',
  '\t\tentry = pte_mkuffd_wp(entry);',
  '\tif (pte_soft_dirty(old))',
  '\t\tentry = pte_mksoft_dirty(entry);',
  '\tset_pte_at(vma->vm_mm, addr, ptep, entry);',
  '\tif (vma->vm_flags & VM_WRITE) {',
  '\t}',
  '\tentry = maybe_mkwrite(entry, vma);',
  '\tspin_lock(ptl);',
  '\tspin_unlock(ptl);',
  '\treturn 0;',
  '#ifdef CONFIG_MEM_SOFT_DIRTY',
  '#else',
  '#endif',
  '\t/* keep the old entry\'s bits */',
  '',
  '\tpage_add_anon_rmap(page, vma, addr, RMAP_EXCLUSIVE);',
  '\tentry = swp_entry_to_pte(swp);',
  '\tif (pte_swp_uffd_wp(orig))',
  '\t\tentry = pte_swp_mkuffd_wp(entry);',
];

const fnArb = fc.record({
  name: fc.constantFrom('demo_restore', 'demo_move_pte', 'demo_copy_one', 'demo_fault', 'demo_change_prot'),
  body: fc.array(fc.constantFrom(...STATEMENTS), { minLength: 1, maxLength: 12 }),
});

/** A C file of our own: a few functions built from STATEMENTS. */
export const ownSourceArb: fc.Arbitrary<string[]> = fc.array(fnArb, { minLength: 1, maxLength: 5 }).map((fns) => {
  const lines: string[] = ['// SPDX-License-Identifier: GPL-2.0', '#include <linux/mm.h>', ''];
  fns.forEach((f, i) => {
    lines.push(`static int ${f.name}_${i}(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep)`, '{', '\tpte_t entry, old = ptep_get(ptep);', ...f.body, '}', '');
  });
  return lines;
});

export interface Edit {
  /** 0-based pre-image line where the edit starts. */
  at: number;
  remove: number;
  insert: string[];
}

/** Non-overlapping edits of a file of `length` lines, in order. */
export function editsArb(length: number): fc.Arbitrary<Edit[]> {
  const edit = fc.record({
    at: fc.nat({ max: Math.max(0, length) }),
    remove: fc.nat({ max: 3 }),
    insert: fc.array(fc.constantFrom(...STATEMENTS), { maxLength: 3 }),
  });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((raw) => {
    const sorted = [...raw].sort((a, b) => a.at - b.at);
    const out: Edit[] = [];
    let end = 0;
    for (const e of sorted) {
      if (e.at < end) continue;
      const remove = Math.min(e.remove, length - e.at);
      if (remove === 0 && e.insert.length === 0) continue;
      out.push({ at: e.at, remove, insert: e.insert });
      end = e.at + remove + 1; // a line between edits keeps them apart
    }
    return out;
  });
}

export function applyEdits(pre: string[], edits: Edit[]): string[] {
  const post: string[] = [];
  let i = 0;
  for (const e of edits) {
    post.push(...pre.slice(i, e.at), ...e.insert);
    i = e.at + e.remove;
  }
  post.push(...pre.slice(i));
  return post;
}

/** The unified diff (3 lines of context, git headers) of `edits` on `pre`: exact, hunks merged as git merges them. */
export function unifiedDiff(file: string, pre: string[], edits: Edit[], context = 3): string[] {
  const out = [`diff --git a/${file} b/${file}`, 'index 1111111..2222222 100644', `--- a/${file}`, `+++ b/${file}`];
  // Group edits whose context would touch.
  const groups: Edit[][] = [];
  for (const e of edits) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (prev && e.at - (prev.at + prev.remove) <= 2 * context) last.push(e);
    else groups.push([e]);
  }
  let delta = 0; // post - pre line count before the current group
  for (const g of groups) {
    const first = g[0];
    const last = g[g.length - 1];
    const start = Math.max(0, first.at - context);
    const end = Math.min(pre.length, last.at + last.remove + context);
    const body: string[] = [];
    let i = start;
    let oldCount = 0;
    let newCount = 0;
    for (const e of g) {
      for (; i < e.at; i++, oldCount++, newCount++) body.push(' ' + pre[i]);
      for (let k = 0; k < e.remove; k++, i++, oldCount++) body.push('-' + pre[i]);
      for (const line of e.insert) {
        body.push('+' + line);
        newCount++;
      }
    }
    for (; i < end; i++, oldCount++, newCount++) body.push(' ' + pre[i]);
    const oldStart = oldCount === 0 ? start : start + 1;
    const newStart = newCount === 0 ? start + delta : start + 1 + delta;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...body);
    delta += g.reduce((n, e) => n + e.insert.length - e.remove, 0);
  }
  return out;
}

/** One kind of damage to a diff's lines (or, for bytes, to its encoding). */
export type Damage =
  | { kind: 'delete' | 'duplicate' | 'truncate' | 'crlf' | 'quote-from' | 'recount' | 'nul' | 'huge'; at: number; n: number };

export const damageArb: fc.Arbitrary<Damage[]> = fc.array(
  fc.record({
    kind: fc.constantFrom('delete', 'duplicate', 'truncate', 'crlf', 'quote-from', 'recount', 'nul', 'huge') as fc.Arbitrary<Damage['kind']>,
    at: fc.nat(),
    n: fc.nat({ max: 200 }),
  }),
  { minLength: 0, maxLength: 5 },
);

/** The diff's text after `damage`, as bytes (NUL and invalid UTF-8 included). */
export function damaged(lines: string[], damage: Damage[], hugeLength = 200_000): Buffer {
  const out = [...lines];
  const eol: string[] = out.map(() => '\n');
  const binary = new Map<number, Buffer>();
  for (const d of damage) {
    if (out.length === 0) break;
    const at = d.at % out.length;
    switch (d.kind) {
      case 'delete':
        out.splice(at, 1);
        eol.splice(at, 1);
        break;
      case 'duplicate':
        out.splice(at, 0, out[at]);
        eol.splice(at, 0, eol[at]);
        break;
      case 'truncate':
        out[at] = out[at].slice(0, d.n % (out[at].length + 1));
        break;
      case 'crlf':
        for (let i = at; i < Math.min(out.length, at + 1 + (d.n % 5)); i++) eol[i] = '\r\n';
        break;
      case 'quote-from': // a mailer quoting the rest of the diff: `> ` on every line from here
        for (let i = at; i < out.length; i++) out[i] = '> ' + out[i];
        break;
      case 'recount': {
        const h = out.findIndex((l, i) => i >= at && /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/.test(l));
        if (h >= 0) out[h] = out[h].replace(/^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/, (_m, a, b) => `@@ -${a},${d.n % 9} +${b},${(d.n * 7) % 11} @@`);
        break;
      }
      case 'nul': // a NUL, or bytes that are not UTF-8, inside a line
        binary.set(at, d.n % 2 === 0 ? Buffer.from([0]) : Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]));
        break;
      case 'huge':
        out[at] = out[at] + 'x'.repeat(hugeLength);
        break;
    }
  }
  const parts: Buffer[] = [];
  out.forEach((l, i) => {
    const bytes = binary.get(i);
    if (bytes) {
      const cut = Math.floor(l.length / 2);
      parts.push(Buffer.from(l.slice(0, cut)), bytes, Buffer.from(l.slice(cut)));
    } else parts.push(Buffer.from(l));
    parts.push(Buffer.from(eol[i] ?? '\n'));
  });
  return Buffer.concat(parts);
}

/** A file, its edits, and the exact diff of them. */
export interface Shaped {
  file: string;
  pre: string[];
  edits: Edit[];
}

export function shapedArb(source: fc.Arbitrary<string[]>, file = 'mm/demo.c'): fc.Arbitrary<Shaped> {
  return source.chain((pre) => editsArb(pre.length).map((edits) => ({ file, pre, edits })));
}
