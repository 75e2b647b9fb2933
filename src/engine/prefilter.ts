// The keyword prefilter: a function (or file) holding none of the enabled rules' keywords cannot
// hold a finding, so it is never parsed.

import type { Rule } from './define-rule.js';
import { scannerFor } from './keyword-scanner.js';

/**
 * Does the text contain any of the rules' keywords? Cheap test before any parsing: its UTF-8
 * bytes are searched as a file's are (src/engine/keyword-scanner.ts).
 */
export function mentionsAnyKeyword(text: string, rules: Rule[]): boolean {
  return scannerFor(rules).inText(text);
}
