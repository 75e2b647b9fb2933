// Which unusable-input checks a file meets depends on the keyword prefilter: binary, too large or
// unreadable is said of every file; a long line or invalid UTF-8 only of files the rules could
// concern (the others are never decoded).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/engine/analyze-file.js';
import { defaultRules } from '../../src/engine/registry.js';

let root: string;
const rules = defaultRules();

function file(name: string, content: string | Buffer) {
  const absolute = path.join(root, name);
  writeFileSync(absolute, content);
  return { display: `mm/${name}`, absolute };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ptelint-analyze-file-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('analyzeFile and the prefilter', () => {
  const latin1 = (text: string) => Buffer.from(text, 'latin1');

  it('names a file with a keyword and invalid UTF-8', () => {
    const o = analyzeFile(file('kw.c', latin1('/* \xe9 */\nvoid f(pte_t *p) { set_pte_at(0, 0, p, 0); }\n')), { rules, prefilter: true });
    expect(o.errors).toEqual([{ file: 'mm/kw.c', message: 'not valid UTF-8 (first bad byte on line 1)' }]);
    expect(o.usable).toBe(false);
  });

  it('does not decode a file without any keyword, so its encoding is not judged', () => {
    const o = analyzeFile(file('plain.c', latin1('/* \xe9 */\nint x;\n')), { rules, prefilter: true });
    expect(o).toMatchObject({ errors: [], usable: true, scanned: false, functions: 0 });
  });

  it('judges every file with --no-prefilter', () => {
    const o = analyzeFile(file('plain2.c', latin1('/* \xe9 */\nint x;\n')), { rules, prefilter: false });
    expect(o.errors).toEqual([{ file: 'mm/plain2.c', message: 'not valid UTF-8 (first bad byte on line 1)' }]);
  });

  it('refuses a binary file whatever it holds', () => {
    const o = analyzeFile(file('bin.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00])), { rules, prefilter: true });
    expect(o.errors).toEqual([{ file: 'mm/bin.c', message: 'binary file (contains a NUL byte)' }]);
  });

  it('analyzes a file that passes', () => {
    const o = analyzeFile(file('ok.c', 'static void f(pte_t *ptep, pte_t pte)\n{\n\tset_pte_at(mm, addr, ptep, pte);\n}\n'), { rules, prefilter: true });
    expect(o).toMatchObject({ errors: [], usable: true, scanned: true, functions: 1 });
  });
});
