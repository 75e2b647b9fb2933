// npm run docs: writes docs/rules/ from the rules' metadata.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRules } from '../src/engine/registry.js';
import { renderRuleDoc, renderRuleIndex } from '../src/docs/render-rule-docs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'docs/rules');
mkdirSync(dir, { recursive: true });
for (const rule of listRules()) writeFileSync(path.join(dir, `${rule.meta.id}.md`), renderRuleDoc(rule));
writeFileSync(path.join(dir, 'README.md'), renderRuleIndex(listRules()));
console.log(`wrote ${listRules().length} rule pages to docs/rules/`);
