// `ptelint patch` on the four mailing-list threads (the seed mails of test/inputs.ts), as archived: the engine and
// the CLI must read what a reviewer reads (seed README: "what ptelint should take from it").

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPatch } from '../../src/engine/run-patch.js';
import { brief, cli, cliJson, lineAt, missingSeeds, seed } from './helpers.js';

const noSeeds = missingSeeds();

describe.skipIf(noSeeds)('seed 003: maybe_mkwrite() after a writable-entry check removed (mm: don\'t check VMA write permissions)', () => {
  let input: string;
  let text: string;
  beforeAll(() => {
    input = seed('003');
    text = readFileSync(input, 'utf8');
  });

  it('reports exactly the two redundant VMA rechecks as fixed, pointing at their `-` lines', async () => {
    const { result } = await runPatch({ inputs: [input] });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches).toHaveLength(1);
    expect(result.patches[0].files).toHaveLength(2);
    expect(result.patches[0].files).toEqual(expect.arrayContaining(['mm/migrate.c', 'mm/huge_memory.c']));
    expect(result.patches[0].hunks).toBe(3);

    const got = result.findings.map((f) => ({ rule: f.rule, status: f.status, file: f.file, function: f.function, partial: f.partial, patch: f.patch }));
    expect(got, brief(result)).toEqual(
      expect.arrayContaining([
        { rule: 'redundant-maybe-mkwrite', status: 'fixed', file: 'mm/migrate.c', function: 'remove_migration_pte', partial: true, patch: 1 },
        { rule: 'redundant-maybe-mkwrite', status: 'fixed', file: 'mm/huge_memory.c', function: 'remove_migration_pmd', partial: true, patch: 1 },
      ]),
    );
    expect(result.findings).toHaveLength(2);

    for (const f of result.findings) {
      expect(f.input?.file).toBe(input);
      const line = lineAt(text, f.input!.line);
      // The removed line of the seed: `- pte = maybe_mkwrite(pte, vma);` / `- pmde = maybe_pmd_mkwrite(pmde, vma);`.
      expect(line.startsWith('-'), `${f.function}: seed line ${f.input!.line} is ${JSON.stringify(line)}`).toBe(true);
      expect(line).toContain('maybe_');
      expect(line).toContain(f.function === 'remove_migration_pte' ? 'maybe_mkwrite(pte, vma)' : 'maybe_pmd_mkwrite(pmde, vma)');
    }
  });

  it('through the CLI: a fixed note does not fail the run', async () => {
    const run = await cliJson([input]);
    expect(run.status).toBe(0);
    expect(run.report.findings.map((f) => [f.rule, f.status, f.function]).sort()).toEqual([
      ['redundant-maybe-mkwrite', 'fixed', 'remove_migration_pmd'],
      ['redundant-maybe-mkwrite', 'fixed', 'remove_migration_pte'],
    ]);
  });
});

describe.skipIf(noSeeds)('seed 000: lazyfree pte restoration fix, diff quoted in a reply', () => {
  let input: string;
  beforeAll(() => {
    input = seed('000');
  });

  it('reads one patch of mm/rmap.c without errors', async () => {
    const { result } = await runPatch({ inputs: [input] });
    expect(result.errors, brief(result)).toEqual([]);
    expect(result.patches).toHaveLength(1);
    expect(result.patches[0].files).toEqual(['mm/rmap.c']);
    expect(result.patches[0].errors).toEqual([]);
    expect(result.patches[0].hunks).toBeGreaterThan(0);
  });

  it('exits 0 through the CLI', async () => {
    const run = await cli(['patch', input]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });
});

describe.skipIf(noSeeds).each(['001', '002'])('seed %s: review prose without a unified diff', (prefix) => {
  let input: string;
  beforeAll(() => {
    input = seed(prefix);
  });

  it('gives no patch and an error naming the input and saying there is no diff', async () => {
    const { result } = await runPatch({ inputs: [input] });
    expect(result.patches).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].file).toBe(input);
    expect(result.errors[0].message).toMatch(/no diff/i);
  });

  it('exits 2 through the CLI, naming the input on stderr', async () => {
    const run = await cli(['patch', input]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(input);
    expect(run.stderr).toMatch(/no diff/i);
  });
});
