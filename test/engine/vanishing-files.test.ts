// Files that change under a scan: the list of files is taken first and each file is read once,
// later, by whichever thread takes it. A file deleted or replaced in between must give an error
// entry naming it, or the outcome of the text actually read, and the scan goes on with the rest.

import { mkdtempSync, rmSync, unlinkSync, writeFileSync, mkdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/engine/analyze-file.js';
import { collectSourceFiles } from '../../src/input/paths.js';
import { defaultRules } from '../../src/engine/registry.js';
import { runCheck } from '../../src/engine/run.js';

const rules = defaultRules();
let root: string;

// A grant of write from the VMA alone on a restored entry: pte-write-grant-unjustified.
const BUGGY = `static void restore_entry(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, swp_entry_t entry)
{
	pte_t pte = mk_pte(pfn_swap_entry_to_page(entry), vma->vm_page_prot);

	pte = maybe_mkwrite(pte, vma);
	set_pte_at(vma->vm_mm, addr, ptep, pte);
}
`;
const CLEAN = BUGGY.replace('\tpte = maybe_mkwrite(pte, vma);\n', '');

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-vanish-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('files that change after the scan listed them', () => {
  it('a file deleted after listing is an error entry naming it; the others are analyzed', async () => {
    const dir = path.join(root, 'gone');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.c'), BUGGY);
    writeFileSync(path.join(dir, 'b.c'), BUGGY);
    const { files, errors } = await collectSourceFiles([dir]);
    expect(errors).toEqual([]);
    unlinkSync(path.join(dir, 'a.c'));
    const [a, b] = files.map((f) => analyzeFile(f, { rules, prefilter: true }));
    expect(a.usable).toBe(false);
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0].file).toBe(files[0].display);
    expect(a.errors[0].message).toMatch(/^cannot read: /);
    expect(b.findings.map((f) => f.rule)).toEqual(['pte-write-grant-unjustified']);
  });

  it('a file replaced after listing is judged on the text read, once', async () => {
    const dir = path.join(root, 'changed');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.c'), BUGGY);
    const { files } = await collectSourceFiles([dir]);
    writeFileSync(path.join(dir, 'a.c'), CLEAN);
    const o = analyzeFile(files[0], { rules, prefilter: true });
    expect(o).toMatchObject({ errors: [], usable: true, findings: [] });
  });

  it('a directory removed before the scan lists it is an error entry, the other paths are scanned', async () => {
    const kept = path.join(root, 'kept');
    const gone = path.join(root, 'gone-dir');
    mkdirSync(kept);
    mkdirSync(gone);
    writeFileSync(path.join(kept, 'a.c'), BUGGY);
    rmdirSync(gone);
    const result = await runCheck({ paths: [gone, kept], jobs: 1 });
    expect(result.errors.map((e) => e.file)).toEqual([gone]);
    expect(result.findings.map((f) => f.rule)).toEqual(['pte-write-grant-unjustified']);
  });
});
