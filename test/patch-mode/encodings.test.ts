// The generated bug patch (remove_migration_pte() granting write from the VMA) wrapped the ways
// mail carries patches: a quoted-printable MIME mail, CRLF line ends, quoted in replies at depth 1
// and 2, and with the leading whitespace of context lines stripped as list archives do (seed 003).
// Every wrapping must give the same findings (rule, function, line, status) as the plain patch,
// on the tree and without it. The patch is made from sources/migrate.c: no kernel tree needed.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import {
  brief,
  fixtureMaterial,
  gitDiff,
  keys,
  lineAt,
  migrateTree,
  MIGRATE,
  patchMail,
  qpMail,
  quotedReply,
  removeTemps,
  stripContext,
  tempDir,
  type Key,
  type Material,
} from './helpers.js';

type Variant = {
  name: string;
  make: (diff: string) => string;
  /** What the input line a finding points at looks like: the grant, as this wrapping spells it. */
  grantInInput: RegExp;
};

const GRANT = /pte = pte_mkwrite\(pte, vma\);/;
// Quoted-printable: the first encoded line of the grant (`=` is `=3D`; a soft break may follow).
const QP_GRANT = /^ \t\t\tpte =3D pte_mk/;

const VARIANTS: Variant[] = [
  { name: 'plain format-patch mail', make: (d) => patchMail(d), grantInInput: GRANT },
  { name: 'quoted-printable MIME mail (76 columns)', make: (d) => qpMail(d, 76), grantInInput: QP_GRANT },
  { name: 'quoted-printable MIME mail with soft breaks inside diff lines (24 columns)', make: (d) => qpMail(d, 24), grantInInput: QP_GRANT },
  { name: 'CRLF patch', make: (d) => d.replace(/\n/g, '\r\n'), grantInInput: GRANT },
  { name: 'CRLF mail', make: (d) => patchMail(d).replace(/\n/g, '\r\n'), grantInInput: GRANT },
  { name: 'reply quoting at depth 1 (`> `)', make: (d) => quotedReply(d, 1), grantInInput: /^> {2}\t{3}pte = pte_mkwrite\(pte, vma\);$/ },
  { name: 'reply quoting at depth 2 (`>> `)', make: (d) => quotedReply(d, 2), grantInInput: /^>> {2}\t{3}pte = pte_mkwrite\(pte, vma\);$/ },
  { name: 'context lines without their leading space', make: (d) => stripContext(d, false), grantInInput: /^\t\t\tpte = pte_mkwrite\(pte, vma\);$/ },
  { name: 'context lines without any leading whitespace', make: (d) => patchMail(stripContext(d, true)), grantInInput: /^pte = pte_mkwrite\(pte, vma\);$/ },
];

let m: Material;
let dir: string;
let tree: string;
let expected: { tree: Key[]; noTree: Key[] };

async function findings(file: string, withTree: boolean) {
  const { result } = await runPatch(withTree ? { inputs: [file], tree } : { inputs: [file] });
  return result;
}

function write(name: string, text: string): string {
  const file = path.join(dir, name.replace(/[^a-z0-9]+/gi, '-') + '.patch');
  writeFileSync(file, text);
  return file;
}

const BUG_KEY = (line: number): Key => ({ rule: 'pte-write-grant-unjustified', file: MIGRATE, function: 'remove_migration_pte', line, status: 'introduced' });

beforeAll(async () => {
  m = fixtureMaterial();
  dir = tempDir();
  tree = migrateTree(m, m.original);
  const plain = write('plain', m.bugPatch);
  expected = { tree: keys((await findings(plain, true)).findings), noTree: keys((await findings(plain, false)).findings) };
});
afterAll(removeTemps);

describe('the wrappings themselves', () => {
  it('quoted-printable uses =3D and soft line breaks inside the diff lines', () => {
    const qp = qpMail(m.bugPatch, 24);
    expect(qp).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(qp).toContain('pte =3D');
    // The hunk header and the `+` guard line are long enough to be broken with `=` at line end.
    expect(qp).toMatch(/^@@ -\d+,7 \+\d+,7 @@.*=$/m);
    expect(qp).toMatch(/^\+\t\tif \(vma->vm_.*=$/m);
    expect(qpMail(m.bugPatch, 76)).toMatch(/=\n/);
  });

  it('the plain patch gives the bug on the tree', () => {
    expect(expected.tree).toEqual([BUG_KEY(m.grantLine)]);
  });
});

describe.each(VARIANTS)('$name', (variant) => {
  it('on the tree: the same findings as the plain patch', async () => {
    const text = variant.make(m.bugPatch);
    const file = write(`${variant.name}-tree`, text);
    const result = await findings(file, true);
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => [p.files, p.hunks]), brief(result)).toEqual([[[MIGRATE], 1]]);
    expect(keys(result.findings), brief(result)).toEqual(expected.tree);
    expect(keys(result.findings)).toEqual([BUG_KEY(m.grantLine)]);
    expect(result.findings[0].partial).toBe(false);
    expect(result.findings[0].input?.file).toBe(file);
    expect(lineAt(text, result.findings[0].input!.line)).toMatch(variant.grantInInput);
  });

  it('without a tree: the same findings as the plain patch, and the bug among them', async () => {
    const file = write(`${variant.name}-notree`, variant.make(m.bugPatch));
    const result = await findings(file, false);
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches.map((p) => [p.files, p.hunks]), brief(result)).toEqual([[[MIGRATE], 1]]);
    expect(keys(result.findings), brief(result)).toEqual(expected.noTree);
    expect(keys(result.findings), brief(result)).toEqual([BUG_KEY(m.grantLine)]);
    expect(result.findings[0].partial).toBe(true);
  });
});

// The same wrappings without a tree, on a patch whose context reaches the function's
// set_pte_at(): these exercise the decoding of each wrapping in partial mode whatever the
// hunk-size limits of the rules are (see "without a tree" above for the 3-line-context patch).
describe.each(VARIANTS)('$name, wide context (-U50), without a tree', (variant) => {
  it('gives the bug, partial, at the same line', async () => {
    const wide = gitDiff(m.original, m.buggy, MIGRATE, 50);
    expect(wide).toContain('set_pte_at(vma->vm_mm, pvmw.address, pvmw.pte, pte);');
    const plain = await findings(write(`${variant.name}-wide-plain`, wide), false);
    expect(keys(plain.findings), brief(plain)).toEqual([BUG_KEY(m.grantLine)]);
    const result = await findings(write(`${variant.name}-wide`, variant.make(wide)), false);
    expect(result.errors, brief(result)).toEqual([]);
    expect(keys(result.findings), brief(result)).toEqual(keys(plain.findings));
    expect(result.findings.every((f) => f.partial)).toBe(true);
  });
});
