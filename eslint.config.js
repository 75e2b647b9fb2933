// ESLint for ptelint: typescript-eslint's recommended rules, and the import boundaries of
// docs/architecture-layers.md, so that an import across a layer fails `npm run lint` (and CI)
// rather than a review.
//
// Not type-aware: `recommendedTypeChecked` builds a TypeScript program first and took 32 s of CPU
// for src/, rules/ and scripts/ alone (tests would need their own project), against 11 s for this
// whole config over the repository; `npm run lint` has to stay fast on two cores, and tsc
// (`npm test`) already type-checks everything.

import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Import boundaries. Each layer names the folders it holds and the layers it may import; an
// import of any other layer is an error. docs/architecture-layers.md holds the same table and why.
//
// The check reads import specifiers as written. Every import inside the repository is relative
// (`../analysis/facts.js`, `../src/engine/define-rule.js`) and the folder names below are unique
// across src/, rules/, scripts/ and test/, so a specifier that walks up (`./`, `../`, optionally
// through `src/`) and then enters one of these folders reaches that layer. A module of the
// vocabulary (src/*.ts) is a file, not a folder, so no pattern matches it: every layer may import it.

/** A specifier that reaches `folder` (a path below the repository root or below src/). */
function into(folder) {
  return `^(?:\\.\\.?/)+(?:src/)?${folder}`;
}

// The rule API: the modules of src/engine/ that say what a rule is. Rules may import them and
// nothing else of the engine, and they may not import the rest of the engine themselves.
const RULE_API = ['src/engine/define-rule.ts', 'src/engine/patch-mode/rule-checks.ts'];

/** A regex alternative matching any of `paths` (`.ts` written as the `.js` of an import). */
function anyOf(paths) {
  return `(?:${paths.map((p) => p.replace(/\.ts$/, '.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
}

const RULE_API_IN_ENGINE = anyOf(RULE_API.map((p) => path.posix.relative('src/engine', p)));

/** @type {Record<string, { files: string[], ignores?: string[], reach: string }>} */
const LAYERS = {
  lang: { files: ['src/lang/**'], reach: into('lang/') },
  analysis: { files: ['src/analysis/**'], reach: into('analysis/') },
  input: { files: ['src/input/**'], reach: into('input/') },
  'rule API': { files: RULE_API, reach: into(`engine/${RULE_API_IN_ENGINE}$`) },
  rules: { files: ['rules/**'], reach: into('rules/') },
  engine: { files: ['src/engine/**'], ignores: RULE_API, reach: into(`engine/(?!${RULE_API_IN_ENGINE}$)`) },
  report: { files: ['src/report/**'], reach: into('report/') },
  gate: { files: ['src/gate/**'], reach: into('gate/') },
  config: { files: ['src/config/**'], reach: into('config/') },
  docs: { files: ['src/docs/**'], reach: into('docs/') },
  cli: { files: ['src/cli/**'], reach: into('cli/') },
  testing: { files: ['src/testing/**'], reach: into('testing/') },
  scripts: { files: ['scripts/**'], reach: into('scripts/') },
  tests: { files: ['test/**'], reach: into('test/') },
};

// What each layer may import besides itself and the vocabulary (src/*.ts). scripts/ and test/ are
// entry points and harnesses: they may import anything, so they have no entry.
const MAY_IMPORT = {
  lang: [],
  analysis: ['lang'],
  input: ['lang'],
  'rule API': ['analysis', 'lang'],
  rules: ['rule API', 'analysis'],
  engine: ['rule API', 'rules', 'analysis', 'input', 'lang'],
  report: [],
  gate: [],
  config: [],
  docs: ['rule API'],
  cli: ['engine', 'rule API', 'input', 'lang', 'report', 'gate', 'config'],
  testing: ['rule API', 'lang'],
};

function message(layer, other) {
  return `${layerName(layer)} may not import ${layerName(other)}: see docs/architecture-layers.md for what each layer may import.`;
}

function layerName(layer) {
  return layer === 'rule API' ? `the rule API (${RULE_API.join(', ')})` : `${layer} (${LAYERS[layer].files[0].replace('/**', '/')})`;
}

function boundaries(layer) {
  const allowed = new Set([layer, ...MAY_IMPORT[layer]]);
  const patterns = Object.entries(LAYERS)
    .filter(([other]) => !allowed.has(other))
    .map(([other, { reach }]) => ({ regex: reach, message: message(layer, other) }));
  if (layer !== 'rule API') {
    const { files, ignores } = LAYERS[layer];
    return [{ files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } }];
  }
  // The rule API lives inside src/engine/, where a relative path that stays in the engine
  // (`./analyze.js`, `../run.js` from a subfolder) names the engine unless it names the rule API.
  return RULE_API.map((file) => {
    const dir = path.posix.dirname(file);
    const up = path.posix.relative(dir, 'src/engine').split('/').filter(Boolean).length;
    const others = RULE_API.map((p) => path.posix.relative(dir, p)).map((p) => (p.startsWith('../') ? p : `./${p}`));
    const staysInEngine = up === 0 ? '\\./' : `(?:\\./|(?:\\.\\./){1,${up}}(?!\\.\\./))`;
    const sibling = { regex: `^(?!${anyOf(others)}$)${staysInEngine}`, message: message(layer, 'engine') };
    return { files: [file], rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, sibling] }] } };
  });
}

// The vocabulary itself (finding.ts, patch-types.ts, kernel-version.ts, ...) imports no folder.
const VOCABULARY = {
  files: ['src/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(?:\\./[^/]+/|\\.\\./)',
            message: 'the vocabulary (src/*.ts) imports only other src/*.ts modules: see docs/architecture-layers.md.',
          },
        ],
      },
    ],
  },
};

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'test/fuzz/failures/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The same convention as tsc's noUnusedLocals/noUnusedParameters: a leading underscore marks
      // a name that is there on purpose (a destructured field left out of a copy, a fixed signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // ptelint matches and strips terminal escapes (\x1b) and control characters on purpose: the
      // code frame and the text reporter sanitise input text, the tests look for colour codes.
      'no-control-regex': 'off',
      // Regexes over printed output keep the output's own spacing, so they read like the output.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['src/**', 'rules/**', 'scripts/**'],
    rules: {
      // Ceilings that the code meets today (the largest functions are about 100 lines, blocks 5
      // deep), so that a function is split by what it does before it grows into the 200-line,
      // 8-deep kind that fragment.ts's plan was. Tests are left out: a describe callback is long.
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
      'max-depth': ['error', 5],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests parse JSON and SARIF logs and check their shape; typing each log in full would test
      // the types, not the output.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  VOCABULARY,
  ...Object.keys(MAY_IMPORT).flatMap(boundaries),
);
