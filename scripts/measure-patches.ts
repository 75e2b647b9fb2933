// `npm run measure:patches`: the realistic multi-hunk patch set (test/corpus/realistic/) generated
// with git format-patch from a temporary repository, and how each patch is judged from the hunks
// alone, with --repo and with --tree, as a Markdown table (the one in README.md). Asserts nothing;
// test/patch-mode/realistic-patches.test.ts does.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, generate, judge, markdownTable, type Judged } from '../test/corpus/realistic/build.js';

// dist/scripts/measure-patches.js -> the repository root; shared/ is its sibling (as in CI).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const ws = generate(ROOT);
try {
  const judged: Judged[] = [];
  for (const p of ws.patches) judged.push(await judge(p));
  process.stdout.write(markdownTable(judged));
} finally {
  cleanup(ws);
}
