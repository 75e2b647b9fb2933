// npm run new-rule <id> [--catalogue Rn] [--root DIR]: the skeleton of a new rule, so that the
// catalogue's conventions (test/rules-meta.test.ts, test/rules-fixtures.test.ts,
// test/rules-docs.test.ts) hold from the first commit. It writes
//   rules/<id>.ts                      metadata, rationale, examples, check and exemptions
//   rules/index.ts                     the import and the catalogue entry, in id order
//   fixtures/<id>/invalid-example.c    one `expect:` line
//   fixtures/<id>/valid-example.c      the exempt twin, `ok:`
//   docs/rules/<id>.md, README.md      rendered from the same metadata
// The skeleton flags calls of a placeholder function, so the tests pass right away; replace the
// placeholder, the example and the prose with the real invariant (CONTRIBUTING.md).
// It never overwrites: an id that exists anywhere, or that is not kebab-case, is refused with
// exit status 2 before anything is written.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRules } from '../src/engine/registry.js';
import { renderRuleDoc, renderRuleIndex } from '../src/docs/render-rule-docs.js';
import type { Rule, RuleMeta } from '../src/engine/define-rule.js';

/** dist/scripts/new-rule.js or scripts/new-rule.ts -> the repository root. */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_ROOT = path.basename(path.dirname(HERE)) === 'dist' ? path.resolve(HERE, '../..') : path.resolve(HERE, '..');

const ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_ID_LENGTH = 60;

/** The function the skeleton flags; one name, so that replacing it is one search. */
const PLACEHOLDER_CALL = 'example_unsafe_call';
/** The function the skeleton exempts, to show where must-not-flag sites go. */
const PLACEHOLDER_EXEMPT = 'example_exempt_site';

export interface NewRuleRequest {
  id: string;
  /** Catalogue number (R16, R10c, ...); default: one past the highest Rn in use. */
  catalogue?: string;
  /** Repository root to write into (default: this repository). */
  root?: string;
}

export interface NewRuleResult {
  /** Paths written, relative to the root. */
  written: string[];
}

/** A refusal: nothing was written. */
export class NewRuleError extends Error {}

export function camelName(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Example C shared by the fixtures and the rule's docs examples. */
function exampleFunction(name: string, annotation: string): string {
  return [`static void ${name}(pte_t *ptep)`, '{', `\t${PLACEHOLDER_CALL}(ptep);${annotation}`, '}'].join('\n');
}

function metaFor(id: string, catalogue: string): RuleMeta<'flagged'> {
  return {
    id,
    catalogue,
    severity: 'warning',
    category: 'suspicious',
    confidence: 'low',
    enabledByDefault: false,
    summary: `Detect a call of ${PLACEHOLDER_CALL}() (placeholder: say what this rule detects)`,
    messages: {
      flagged: '{{call}}() breaks the invariant of this rule (placeholder: say how, in a reviewer\'s words)',
    },
    keywords: [PLACEHOLDER_CALL],
    docs: {
      why: [
        'Placeholder rationale: say which invariant of the page-table code this rule protects, what goes',
        'wrong for a user when it is broken, and which thread or upstream commit showed it (commit id and subject).',
      ].join(' '),
      fix: `placeholder: say how to fix a flagged ${PLACEHOLDER_CALL}()`,
      limits: 'Placeholder: say what the rule does not see and which correct sites it leaves alone, and why.',
      references: [`docs/invariants.md#${id}`],
      examples: {
        invalid: [exampleFunction('example_site', '')],
        valid: [exampleFunction(PLACEHOLDER_EXEMPT, '')],
      },
    },
  };
}

/** A TypeScript string literal (single quotes, as the rule files write them). */
function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A template literal for example C (tabs and newlines kept as written). */
function template(s: string): string {
  return '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

function ruleSource(meta: RuleMeta<'flagged'>): string {
  const d = meta.docs;
  return `// ${meta.catalogue} (docs/invariants.md#${meta.id}): placeholder. Say in one paragraph which invariant
// this rule enforces and where it comes from (kernel function, commit id and subject).

import { defineRule } from '../src/engine/define-rule.js';
import type { FunctionFacts } from '../src/analysis/facts.js';

/**
 * The calls this rule is about. Placeholder: a real rule asks the kernel API table by role,
 * \`hasRole(call.name, '<role>')\` (src/analysis/kernel-api.ts; names and roles in kernel-api/table.ts),
 * because test/analysis/kernel-api-table.test.ts fails on an API name spelled in a rule.
 */
const FLAGGED_CALLS = new Set([${quote(PLACEHOLDER_CALL)}]);

/**
 * Sites the rule must not flag, each with the reason it is correct (docs/invariants.md#${meta.id}).
 * Placeholder: replace with the invariant's real exemptions; keep them in this file.
 */
const EXEMPT_FUNCTIONS = new Map<string, string>([
  [${quote(PLACEHOLDER_EXEMPT)}, 'placeholder: why this site is correct'],
]);

function exempt(facts: FunctionFacts): boolean {
  return EXEMPT_FUNCTIONS.has(facts.name);
}

export default defineRule({
  meta: {
    id: ${quote(meta.id)},
    catalogue: ${quote(meta.catalogue)},
    severity: ${quote(meta.severity)},
    category: ${quote(meta.category)},
    confidence: ${quote(meta.confidence)},
    // Off until its run on the corpus trees is clean (test/corpus/).
    enabledByDefault: ${meta.enabledByDefault},
    summary: ${quote(meta.summary)},
    messages: {
      flagged: ${quote(meta.messages.flagged)},
    },
    keywords: [${meta.keywords.map(quote).join(', ')}],
    docs: {
      why: ${quote(d.why)},
      fix: ${quote(d.fix)},
      limits: ${quote(d.limits)},
      references: [${d.references.map(quote).join(', ')}],
      examples: {
        invalid: [
          ${template(d.examples.invalid[0]!)},
        ],
        valid: [
          ${template(d.examples.valid[0]!)},
        ],
      },
    },
  },
  check({ facts, report }) {
    if (exempt(facts)) return;
    for (const call of facts.model.calls) {
      if (!FLAGGED_CALLS.has(call.name)) continue;
      report({ node: call.node, messageId: 'flagged', data: { call: call.name } });
    }
  },
});
`;
}

function fixtureSource(id: string, kind: 'invalid' | 'valid'): string {
  const header =
    kind === 'invalid'
      ? `/* Placeholder: the bug shape this rule flags, modelled on <kernel function> (<file>, <version>, <commit or thread>). */`
      : `/* Placeholder: the fixed twin or a near miss that must stay silent, and why it is correct. */`;
  const body =
    kind === 'invalid'
      ? exampleFunction('example_site', `\t/* expect: ${id}/flagged */`)
      : exampleFunction(PLACEHOLDER_EXEMPT, `\t/* ok: ${id} */`);
  return `${header}\n\n${body}\n`;
}

/** rules/index.ts with the new rule's import and catalogue entry, both in id order. */
function registeredIndex(index: string, id: string): string {
  const lines = index.split('\n');
  const importRe = /^import (\w+) from '\.\/([\w-]+)\.js';$/;
  const imports = lines.map((l, i) => ({ i, m: importRe.exec(l) })).filter((x) => x.m);
  const open = lines.findIndex((l) => /^export const allRules\b.*= \[$/.test(l));
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && /^\]/.test(l));
  if (imports.length === 0 || open < 0 || close < 0) {
    throw new NewRuleError('rules/index.ts: cannot find the rule imports and the `export const allRules ... = [` list to register the rule in');
  }
  const name = camelName(id);
  const before = imports.find((x) => x.m![2]! > id);
  const importAt = before ? before.i : imports[imports.length - 1]!.i + 1;
  const entries = lines.slice(open + 1, close);
  const entryAfter = entries.findIndex((l) => {
    const m = /^\s+(\w+),$/.exec(l);
    const other = m && imports.find((x) => x.m![1] === m[1]);
    return other ? other.m![2]! > id : false;
  });
  const entryAt = entryAfter < 0 ? close : open + 1 + entryAfter;
  const out = [...lines];
  out.splice(entryAt, 0, `  ${name},`);
  out.splice(importAt, 0, `import ${name} from './${id}.js';`);
  return out.join('\n');
}

function nextCatalogue(root: string): string {
  let max = 0;
  for (const f of readdirSync(path.join(root, 'rules'))) {
    if (!f.endsWith('.ts')) continue;
    const m = /catalogue:\s*'R(\d+)b?'/.exec(readFileSync(path.join(root, 'rules', f), 'utf8'));
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `R${max + 1}`;
}

/** Checks everything, then writes. Throws NewRuleError (nothing written) when it cannot. */
export function scaffoldRule(request: NewRuleRequest): NewRuleResult {
  const root = path.resolve(request.root ?? DEFAULT_ROOT);
  const { id } = request;
  if (!ID_PATTERN.test(id) || id.length > MAX_ID_LENGTH) {
    throw new NewRuleError(`bad rule id '${id}': use kebab-case (lowercase words joined by '-', at most ${MAX_ID_LENGTH} characters), e.g. uffd-wp-propagate`);
  }
  const indexPath = path.join(root, 'rules/index.ts');
  if (!existsSync(indexPath)) throw new NewRuleError(`${indexPath}: not found (is --root a ptelint repository?)`);
  const index = readFileSync(indexPath, 'utf8');
  const targets = {
    rule: `rules/${id}.ts`,
    fixtures: `fixtures/${id}`,
    invalid: `fixtures/${id}/invalid-example.c`,
    valid: `fixtures/${id}/valid-example.c`,
    doc: `docs/rules/${id}.md`,
    docIndex: 'docs/rules/README.md',
    index: 'rules/index.ts',
  };
  for (const existing of [targets.rule, targets.fixtures, targets.doc]) {
    if (existsSync(path.join(root, existing))) throw new NewRuleError(`rule '${id}' exists already: ${existing} is there (nothing was written)`);
  }
  if (index.includes(`'./${id}.js'`)) throw new NewRuleError(`rule '${id}' exists already in rules/index.ts (nothing was written)`);
  // Two rules may share a catalogue id (R5 names two), but only when --catalogue asks for it.
  const catalogue = request.catalogue ?? nextCatalogue(root);
  if (!/^R\d+b?$/.test(catalogue)) throw new NewRuleError(`bad catalogue id '${catalogue}': use R<number>, optionally with a b suffix (R16, R10b)`);
  const meta = metaFor(id, catalogue);
  const newIndex = registeredIndex(index, id);
  const rule: Rule = { meta, check: () => {} };
  const others = listRules().filter((r) => r.meta.id !== id);
  const docIndex = renderRuleIndex([...others, rule].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1)));

  const write = (rel: string, text: string, mode: 'new' | 'replace'): void => {
    writeFileSync(path.join(root, rel), text, { flag: mode === 'new' ? 'wx' : 'w' });
  };
  mkdirSync(path.join(root, targets.fixtures));
  write(targets.rule, ruleSource(meta), 'new');
  write(targets.invalid, fixtureSource(id, 'invalid'), 'new');
  write(targets.valid, fixtureSource(id, 'valid'), 'new');
  write(targets.doc, renderRuleDoc(rule), 'new');
  write(targets.docIndex, docIndex, 'replace');
  write(targets.index, newIndex, 'replace');
  return { written: [targets.rule, targets.index, targets.invalid, targets.valid, targets.doc, targets.docIndex] };
}

const USAGE = 'usage: npm run new-rule -- <rule-id> [--catalogue Rn] [--root DIR]';

/** The command line: 0 written, 2 refused (usage, bad or existing id). */
export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const positional: string[] = [];
  const request: Partial<NewRuleRequest> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--catalogue' || a === '--root') {
      const v = argv[++i];
      if (v === undefined) {
        err(`new-rule: ${a} needs a value\n${USAGE}\n`);
        return 2;
      }
      if (a === '--catalogue') request.catalogue = v;
      else request.root = v;
    } else if (a === '-h' || a === '--help') {
      out(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith('-')) {
      err(`new-rule: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else positional.push(a);
  }
  if (positional.length !== 1) {
    err(`new-rule: give exactly one rule id\n${USAGE}\n`);
    return 2;
  }
  try {
    const r = scaffoldRule({ ...request, id: positional[0]! });
    out(`${r.written.map((f) => `wrote ${f}`).join('\n')}\nnext: replace the placeholders (CONTRIBUTING.md, "Adding a rule"), then run the rule tests\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof NewRuleError)) throw error;
    err(`new-rule: ${error.message}\n`);
    return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
