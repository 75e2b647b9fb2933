// The corpus test (issue "ptelint end to end"): ptelint on the real 6.1 and 6.12 trees must
// report exactly the findings of test/corpus/expected-<version>.json, each with a written reason,
// and must not lose any function of mm/*.c silently.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { analyzeText } from '../../src/engine/analyze.js';
import { allRules } from '../../rules/index.js';
import { parseKernelVersion } from '../../src/analysis/kernel-version.js';
import { kernelTree } from './kernel-trees.js';

interface Expected {
  kernel: string;
  paths: string[];
  findings: Array<{ rule: string; file: string; function: string; line: number; reason: string }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function expectations(version: string): Expected {
  return JSON.parse(readFileSync(path.join(here, `expected-${version}.json`), 'utf8')) as Expected;
}

/** Column-0 function headers, counted independently of the slicer: `name(` ... then `{` alone. */
function textualFunctionNames(text: string): string[] {
  const lines = text.split('\n');
  const names: string[] = [];
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes('/*') && !line.includes('*/')) inComment = true;
    if (inComment) {
      if (line.includes('*/')) inComment = false;
      continue;
    }
    if (line !== '{') continue;
    // Walk back over the header lines to the one that names the function.
    for (let j = i - 1; j >= 0 && j >= i - 8; j--) {
      const m = /^(?:[A-Za-z_][\w\s*,()]*?\s\**)?([A-Za-z_]\w*)\s*\(/.exec(lines[j]);
      if (m && !/^\s/.test(lines[j])) {
        names.push(m[1]);
        break;
      }
    }
  }
  return names;
}

for (const version of ['6.12', '6.1'] as const) {
  describe(`linux ${version}`, () => {
    const tree = kernelTree(version);
    const expected = expectations(version);

    test('findings equal the expectations file, each with a reason', async () => {
      const result = await runCheck({ paths: expected.paths.map((p) => path.join(tree, p)) });
      const got = result.findings.map((f) => ({
        rule: f.rule,
        file: path.relative(tree, f.file),
        function: f.function,
        line: f.line,
      }));
      const want = expected.findings.map(({ rule, file, function: fn, line }) => ({ rule, file, function: fn, line }));
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
      const lost: string[] = [];
      const incomplete: string[] = [];
      for (const name of readdirSync(mm).filter((n) => n.endsWith('.c')).sort()) {
        const file = path.join(mm, name);
        const text = readFileSync(file, 'utf8');
        const r = analyzeText(file, text, { rules: allRules, kernelVersion, prefilter: false });
        const found = new Set(r.functionNames);
        for (const fn of textualFunctionNames(text)) {
          textual++;
          if (!found.has(fn)) lost.push(`${name}:${fn}`);
        }
        analyzed += r.analyzed;
        for (const i of r.incomplete) {
          expect(i.reason.length).toBeGreaterThan(10);
          incomplete.push(`${name}:${i.function}`);
        }
      }
      console.log(`linux ${version} mm/*.c: ${textual} textual definitions, ${analyzed} analyzed, ${incomplete.length} incomplete: ${incomplete.join(', ')}`);
      // Functions found textually but not by the slicer are the ones an #if profile removes on
      // purpose (stubs of disabled configurations); anything else is a slicing bug.
      expect(lost.filter((l) => !allowedLost(version).includes(l))).toEqual([]);
      expect(incomplete.length / analyzed).toBeLessThan(0.02);
    });
  });
}

function allowedLost(version: string): string[] {
  return (JSON.parse(readFileSync(path.join(here, `expected-${version}.json`), 'utf8')) as { inactiveStubs?: string[] }).inactiveStubs ?? [];
}
