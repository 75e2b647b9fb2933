// The byte-level keyword prefilter must say exactly what a substring search says, on bytes and on
// text (searched as its UTF-8 bytes), whatever the overlap between keywords and the encoding.

import { describe, expect, it } from 'vitest';
import { KeywordScanner, scannerFor } from '../../src/engine/keyword-scanner.js';
import { AlignedGramSearch } from '../../src/engine/aligned-gram-search.js';
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

  it('a text: code units whose low byte spells a keyword, and lone surrogates, are not keywords', () => {
    const s = new KeywordScanner(['swp', 'swap_pte']);
    // U+0170 and U+0165 end in the bytes of "p" and "e"; an unpaired surrogate encodes as U+FFFD.
    for (const text of ['sw\u0170', 'swap_pt\u0165', 'sw\ud800p', '\udc00swp']) expect(s.inText(text), text).toBe(naive(text, ['swp', 'swap_pte']));
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

  it('finds a keyword at every position and alignment of the bytes, up to the last byte', () => {
    // inBytes reads 4-aligned words of the underlying memory: a view may start at any offset, and
    // a keyword may end the buffer, past the last whole word.
    const words = ['swp', 'dst_mm', 'uffd_wp', 'pte_swp_clear_exclusive', 'writable('];
    const s = new KeywordScanner(words);
    const memory = Buffer.alloc(64 + 8, 'x');
    let negatives = 0;
    for (const word of words) {
      for (let viewStart = 0; viewStart < 4; viewStart++) {
        for (let length = word.length; length <= 40; length++) {
          for (let at = 0; at + word.length <= length; at++) {
            memory.fill('x');
            memory.write(word, viewStart + at, 'latin1');
            const view = memory.subarray(viewStart, viewStart + length);
            expect(s.inBytes(view), `${word} at ${at} of ${length}, view at ${viewStart}`).toBe(true);
            // One byte of it changed: none left, unless that byte was outside a keyword it holds.
            memory[viewStart + at + ((at + length) % word.length)] = 0x23;
            const broken = memory.subarray(viewStart, viewStart + length);
            const expected = naive(broken.toString('latin1'), words);
            negatives += expected ? 0 : 1;
            expect(s.inBytes(broken), `broken ${word} at ${at} of ${length}`).toBe(expected);
          }
        }
      }
    }
    expect(negatives).toBeGreaterThan(10_000);
  });

  it('AlignedGramSearch agrees with a substring search on random buffers of literal pieces', () => {
    const literals = ['device_private', 'get_and_clear', 'set_pte_at', 'dst_mm', 'mkwrite', 'any_writable', 'softleaf'];
    const search = new AlignedGramSearch(literals);
    const pieces = [...literals.flatMap((l) => [l.slice(0, 3), l.slice(3), l.slice(1, -1)]), ...literals.slice(0, 2), '\0', ' ', 'de', 'vice'];
    let seed = 777;
    const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff), (seed >>> 8) % n);
    let positives = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      for (let k = random(10); k > 0; k--) text += pieces[random(pieces.length)];
      const offset = random(4);
      const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(text, 'latin1')]).subarray(offset);
      const expected = literals.some((l) => text.includes(l));
      positives += expected ? 1 : 0;
      expect(search.in(bytes), JSON.stringify(text)).toBe(expected);
    }
    expect(positives).toBeGreaterThan(300);
    expect(positives).toBeLessThan(2700);
    expect(() => new AlignedGramSearch(['swp'])).toThrow(/at least 6/);
  });

  it('matches nothing without keywords, and refuses keywords it could not search in bytes', () => {
    expect(new KeywordScanner([]).inText('anything')).toBe(false);
    expect(() => new KeywordScanner(['café'])).toThrow(/ASCII/);
    expect(() => new KeywordScanner([''])).toThrow(/non-empty/);
  });
});
