// The kernel API table (src/analysis/kernel-api/table.ts) and its accessors: each name once, each
// with a role, version filtering, and no kernel API name spelled anywhere else in src/ or rules/.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import * as api from '../../src/analysis/kernel-api.js';
import { SET_ROLES, type SetRole } from '../../src/analysis/kernel-api/roles.js';
import { parseKernelVersion } from '../../src/kernel-version.js';

const root = path.resolve(import.meta.dirname, '../..');
const TABLE_FILE = 'src/analysis/kernel-api/table.ts';
const v = (text: string) => parseKernelVersion(text)!;

describe('the table', () => {
  test('every entry has at least one role', () => {
    expect(api.apiNames().length).toBeGreaterThan(300);
    for (const name of api.apiNames()) expect(api.roleOf(name), name).not.toEqual([]);
  });

  test('no name twice: each is one key of the table literal', () => {
    const keys = [...readFileSync(path.join(root, TABLE_FILE), 'utf8').matchAll(/^ {2}(\w+): \{/gm)].map((m) => m[1]!);
    expect(keys.length).toBe(api.apiNames().length);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('every set role is held by some name, and roleOf agrees with apisWithRole', () => {
    for (const role of Object.keys(SET_ROLES) as SetRole[]) {
      const names = api.apisWithRole(role);
      expect(names.size, role).toBeGreaterThan(0);
      for (const name of names) expect(api.roleOf(name), name).toContain(role);
    }
    for (const name of api.apiNames()) {
      for (const role of api.roleOf(name)) expect(api.hasRole(name, role), `${name} ${role}`).toBe(true);
    }
  });

  test('the pairs that were two lists are one role each', () => {
    // Present and swap soft-dirty tests: one role; the swap ones are also swap-only accessors.
    expect([...api.apisWithRole('soft-dirty-test')]).toEqual(expect.arrayContaining(['pte_soft_dirty', 'pmd_soft_dirty', 'pte_swp_soft_dirty']));
    expect(api.hasRole('pte_swp_soft_dirty', 'swap-only-accessor')).toBe(true);
    expect(api.hasRole('pte_soft_dirty', 'swap-only-accessor')).toBe(false);
    // Empty-slot tests: one role; the "none or marker" tests are their own role.
    expect([...api.apisWithRole('empty-test')].sort()).toEqual(['huge_pte_none', 'pmd_none', 'pte_none', 'pud_none']);
    expect(api.hasRole('pte_none_mostly', 'empty-test')).toBe(false);
    expect(api.hasRole('pte_none_mostly', 'none-or-marker-test')).toBe(true);
  });

  test('names outside the table have no role', () => {
    expect(api.roleOf('not_a_kernel_api')).toEqual([]);
    expect(api.apiSpec('toString')).toBeUndefined();
    expect(api.hasRole('constructor', 'flow')).toBe(false);
  });
});

describe('version filtering', () => {
  test('without a version every spelling counts; with one, only the kernel\'s own', () => {
    expect(api.hasRole('get_and_clear_ptes', 'clearing-read')).toBe(true);
    expect(api.hasRole('get_and_clear_ptes', 'clearing-read', v('6.12'))).toBe(false);
    expect(api.hasRole('get_and_clear_ptes', 'clearing-read', v('6.16'))).toBe(true);
    expect(api.hasRole('get_and_clear_full_ptes', 'clearing-read', v('6.1'))).toBe(false);
    expect(api.hasRole('get_and_clear_full_ptes', 'clearing-read', v('6.9'))).toBe(true);
    // 5.x swap entry API, reworked in 5.14 (4dd845b5a3e5).
    expect(api.hasRole('is_write_migration_entry', 'entry-type-write-test', v('5.10'))).toBe(true);
    expect(api.hasRole('is_write_migration_entry', 'entry-type-write-test', v('6.1'))).toBe(false);
    expect(api.hasRole('is_writable_migration_entry', 'entry-type-write-test', v('5.10'))).toBe(false);
    expect(api.hasRole('is_writable_migration_entry', 'entry-type-write-test', v('6.1'))).toBe(true);
  });

  test('a role can end before the name does: is_zone_device_page meant device-private before 6.0', () => {
    expect(api.hasRole('is_zone_device_page', 'device-private-page-test', v('5.19'))).toBe(true);
    expect(api.hasRole('is_zone_device_page', 'device-private-page-test', v('6.0'))).toBe(false);
    expect(api.hasRole('folio_is_device_private', 'device-private-page-test', v('6.12'))).toBe(true);
  });

  test('the filtered sets are subsets of the unfiltered one and built once', () => {
    for (const role of ['flow', 'batchFlag', 'clearing-read', 'present-only-accessor'] as const) {
      const all = api.apisWithRole(role);
      for (const version of ['5.10', '6.1', '6.12', '6.19']) {
        const some = api.apisWithRole(role, v(version));
        for (const name of some) expect(all.has(name)).toBe(true);
        expect(api.apisWithRole(role, v(version))).toBe(some);
      }
      expect(api.apisWithRole(role)).toBe(all);
    }
  });
});

// ---- no API name outside the table ----

/**
 * Identifier shapes of kernel page-table APIs: a string or regex spelling one outside the table is
 * a comparison the table should answer, whether or not the name is in the table yet.
 */
const API_SHAPE = /^(?:pte|pmd|pud|huge_pte|ptep|pmdp|pudp|huge_ptep|is|make|folio|softleaf|leafent|userfaultfd|FPB|PTE_MARKER)_\w+$|^(?:Set|Clear)?Page[A-Z]\w*$/;

/**
 * Strings allowed to be exactly an API name. Prose shown to the user (messages, help, fix hints)
 * may name the call it talks about, as `name()`: only a string that *is* a name is a comparison.
 */
const ALLOWED: ReadonlyArray<{ file: string; text: string; why: string }> = [
  { file: 'src/analysis/function-model.ts', text: 'READ_ONCE', why: 'a C truth wrapper like likely() and WARN_ON(); the table knows it as a value transform' },
  { file: 'rules/write-upgrade-predicate-complete.ts', text: 'userfaultfd_huge_pmd_wp', why: 'the label of a message, spelled for the level' },
  { file: 'rules/write-upgrade-predicate-complete.ts', text: 'userfaultfd_pte_wp', why: 'the label of a message, spelled for the level' },
  { file: 'rules/batch-merged-restore.ts', text: 'get_and_clear_ptes', why: 'the name a message uses when the merged read has no function name' },
];

/**
 * Regexes allowed to match an API name outside the table. Name families the table cannot
 * enumerate (arch helpers, later spellings) are spelling conventions in src/analysis/kernel-api.ts
 * (levelOfName, isSetterName, ...); what is left here matches names of another kind.
 */
const ALLOWED_PATTERNS: ReadonlyArray<{ file: string; regex: string; why: string }> = [
  { file: 'src/analysis/exclusivity.ts', regex: '/swp|swap|migration|old_pte|orig_pte/', why: 'local variable names that hold a swap entry, not calls' },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/**
 * String, template and regex literals of a file, with their line. Not the words of a rule's
 * `keywords: [...]`: those are text the prefilter searches for (src/engine/keyword-scanner.ts),
 * mostly fragments (`get_and_clear`, `mkuffd_wp`), not calls compared with a name.
 */
function literalsOf(file: string): Array<{ kind: 'string' | 'regex'; text: string; line: number }> {
  const text = readFileSync(path.join(root, file), 'utf8');
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const out: Array<{ kind: 'string' | 'regex'; text: string; line: number }> = [];
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  let previous = ts.SyntaxKind.Unknown;
  let inKeywords = false;
  let keywordsNext = false;
  // Open braces inside each `${` of the templates being scanned: a `}` at depth 0 resumes the template.
  const templateBraces: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    // A slash where an expression starts is a regex literal (after `(`, `,`, `=`, `:`, `[`, `!`, `&&`, `||`, `return`, ...).
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && startsExpression(previous)) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.OpenBraceToken && templateBraces.length) templateBraces[templateBraces.length - 1]! += 1;
    if (kind === ts.SyntaxKind.CloseBraceToken && templateBraces.length) {
      if (templateBraces[templateBraces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) templateBraces.pop();
      } else templateBraces[templateBraces.length - 1]! -= 1;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templateBraces.push(0);
    if (kind === ts.SyntaxKind.Identifier && scanner.getTokenText() === 'keywords') keywordsNext = true;
    else if (keywordsNext && kind === ts.SyntaxKind.OpenBracketToken) inKeywords = true;
    else if (kind !== ts.SyntaxKind.ColonToken) keywordsNext = false;
    if (inKeywords && kind === ts.SyntaxKind.CloseBracketToken) inKeywords = false;
    const line = lineOf(scanner.getTokenStart());
    if (inKeywords) {
      previous = kind;
      continue;
    }
    if (kind === ts.SyntaxKind.RegularExpressionLiteral) out.push({ kind: 'regex', text: scanner.getTokenText(), line });
    else if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || kind === ts.SyntaxKind.TemplateHead
      || kind === ts.SyntaxKind.TemplateMiddle || kind === ts.SyntaxKind.TemplateTail) {
      out.push({ kind: 'string', text: scanner.getTokenValue(), line });
    }
    previous = kind;
  }
  return out;
}

function startsExpression(previous: ts.SyntaxKind): boolean {
  return previous === ts.SyntaxKind.OpenParenToken || previous === ts.SyntaxKind.CommaToken || previous === ts.SyntaxKind.EqualsToken
    || previous === ts.SyntaxKind.ColonToken || previous === ts.SyntaxKind.OpenBracketToken || previous === ts.SyntaxKind.ExclamationToken
    || previous === ts.SyntaxKind.AmpersandAmpersandToken || previous === ts.SyntaxKind.BarBarToken || previous === ts.SyntaxKind.ReturnKeyword
    || previous === ts.SyntaxKind.QuestionToken || previous === ts.SyntaxKind.OpenBraceToken || previous === ts.SyntaxKind.SemicolonToken
    || previous === ts.SyntaxKind.EqualsEqualsEqualsToken || previous === ts.SyntaxKind.ExclamationEqualsEqualsToken
    || previous === ts.SyntaxKind.QuestionQuestionToken || previous === ts.SyntaxKind.Unknown;
}

/** Does a regex literal spell an API name: a literal run of a name in its source that matches a name? */
function regexSpellsApi(literal: string, names: readonly string[]): string | undefined {
  const end = literal.lastIndexOf('/');
  const source = literal.slice(1, end);
  let re: RegExp;
  try {
    re = new RegExp(source, literal.slice(end + 1).replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
  const runs = source.replace(/\\[a-zA-Z]/g, ' ').match(/[A-Za-z0-9_]{3,}/g) ?? [];
  const spelled = runs.filter((run) => run.includes('_') && names.some((n) => n.includes(run)));
  if (!spelled.length) return undefined;
  return names.find((n) => re.test(n));
}

describe('no kernel API name outside the table', () => {
  test('src/ and rules/ spell no API name in a string or regex outside src/analysis/kernel-api*', () => {
    const names = api.apiNames();
    const known = new Set(names);
    const files = [...sourceFiles('src'), ...sourceFiles('rules')]
      .filter((f) => f !== 'src/analysis/kernel-api.ts' && !f.startsWith('src/analysis/kernel-api/'));
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files) {
      for (const lit of literalsOf(file)) {
        if (lit.kind === 'string') {
          if (!known.has(lit.text) && !API_SHAPE.test(lit.text)) continue;
          if (ALLOWED.some((a) => a.file === file && a.text === lit.text)) continue;
          found.push(`${file}:${lit.line}: '${lit.text}'`);
        } else {
          const name = regexSpellsApi(lit.text, names);
          if (name && ALLOWED_PATTERNS.some((a) => a.file === file && a.regex === lit.text)) continue;
          if (name) found.push(`${file}:${lit.line}: ${lit.text} (matches ${name})`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  test('the scan sees what it must: a string and a regex spelling a name are found', () => {
    const names = api.apiNames();
    expect(regexSpellsApi('/_swp_/', names)).toBeDefined();
    expect(regexSpellsApi('/^can_\\w*writable$/', names)).toBeDefined();
    expect(regexSpellsApi('/->vm_flags$/', names)).toBeUndefined();
    expect(regexSpellsApi('/^\\w+$/', names)).toBeUndefined();
    expect(API_SHAPE.test('pte_mkwrite')).toBe(true);
    expect(API_SHAPE.test('PageAnonExclusive')).toBe(true);
    expect(API_SHAPE.test('present')).toBe(false);
    expect(literalsOf(TABLE_FILE).some((l) => l.kind === 'string' && l.text === 'present-only-accessor')).toBe(true);
  });
});

describe('hasRole without a version', () => {
  test('agrees with apisWithRole for every name and role, and for role lists', () => {
    const roles = [...new Set(api.apiNames().flatMap((n) => api.roleOf(n)))];
    for (const name of [...api.apiNames(), 'not_a_kernel_api', 'constructor', '']) {
      for (const role of roles) expect(api.hasRole(name, role), `${name} ${role}`).toBe(api.apisWithRole(role).has(name));
      expect(api.hasRole(name, roles)).toBe(roles.some((r) => api.apisWithRole(r).has(name)));
      expect(api.hasRole(name, [])).toBe(false);
    }
  });
});
