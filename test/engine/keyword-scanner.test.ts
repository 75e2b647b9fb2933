// The byte-level keyword prefilter must say exactly what a substring search says, on bytes and on
// text, whatever the overlap between keywords (Aho-Corasick failure links) and the encoding.

import { describe, expect, it } from 'vitest';
import { KeywordScanner, scannerFor } from '../../src/engine/keyword-scanner.js';
import { defaultRules } from '../../src/engine/registry.js';

const naive = (text: string, words: string[]) => words.some((w) => text.includes(w));

describe('KeywordScanner', () => {
  it('finds keywords that overlap, share prefixes, or sit inside other words', () => {
    const words = ['swp', 'swap_pte', 'pte_present', 'set_pte_at', 'writable('];
    const s = new KeywordScanner(words);
    for (const text of ['', 'sw', 'swa_pte', 'swap_pt', 'swap_pte', 'xswpx', 'set_pte_a', 'pte_presen', 'sset_pte_at', 'is_writable(x)', 'writable', 'pte_pte_present']) {
      expect(s.inText(text), text).toBe(naive(text, words));
      expect(s.inBytes(Buffer.from(text)), text).toBe(naive(text, words));
    }
  });

  it('agrees with a substring search on random text built from keyword pieces', () => {
    const words = [...new Set(defaultRules().flatMap((r) => r.meta.keywords))];
    const s = scannerFor(defaultRules());
    // Halves of keywords, so that concatenations make keywords across piece boundaries.
    const halves = words.flatMap((w) => [w.slice(0, w.length >> 1), w.slice(w.length >> 1), w.slice(1, -1)]);
    const pieces = [...halves, ...words.filter((_, i) => i % 4 === 0), ' ', '\n', 'é', '✓', '\u{1F600}', '('];
    let seed = 12345;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff), (seed >>> 8) % n);
    let positives = 0;
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let k = random(8); k > 0; k--) text += pieces[random(pieces.length)];
      const expected = naive(text, words);
      positives += expected ? 1 : 0;
      expect(s.inText(text), text).toBe(expected);
      expect(s.inBytes(Buffer.from(text, 'utf8')), text).toBe(expected);
    }
    // The generator must exercise both answers.
    expect(positives).toBeGreaterThan(100);
    expect(positives).toBeLessThan(1900);
  });

  it('matches nothing without keywords, and refuses keywords it could not search in bytes', () => {
    expect(new KeywordScanner([]).inText('anything')).toBe(false);
    expect(() => new KeywordScanner(['café'])).toThrow(/ASCII/);
    expect(() => new KeywordScanner([''])).toThrow(/non-empty/);
  });
});
