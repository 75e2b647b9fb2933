// The one place a Finding is made, whether a rule reported it on a parsed function (analyze.ts) or
// a patch-mode check found it from hunks alone (patch-mode/patch-finding.ts): the rule's message
// filled in, its help, and the fingerprint of rule, file, function and what the finding is about.

import type { Finding } from '../finding.js';
import type { Rule } from './define-rule.js';
import { fingerprintOf } from './fingerprint.js';
import { fillPlaceholders } from './message-template.js';

export interface FindingSpec {
  rule: Rule;
  messageId: string;
  data: Record<string, string | number>;
  /** The help line; default: the rule's fix. */
  help?: string;
  file: string;
  function: string;
  line: number;
  column: number;
  /**
   * What the finding is about besides rule, file and function: the normalized statement and its
   * occurrence for a rule's report, the check's name and its subject for a patch-mode check.
   */
  identity: string;
}

export function buildFinding(spec: FindingSpec): Finding {
  const { rule } = spec;
  const template = (rule.meta.messages as Record<string, string>)[spec.messageId];
  return {
    rule: rule.meta.id,
    severity: rule.meta.severity,
    file: spec.file,
    line: spec.line,
    column: spec.column,
    function: spec.function,
    message: fillPlaceholders(template, spec.data),
    help: spec.help ?? rule.meta.docs.fix,
    fingerprint: fingerprintOf(`${rule.meta.id}\0${spec.file}\0${spec.function}\0${spec.identity}`),
  };
}
