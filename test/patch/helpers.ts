// Shared material for the patch reader tests: a small kernel-style patch of our own (not kernel
// source), ways to wrap it as the list archives and mailers do, and a content-only view of the
// result for comparing those wrappings.

import type { FilePatch, PatchInput } from '../../src/patch-types.js';

/** One file, one hunk: tabs, a blank context line, `=` signs, a line longer than 76 columns. */
export const DEMO_DIFF = [
  'diff --git a/mm/demo.c b/mm/demo.c',
  'index 1234567..89abcde 100644',
  '--- a/mm/demo.c',
  '+++ b/mm/demo.c',
  '@@ -10,9 +10,11 @@ static pte_t demo_restore(pte_t old, struct vm_area_struct *vma)',
  ' {',
  ' \tpte_t pte = demo_mk_pte(vma->vm_page_prot);',
  ' ',
  '-\tif (demo_entry_writable(old))',
  '-\t\tpte = demo_maybe_mkwrite(pte, vma);',
  '+\tif (demo_entry_writable(old) && !demo_uffd_wp(old))',
  '+\t\tpte = demo_mkwrite(pte);',
  '+\t/* Soft-dirty and exclusive describe the page, not the mapping: keep them from the old entry. */',
  '+\tpte = demo_keep_bits(pte, old, DEMO_SOFT_DIRTY | DEMO_EXCLUSIVE);',
  ' \treturn pte;',
  ' }',
  ' ',
  ' static int demo_flags = DEMO_A | DEMO_B;',
];

export const DEMO_SUBJECT = '[PATCH] mm/demo: keep the write bit of the source entry';

export const DEMO_MESSAGE = [
  'Restoring an entry must not grant write access the source entry did not have.',
  '',
  'Signed-off-by: A Tester <tester@example.org>',
  '---',
  ' mm/demo.c | 6 ++++--',
  ' 1 file changed, 4 insertions(+), 2 deletions(-)',
  '',
];

export function mailHeaders(subject: string, extra: string[] = []): string[] {
  return [
    'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
    'From: A Tester <tester@example.org>',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    `Subject: ${subject}`,
    ...extra,
    '',
  ];
}

/** git format-patch output of DEMO_DIFF. */
export function demoMail(): string {
  return [...mailHeaders(DEMO_SUBJECT), ...DEMO_MESSAGE, ...DEMO_DIFF, '-- ', '2.43.0', ''].join('\n');
}

/** Quoted-printable (RFC 2045): `=` as `=3D`, trailing blanks encoded, soft breaks at `width`. */
export function qpEncode(text: string, width = 76): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let enc = '';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      const last = i === line.length - 1;
      if (ch === '=' || ch.charCodeAt(0) > 126 || ((ch === ' ' || ch === '\t') && last)) {
        enc += '=' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
      } else {
        enc += ch;
      }
    }
    while (enc.length > width) {
      // Never split an =XX escape.
      let cut = width - 1;
      const eq = enc.lastIndexOf('=', cut - 1);
      if (eq >= cut - 2) cut = eq;
      out.push(enc.slice(0, cut) + '=');
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\n');
}

/** Base64 in git's 76-column lines. */
export function base64Lines(text: string): string {
  const b = Buffer.from(text).toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 76) out.push(b.slice(i, i + 76));
  return out.join('\n');
}

/**
 * Quote every line at `depth`, picking the prefix spelling by `style(i)`: mailers differ in the
 * space after `>` and between markers, and an empty quoted line loses its trailing space.
 */
export function quote(lines: string[], depth: number, style: (i: number) => number = () => 0): string[] {
  const spellings: Record<number, string[]> = {
    1: ['> ', '>'],
    2: ['>> ', '> > ', '>>', '> >'],
    3: ['>>> ', '> > > ', '>>>', '>> > '],
  };
  return lines.map((line, i) => {
    const forms = spellings[depth];
    const prefix = forms[style(i) % forms.length];
    const quoted = prefix + line;
    // Some mailers strip the trailing blanks of a quoted blank line, some do not.
    return line.trim() === '' && style(i) % 2 === 1 ? quoted.trimEnd() : quoted;
  });
}

/** What the archive of seed 003 does: context lines lose their prefix space, blank ones become empty. */
export function dropContextSpace(diff: string[]): string[] {
  let inHunk = false;
  return diff.map((line) => {
    if (line.startsWith('@@')) inHunk = true;
    return inHunk && line.startsWith(' ') ? line.slice(1) : line;
  });
}

/** Seed 000's archive: every run of leading whitespace gone or collapsed, as an HTML page shows it. */
export function collapseWhitespace(diff: string[]): string[] {
  let inHunk = false;
  return diff.map((line) => {
    if (line.startsWith('@@')) inHunk = true;
    if (!inHunk) return line;
    const k = line[0];
    if (k === '+' || k === '-') return k + line.slice(1).replace(/\s+/g, ' ').replace(/^ $/, '');
    return line.replace(/\s+/g, ' ').trim();
  });
}

/** Content of file patches without input lines: what every wrapping of a diff must preserve. */
export function shape(files: FilePatch[], normalizeText = false) {
  const norm = (s: string) => (normalizeText ? s.replace(/\s+/g, ' ').trim() : s);
  return files.map((f) => ({
    oldPath: f.oldPath,
    newPath: f.newPath,
    binary: f.binary,
    hunks: f.hunks.map((h) => ({
      oldStart: h.oldStart,
      oldLines: h.oldLines,
      newStart: h.newStart,
      newLines: h.newLines,
      section: h.section,
      lines: h.lines.map((l) => [l.kind, norm(l.text)]),
    })),
  }));
}

/** The single patch's files of an input that must hold exactly one patch and no error. */
export function onlyFiles(result: PatchInput): FilePatch[] {
  if (result.errors.length > 0 || result.patches.length !== 1 || result.patches[0].errors.length > 0) {
    throw new Error(`expected one clean patch, got ${JSON.stringify({ errors: result.errors, patches: result.patches.map((p) => p.errors) })}`);
  }
  return result.patches[0].files;
}

/** Hunk line counts as the header defines them: ' ' and '-' are old lines, ' ' and '+' new ones. */
export function countLines(lines: { kind: string }[]): { old: number; new: number } {
  let o = 0;
  let n = 0;
  for (const l of lines) {
    if (l.kind !== '+') o++;
    if (l.kind !== '-') n++;
  }
  return { old: o, new: n };
}
