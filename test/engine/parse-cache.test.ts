// The parse cache of one file (src/engine/parse-cache.ts): a helper is parsed once, and a caller
// that names the APIs it wants gets nothing (and no parse) from a helper that mentions none of them.

import { describe, expect, test } from 'vitest';
import { FileUnits } from '../../src/engine/parse-cache.js';
import { extractFunctions } from '../../src/lang/slice.js';
import { NEWEST_KERNEL } from '../../src/kernel-version.js';

const FILE = [
  'static void installs(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)',
  '{',
  '\tset_pte_at(mm, addr, ptep, pte);',
  '}',
  '',
  'static int counts(int a)',
  '{',
  '\t/* set_pte_at() is named in a comment only */',
  '\treturn a + 1;',
  '}',
  '',
  'static int plain(int a)',
  '{',
  '\treturn a - 1;',
  '}',
  '',
].join('\n');

function units(): FileUnits {
  return new FileUnits(extractFunctions(FILE), NEWEST_KERNEL, () => false, 1_000_000);
}

describe('FileUnits.helper', () => {
  const installers = new Set(['set_pte_at', 'set_pmd_at']);

  test('without names, any same-file function is parsed and summarised once', () => {
    const file = units();
    const a = file.helper('plain');
    expect(a?.name).toBe('plain');
    expect(file.helper('plain')).toBe(a);
    expect(file.helper('missing')).toBeUndefined();
  });

  test('with names, a helper that mentions none of them is not summarised', () => {
    const file = units();
    expect(file.helper('plain', installers)).toBeUndefined();
    expect(file.helper('installs', installers)?.sinks.map((s) => s.call.name)).toEqual(['set_pte_at']);
    // Asked without names later, the helper is still there.
    expect(file.helper('plain')?.name).toBe('plain');
  });

  test('a mention is a text test: a helper naming an API only in a comment is still summarised', () => {
    const file = units();
    expect(file.helper('counts', installers)?.sinks).toEqual([]);
  });
});
