// Corpus test: slicing + preprocessing + tree-sitter over the real mm/*.c and fs/proc/task_mmu.c
// of Linux 6.12 and 6.1. The trees are read at test time and never copied into the repository;
// scripts/kernel-corpus.sh prints their (cached) location.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTree, missingKernelTree } from '../inputs.js';
import { textualDefinitions } from '../corpus/textual-functions.js';
import { describe, test, expect, beforeAll } from 'vitest';
import { firstParseProblem, parseC, type ParseProblem, type SyntaxNode } from '../../src/lang/parser.js';
import { extractFunctions, type SourceFunction } from '../../src/lang/slice.js';

interface Parsed {
  file: string;
  fn: SourceFunction;
  root: SyntaxNode;
  problem: ParseProblem | undefined;
}

/** The functions whose raw parse fails, one construct each. */
const NAMED: Record<string, { mm: string[]; taskMmu: string[] }> = {
  '6.12': {
    mm: [
      'remove_migration_pte', '__copy_present_ptes', 'zap_present_folio_ptes', 'wp_page_reuse', 'do_wp_page',
      'hugetlb_mfill_atomic_pte', '__collapse_huge_page_isolate', '__unmap_hugepage_range',
    ],
    taskMmu: ['clear_soft_dirty', 'clear_soft_dirty_pmd', 'make_uffd_wp_pte', 'show_smaps_rollup'],
  },
  '6.1': {
    mm: [
      'remove_migration_pte', 'wp_page_reuse', 'do_wp_page', 'hugetlb_mcopy_atomic_pte',
      '__collapse_huge_page_isolate', '__unmap_hugepage_range',
    ],
    taskMmu: ['clear_soft_dirty', 'clear_soft_dirty_pmd', 'show_smaps_rollup'],
  },
};

const MIN_CLEAN_RATE = 0.97;

function baseName(fn: SourceFunction): string {
  return fn.name.replace(/\(.*$/, '');
}

for (const version of ['6.12', '6.1'] as const) {
  describe.skipIf(missingKernelTree(version))(`Linux ${version}`, () => {
    let tree = '';
    const mm: Parsed[] = [];
    const taskMmu: Parsed[] = [];
    const sources = new Map<string, string>();

    beforeAll(() => {
      tree = kernelTree(version);
      const files = readdirSync(join(tree, 'mm'))
        .filter((f) => f.endsWith('.c'))
        .sort()
        .map((f) => `mm/${f}`);
      for (const file of [...files, 'fs/proc/task_mmu.c']) {
        const text = readFileSync(join(tree, file), 'utf8');
        sources.set(file, text);
        for (const fn of extractFunctions(text)) {
          const root = parseC(fn.text).rootNode;
          (file.startsWith('mm/') ? mm : taskMmu).push({ file, fn, root, problem: firstParseProblem(root) });
        }
      }
    });

    test('(a) the functions whose raw parse fails are found and parse with no ERROR/MISSING', () => {
      const check = (parsed: Parsed[], names: string[]) => {
        for (const name of names) {
          const hits = parsed.filter((p) => p.fn.name === name);
          expect(hits.map((p) => `${p.file}:${p.fn.startLine} ${name}`)).toHaveLength(1);
          expect(hits[0].problem, `${name}: ${JSON.stringify(hits[0].problem)}`).toBeUndefined();
          expect(hits[0].root.namedChildren.filter((n) => n.type === 'function_definition')).toHaveLength(1);
        }
      };
      check(mm, NAMED[version].mm);
      check(taskMmu, NAMED[version].taskMmu);

      // The hugetlb `} else` before `#endif` keeps its else-body.
      const remove = mm.find((p) => p.fn.name === 'remove_migration_pte');
      const hugetlbIf = remove?.root
        .descendantsOfType('if_statement')
        .filter((n) => n.childForFieldName('condition')?.text === '(folio_test_hugetlb(folio))')
        .find((n) => n.text.includes('set_huge_pte_at'));
      const elseBody = hugetlbIf?.childForFieldName('alternative')?.namedChildren[0];
      expect(elseBody?.type).toBe('compound_statement');
      expect(elseBody?.text).toContain('set_pte_at(');

      // The active (CONFIG_MEM_SOFT_DIRTY) clear_soft_dirty, not the empty #else stub.
      const clear = taskMmu.find((p) => p.fn.name === 'clear_soft_dirty');
      expect(clear?.root.descendantsOfType('compound_statement')[0].namedChildren.length).toBeGreaterThan(0);
    });

    test('(b) extraction agrees with a plain textual count of column-0 definitions', () => {
      // Tolerances: textual definitions outside any #if must all be found; definitions inside an
      // #if may be missing (inactive arms: #else stubs, !CONFIG_MMU, 32-bit code), and we expect
      // at least 90% of the textual count overall; definitions the textual scan cannot see
      // (header-style `{` at the end of the signature line, a `struct x\n*name(` split) stay
      // under 1% of the extracted ones.
      const missing: string[] = [];
      const unknown: string[] = [];
      let textual = 0;
      for (const [file, text] of sources) {
        if (!file.startsWith('mm/')) continue;
        const defs = textualDefinitions(text);
        textual += defs.length;
        const extracted = mm.filter((p) => p.file === file).map((p) => baseName(p.fn));
        const remaining = [...extracted];
        for (const d of defs.filter((d) => !d.conditional)) {
          const at = remaining.indexOf(d.name);
          if (at < 0) missing.push(`${file}:${d.name}`);
          else remaining.splice(at, 1);
        }
        const names = new Set(defs.map((d) => d.name));
        unknown.push(...extracted.filter((n) => !names.has(n)).map((n) => `${file}:${n}`));
      }
      console.log(
        `Linux ${version} mm/*.c: ${textual} textual column-0 definitions, ${mm.length} extracted; ` +
          `extracted but not seen by the textual count: ${unknown.join(', ')}`,
      );
      expect(missing, `unconditional definitions not extracted: ${missing.join(', ')}`).toEqual([]);
      expect(unknown.length, `extracted but unknown to the textual count: ${unknown.join(', ')}`).toBeLessThanOrEqual(
        mm.length * 0.01,
      );
      expect(mm.length).toBeGreaterThanOrEqual(textual * 0.9);
    });

    test('(c) clean-parse rate over mm/*.c', () => {
      const failures = mm.filter((p) => p.problem);
      const rate = (mm.length - failures.length) / mm.length;
      const where = (p: Parsed) => `${p.file}:${p.fn.startLine + (p.problem?.row ?? 0)}`;
      console.log(
        `Linux ${version} mm/*.c: ${mm.length - failures.length}/${mm.length} functions parse cleanly ` +
          `(${(rate * 100).toFixed(2)}%)\n` +
          failures.map((p) => `  ${where(p)} ${p.fn.name}: ${p.problem?.kind} ${JSON.stringify(p.problem?.text)}`)
            .join('\n'),
      );
      expect(rate).toBeGreaterThanOrEqual(MIN_CLEAN_RATE);
    });

    test('(d) rewrites keep the shape: one definition, the extracted name, every parameter named', () => {
      // A clean parse alone would not notice a transform that blanks too much (a parameter's type
      // read as a macro argument); the declarator shows it.
      const wrong: string[] = [];
      for (const p of [...mm, ...taskMmu]) {
        if (p.problem || p.fn.name.startsWith('SYSCALL_DEFINE0(')) continue; // DEFINE0 reads as `T (name)`
        const defs = p.root.namedChildren.filter((n) => n.type !== 'comment');
        let declarator = defs.length === 1 ? defs[0].childForFieldName('declarator') : null;
        while (declarator && declarator.type !== 'function_declarator') {
          declarator = declarator.childForFieldName('declarator');
        }
        // SYSCALL_DEFINE3(mprotect) declares `mprotect` once rewritten.
        const name = declarator?.childForFieldName('declarator')?.text;
        const expected = /^\w+\((\w+)\)$/.exec(p.fn.name)?.[1] ?? p.fn.name;
        if (name !== expected) wrong.push(`${p.file} ${p.fn.name}: declares ${name}`);
        for (const param of declarator?.childForFieldName('parameters')?.namedChildren ?? []) {
          if (param.type === 'parameter_declaration' && !param.childForFieldName('declarator') && param.text !== 'void') {
            wrong.push(`${p.file} ${p.fn.name}: parameter ${JSON.stringify(param.text)}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}
