// The corpus test (issue "ptelint end to end"): ptelint on the real 6.1 and 6.12 trees must
// report exactly the findings of test/corpus/expected-<version>.json, each with a written reason,
// and must not lose any function of mm/*.c silently.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { defaultRules } from '../../src/engine/registry.js';
import { parseKernelVersion } from '../../src/kernel-version.js';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { textualDefinitions } from './textual-functions.js';

interface Expected {
  kernel: string;
  /** The point release the `line` fields were read from. */
  measuredOn: string;
  paths: string[];
  /**
   * Each finding is named by its rule, file, function and the code of the reported line (trimmed,
   * spaces collapsed), not by its line number: Debian's linux-source packages follow the stable
   * point releases (6.12.117 -> 6.12.118 moved hugetlb.c by 30 lines), and the code is what a
   * reviewer checks. `line` records where it was in the tree the reason was written against.
   */
  findings: Array<{ rule: string; file: string; function: string; code: string; line: number; reason: string }>;
}

const sourceLines = new Map<string, string[]>();

/** The reported line's code, as the expectations file spells it. */
function codeAt(file: string, line: number): string {
  let lines = sourceLines.get(file);
  if (!lines) {
    lines = readFileSync(file, 'utf8').split('\n');
    sourceLines.set(file, lines);
  }
  return (lines[line - 1] ?? '').trim().replace(/\s+/g, ' ');
}

const here = path.dirname(fileURLToPath(import.meta.url));

function expectations(version: string): Expected {
  return JSON.parse(readFileSync(path.join(here, `expected-${version}.json`), 'utf8')) as Expected;
}

for (const version of ['6.12', '6.1'] as const) {
  describe.skipIf(missingKernelTree(version))(`linux ${version}`, () => {
    let tree: string;
    beforeAll(() => {
      tree = kernelTree(version);
    });
    const expected = expectations(version);

    test('findings equal the expectations file, each with a reason', async () => {
      const result = await runCheck({ paths: expected.paths.map((p) => path.join(tree, p)) });
      const got = result.findings.map((f) => ({
        rule: f.rule,
        file: path.relative(tree, f.file),
        function: f.function,
        code: codeAt(f.file, f.line),
      }));
      const want = expected.findings.map(({ rule, file, function: fn, code }) => ({ rule, file, function: fn, code }));
      expect(got).toEqual(want);
      for (const e of expected.findings) expect(e.reason.length, `reason for ${e.function}`).toBeGreaterThan(20);
      expect(result.errors).toEqual([]);
      // The version comes from the tree's Makefile.
      expect(readFileSync(path.join(tree, 'Makefile'), 'utf8')).toMatch(new RegExp(`PATCHLEVEL = ${version.split('.')[1]}\\b`));
    });

    test('every function of mm/*.c is analyzed or listed as incomplete', () => {
      const mm = path.join(tree, 'mm');
      const kernelVersion = parseKernelVersion(version);
      let textual = 0;
      let analyzed = 0;
      const unfilteredFindings: string[] = [];
      const lost: string[] = [];
      const incomplete: string[] = [];
      for (const name of readdirSync(mm).filter((n) => n.endsWith('.c')).sort()) {
        const file = path.join(mm, name);
        const text = readFileSync(file, 'utf8');
        const r = analyzeText(file, text, { rules: defaultRules(), kernelVersion, prefilter: false });
        const found = new Set(r.functionNames.map((n) => n.replace(/\(.*$/, '')));
        // Definitions inside an #if arm may be stubs of a configuration the profile turns off
        // (docs/architecture.md); every unconditional one must reach the engine.
        for (const d of textualDefinitions(text).filter((d) => !d.conditional)) {
          textual++;
          if (!found.has(d.name)) lost.push(`${name}:${d.name}`);
        }
        // Every function the slicer found was analyzed or reported incomplete: none dropped.
        expect(r.analyzed, name).toBe(r.functions);
        analyzed += r.analyzed;
        unfilteredFindings.push(...r.findings.map((f) => `${f.rule} mm/${name} ${f.function}: ${codeAt(file, f.line)}`));
        for (const i of r.incomplete) {
          expect(i.reason.length).toBeGreaterThan(10);
          incomplete.push(`${name}:${i.function}`);
        }
      }
      console.log(`linux ${version} mm/*.c: ${textual} unconditional textual definitions, ${analyzed} functions analyzed, ${incomplete.length} incomplete: ${incomplete.join(', ')}`);
      expect(lost).toEqual([]);
      // Parsing everything finds nothing the keyword prefilter skipped.
      const expectedInMm = expected.findings.filter((f) => /^mm\/[^/]+\.c$/.test(f.file)).map((f) => `${f.rule} ${f.file} ${f.function}: ${f.code}`);
      expect(unfilteredFindings.sort()).toEqual(expectedInMm.sort());
      expect(incomplete.length / analyzed).toBeLessThan(0.02);
    });
  });
}
