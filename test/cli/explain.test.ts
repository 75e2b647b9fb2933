// `ptelint explain` with the real rules: catalogue ids resolve to the rules that carry them, and
// what a user reads (the explanation, the generated docs/rules pages, the help lines) cites only
// what a user can read: kernel functions, commits, threads by title, the repository's own pages,
// never a design document kept outside the repository or its section numbers.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { runCheck } from '../../src/engine/run.js';
import { runCli } from '../../src/cli/program.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    runCheck,
    rules: allRules,
    version: 'test',
  });
  return { status, stdout, stderr };
}

/** References a reader of ptelint's output cannot follow. */
const UNREADABLE = [
  /\b[D]ESIGN\b/, // the design notes once kept beside the repository ([D]: not a citation itself)
  /\u00a7/, // their section signs
  /\bseed \d/i, // their numbering of the mailing-list threads
  /\((?:[GAE]\d{1,2}(?:\/[GAE]\d{1,2})?)[):;,]/, // their labels of guard classes and corrections
  /\bSTYLE\.md\b/,
  /\.\.\/shared\//,
  /\bshared\/seeds\//,
];

describe('ptelint explain', () => {
  it('every catalogue id (R1 ... R15, R10b) explains the rules that carry it', async () => {
    const ids = [...new Set(allRules.map((r) => r.meta.catalogue))];
    expect(ids.every((id) => /^R\d{1,2}b?$/.test(id))).toBe(true);
    expect(ids).toEqual(expect.arrayContaining(['R1', 'R3', 'R10', 'R10b', 'R15']));
    for (const id of ids) {
      const r = await run(['explain', id]);
      expect(r.status, id).toBe(0);
      const carriers = allRules.filter((x) => x.meta.catalogue === id);
      for (const rule of carriers) expect(r.stdout, id).toContain(`${rule.meta.id} (${id})\n`);
      // Each explanation once: the heading count equals the rules carrying the id.
      expect(r.stdout.match(/^Why this is a bug$/gm)?.length, id).toBe(carriers.length);
    }
    expect((await run(['explain', 'R3'])).stdout).toBe((await run(['explain', 'uffd-wp-propagate'])).stdout);
    expect((await run(['explain', 'r10b'])).stdout).toBe((await run(['explain', 'try-share-result-checked'])).stdout);
  });

  it('an unknown id lists the rule ids and the catalogue ids (exit 2)', async () => {
    const r = await run(['explain', 'R99']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/catalogue ids: R1, R2, .*R10, R10b, .*R15(?:, R\d+b?)*\n$/);
  });

  it('cites nothing a user cannot read: explanations, generated pages, help lines and messages', async () => {
    for (const rule of allRules) {
      const texts: Array<[string, string]> = [
        ['explain', (await run(['explain', rule.meta.id])).stdout],
        ['docs page', readFileSync(path.join(ROOT, 'docs/rules', `${rule.meta.id}.md`), 'utf8')],
        ['summary', rule.meta.summary],
        ...Object.entries(rule.meta.messages).map(([k, v]) => [`message ${k}`, v] as [string, string]),
      ];
      for (const [what, text] of texts) {
        for (const pattern of UNREADABLE) expect(text, `${rule.meta.id} ${what}: ${pattern}`).not.toMatch(pattern);
      }
    }
    const index = readFileSync(path.join(ROOT, 'docs/rules/README.md'), 'utf8');
    for (const pattern of UNREADABLE) expect(index).not.toMatch(pattern);
  });
});
