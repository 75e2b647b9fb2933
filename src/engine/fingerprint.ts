// A finding's identity: what its fingerprint hashes (rule, file, function and the whitespace-folded
// statement), so that it survives line shifts, and the looser key a patch's rewrite is paired by.

import { createHash } from 'node:crypto';
import type { SyntaxNode } from '../lang/parser.js';

/** The 16-hex-digit fingerprint of a finding's identity key (rule, file, function, statement, ...). */
export function fingerprintOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The call a finding is about: the reported call, else the first call inside the reported node. */
export function keyCallOf(node: SyntaxNode): string {
  const call = node.type === 'call_expression' ? node : node.descendantsOfType('call_expression')[0];
  return (call?.childForFieldName('function')?.text ?? node.text).replace(/\s+/g, '');
}

/** The statement around a node, whitespace-folded: what the fingerprint survives line shifts with. */
export function normalizedStatement(node: SyntaxNode): string {
  let cur: SyntaxNode | null = node;
  while (cur && !/(_statement|declaration)$/.test(cur.type)) cur = cur.parent;
  const text = (cur && cur.type !== 'compound_statement' ? cur : node).text;
  // Only the first line of compound statements (if/while headers) so edits inside them do not count.
  const head = cur && /^(if|while|for|switch|do)_statement$/.test(cur.type) ? node.text : text;
  return head.replace(/\s+/g, ' ').trim();
}
