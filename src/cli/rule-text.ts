// What `ptelint rules` and `ptelint explain` print. Both read only the rule metadata (the same
// object the docs are generated from), so the terminal and docs/rules/ never disagree.

import type { Rule } from '../engine/define-rule.js';

export function formatRuleTable(rules: readonly Rule[]): string {
  if (rules.length === 0) return 'no rules are registered yet\n';
  const rows = [...rules]
    .sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0))
    .map((r) => [r.meta.id, r.meta.severity, r.meta.enabledByDefault ? 'on' : 'off', r.meta.summary]);
  const table = [['ID', 'SEVERITY', 'DEFAULT', 'SUMMARY'], ...rows];
  const widths = [0, 1, 2].map((c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell)).join('  ') + '\n').join('');
}

/**
 * The rules `explain` means by `id`: the rule of that id, or the rules of that catalogue number
 * (`R3`, `r10b`; R5 has two rules, the soft-dirty loss and its off-by-default gain).
 */
export function rulesForExplain(rules: readonly Rule[], id: string): Rule[] {
  const exact = rules.filter((r) => r.meta.id === id);
  if (exact.length > 0) return exact;
  const wanted = id.trim().toUpperCase();
  return rules
    .filter((r) => r.meta.catalogue.toUpperCase() === wanted)
    .sort((a, b) => Number(b.meta.enabledByDefault) - Number(a.meta.enabledByDefault) || (a.meta.id < b.meta.id ? -1 : 1));
}

/** `R1 pte-write-grant-unjustified, R2 ...` for the unknown-id message. */
export function catalogueIdsText(rules: readonly Rule[]): string {
  const ids = [...new Set(rules.map((r) => r.meta.catalogue))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return `catalogue ids: ${ids.join(', ')}`;
}

export function formatRuleExplanation(rule: Rule): string {
  const { meta } = rule;
  const { docs } = meta;
  const sections: string[] = [
    `${meta.id} (${meta.catalogue})\n${meta.summary}`,
    `severity: ${meta.severity}   category: ${meta.category}   confidence: ${meta.confidence}   ` +
      `default: ${meta.enabledByDefault ? 'on' : 'off (run with --rule ' + meta.id + modeFlags(rule) + ')'}`,
    section('Why this is a bug', prose(docs.why)),
    section('Flagged', examples(docs.examples.invalid)),
    section('Not flagged', examples(docs.examples.valid)),
    section('How to fix', prose(docs.fix)),
    section('Limits and false positives', prose(docs.limits)),
    section('References', docs.references.length === 0 ? '  (none)' : docs.references.map((r) => `  - ${r}`).join('\n')),
  ];
  return sections.join('\n\n') + '\n';
}

/** The mode flags that also turn a rule on (` or --legacy-arch`), for `explain`. */
function modeFlags(rule: Rule): string {
  return (rule.meta.modes ?? []).map((m) => ` or --${m}`).join('');
}

function section(title: string, body: string): string {
  return `${title}\n${body}`;
}

function examples(codes: string[]): string {
  if (codes.length === 0) return '  (none)';
  return codes.map((code) => indent(code.replace(/^\n+|\s+$/g, ''), '    ')).join('\n\n');
}

// Rationales are written as long single lines; rewrapped so a terminal does not break words.
const PROSE_WIDTH = 98;

function prose(text: string): string {
  return indent(
    text
      .trim()
      .split('\n')
      .map((line) => wrap(line, PROSE_WIDTH - 2))
      .join('\n'),
    '  ',
  );
}

function wrap(line: string, width: number): string {
  if (line.length <= width) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  out.push(current);
  return out.join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line === '' ? '' : prefix + line))
    .join('\n');
}
