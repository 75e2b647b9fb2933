// The catalogue's shape (CONTRIBUTING.md): ids, files, fixtures, messages and summaries
// follow one convention, checked by machine rather than by review.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { allRules } from '../rules/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('rule catalogue', () => {
  test('rules/index.ts lists every rule file once, sorted by id', () => {
    const files = readdirSync(path.join(root, 'rules')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3)).sort();
    const ids = allRules.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(files);
  });

  for (const rule of allRules) {
    const { meta } = rule;
    describe(meta.id, () => {
      test('has fixtures: at least one invalid and one valid file', () => {
        const dir = path.join(root, 'fixtures', meta.id);
        expect(existsSync(dir)).toBe(true);
        const names = readdirSync(dir);
        expect(names.some((n) => /^(invalid|regress)-.*\.c$/.test(n))).toBe(true);
        expect(names.some((n) => /^valid-.*\.c$/.test(n))).toBe(true);
      });

      test('summary is one line that starts with "Detect", no final period, at most 100 characters', () => {
        expect(meta.summary).toMatch(/^Detect [^\n]*[^.]$/);
        expect(meta.summary.length).toBeLessThanOrEqual(100);
      });

      test('messages are lowercase, without final period, and every message is used', () => {
        const source = readFileSync(path.join(root, 'rules', `${meta.id}.ts`), 'utf8');
        for (const [id, text] of Object.entries(meta.messages as Record<string, string>)) {
          expect(text, id).toMatch(/^[^A-Z]/);
          expect(text, id).not.toMatch(/[.!]$/);
          expect(source.split(`'${id}'`).length - 1, `messageId ${id} is reported somewhere`).toBeGreaterThanOrEqual(1);
        }
      });

      test('has rationale, fix, limits, references and keywords', () => {
        expect(meta.docs.why.length).toBeGreaterThan(100);
        expect(meta.docs.fix.length).toBeGreaterThan(10);
        expect(meta.docs.limits.length).toBeGreaterThan(20);
        expect(meta.docs.references.length).toBeGreaterThan(0);
        expect(meta.keywords.length).toBeGreaterThan(0);
        expect(meta.catalogue).toMatch(/^R\d+b?$/);
      });
    });
  }
});
