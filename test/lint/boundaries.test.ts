// The import boundaries of docs/architecture-layers.md, as eslint.config.js enforces them: a
// snippet placed in a layer (lintText with a path inside it; the file need not exist) that imports
// a layer it may not import is reported by no-restricted-imports naming both layers, and one that
// imports what it may is not.

import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repo });

/** The boundary messages ESLint reports for `code` as the file `file` of the repository. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repo}/${file}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('a forbidden import is reported, naming both layers', () => {
  it.each([
    ['src/report/patch-mail.ts', "import type { Patch } from '../input/patch-types.js';", 'report (src/report/) may not import input (src/input/)'],
    ['src/engine/run.ts', "import { errorOrder } from '../report/order.js';", 'engine (src/engine/) may not import report (src/report/)'],
    ['rules/some-rule.ts', "import type { SyntaxNode } from '../src/lang/parser.js';", 'rules (rules/) may not import lang (src/lang/)'],
    ['rules/some-rule.ts', "import { analyzeFile } from '../src/engine/analyze-file.js';", 'rules (rules/) may not import engine (src/engine/)'],
    ['rules/some-rule.ts', "import { buildImages } from '../src/input/images.js';", 'rules (rules/) may not import input (src/input/)'],
    ['src/input/images/fragment.ts', "import { GAP_CALL } from '../../analysis/gap.js';", 'input (src/input/) may not import analysis (src/analysis/)'],
    ['src/analysis/facts.ts', "import { readSource } from '../input/read-source.js';", 'analysis (src/analysis/) may not import input (src/input/)'],
    ['src/analysis/facts.ts', "import { rules } from '../../rules/index.js';", 'analysis (src/analysis/) may not import rules (rules/)'],
    ['src/lang/slice.ts', "import type { FunctionFacts } from '../analysis/facts.js';", 'lang (src/lang/) may not import analysis (src/analysis/)'],
    ['src/engine/define-rule.ts', "import { analyzeFile } from './analyze-file.js';", 'the rule API (src/engine/define-rule.ts, src/engine/patch-mode/rule-checks.ts) may not import engine (src/engine/)'],
    ['src/testing/annotations.ts', "import { analyzeFile } from '../engine/analyze-file.js';", 'testing (src/testing/) may not import engine (src/engine/)'],
    ['src/engine/analyze.ts', "import { parseConfig } from '../config/config-file.js';", 'engine (src/engine/) may not import config (src/config/)'],
    ['src/cli/program.ts', "import { rules } from '../../rules/index.js';", 'cli (src/cli/) may not import rules (rules/)'],
    ['src/cli/program.ts', "import { parseAnnotations } from '../testing/annotations.js';", 'cli (src/cli/) may not import testing (src/testing/)'],
    ['src/engine/run.ts', "import { helper } from '../../test/helpers.js';", 'engine (src/engine/) may not import tests (test/)'],
    ['src/finding.ts', "import type { SyntaxNode } from './lang/parser.js';", 'the vocabulary (src/*.ts) imports only other src/*.ts modules'],
  ])('%s: %s', async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(errors[0]).toContain('docs/architecture-layers.md');
  });

  it('also a re-export', async () => {
    const errors = await boundaryErrors('src/report/json.ts', "export type { Patch } from '../input/patch-types.js';");
    expect(errors).toEqual([expect.stringContaining('report (src/report/) may not import input (src/input/)')]);
  });
});

describe('an allowed import is not reported', () => {
  it.each([
    ['src/report/patch-mail.ts', "import type { Patch } from '../patch-types.js';"],
    ['src/report/text.ts', "import { findingOrder } from '../result-order.js';"],
    ['src/report/text.ts', "import { paint } from './color.js';"],
    ['src/engine/run-patch.ts', "import { readPatchInput } from '../input/patch/index.js';"],
    ['src/engine/registry.ts', "import { rules } from '../../rules/index.js';"],
    ['rules/some-rule.ts', "import { defineRule, type SyntaxNode } from '../src/engine/define-rule.js';"],
    ['rules/some-rule.ts', "import type { FunctionFacts } from '../src/analysis/facts.js';"],
    ['rules/some-rule.ts', "import { versionAtLeast } from '../src/kernel-version.js';"],
    ['src/input/images/fragment.ts', "import { GAP_CALL } from '../../gap-call.js';"],
    ['src/input/images/fragment.ts', "import { readSource } from '../read-source.js';"],
    ['src/input/kbuild-config.ts', "import { macroValue } from '../lang/preprocess/build-profile.js';"],
    ['src/analysis/facts.ts', "import type { SyntaxNode } from '../lang/parser.js';"],
    ['src/docs/render-rule-docs.ts', "import type { Rule } from '../engine/define-rule.js';"],
    ['src/cli/program.ts', "import { runCheck } from '../engine/run.js';"],
    ['src/cli/program.ts', "import { report } from '../report/sarif.js';"],
    ['src/testing/annotations.ts', "import { maskComments } from '../lang/preprocess/code-mask.js';"],
    ['src/testing/message-ids.ts', "import type { Rule } from '../engine/define-rule.js';"],
    ['src/finding.ts', "import type { KernelVersion } from './kernel-version.js';"],
    ['scripts/measure-patches.ts', "import { build } from '../test/corpus/realistic/build.js';"],
    ['test/report/text.test.ts', "import { parseC } from '../../src/lang/parser.js';"],
    ['src/lang/parser.ts', "import Parser from 'tree-sitter';"],
  ])('%s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
