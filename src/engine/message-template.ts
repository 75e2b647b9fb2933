// Rule messages are templates with {{placeholders}}, as ESLint's are: the rule names its data,
// the engine fills it in.

/** A rule message with its {{placeholders}} filled (unknown ones left as written). */
export function fillPlaceholders(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => (k in data ? String(data[k]) : `{{${k}}}`));
}
