// The keyword prefilter: a function (or file) holding none of the enabled rules' keywords cannot
// hold a finding, so it is never parsed.

import type { Rule } from './define-rule.js';
import { scannerFor } from './keyword-scanner.js';

/**
 * Does the text contain any of the rules' keywords? Cheap test before any parsing (one pass of
 * the text's UTF-8 bytes searched for the rules' keywords, src/engine/keyword-scanner.ts).
 */
export function mentionsAnyKeyword(text: string, rules: Rule[]): boolean {
  return scannerFor(rules).inText(text);
}
