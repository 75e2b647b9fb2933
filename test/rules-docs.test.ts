// Docs are generated, then checked (CONTRIBUTING.md): the committed docs/rules/ equal a fresh
// rendering, and every example in a rule's metadata does what the docs say: a flagged example
// gives exactly one finding of its rule, a not-flagged one gives none.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { allRules } from '../rules/index.js';
import { analyzeText } from '../src/engine/analyze.js';
import { renderRuleDoc, renderRuleIndex } from '../src/docs/render-rule-docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = path.join(root, 'docs/rules');

describe('docs/rules', () => {
  test('are up to date (run npm run docs) and have no orphan pages', () => {
    const want = new Map(allRules.map((r) => [`${r.meta.id}.md`, renderRuleDoc(r)]));
    want.set('README.md', renderRuleIndex(allRules));
    expect(readdirSync(docs).sort()).toEqual([...want.keys()].sort());
    for (const [name, text] of want) expect(readFileSync(path.join(docs, name), 'utf8'), name).toBe(text);
  });

  for (const rule of allRules) {
    test(`${rule.meta.id}: each flagged example gives exactly one finding, each valid one none`, () => {
      // A rule a mode flag turns on (--legacy-arch) documents what it flags in that mode.
      const legacyArch = (rule.meta.modes ?? []).includes('legacy-arch');
      for (const code of rule.meta.docs.examples.invalid) {
        const r = analyzeText('example.c', code, { rules: allRules, legacyArch });
        expect(r.incomplete).toEqual([]);
        expect(r.findings.map((f) => f.rule)).toEqual([rule.meta.id]);
      }
      for (const code of rule.meta.docs.examples.valid) {
        const r = analyzeText('example.c', code, { rules: allRules, legacyArch });
        expect(r.incomplete).toEqual([]);
        expect(r.findings).toEqual([]);
      }
    });
  }
});
