// Function definitions found on the raw text, independently of the slicer under test: the
// kernel's column-0 `{` convention. Shared by the lang corpus test and the engine corpus test.

/**
 * Column-0 `{` lines whose header has a `(`, counted on the raw text without any preprocessing:
 * the kernel's shape of a function definition. The name is the first `identifier(` on the
 * header line that starts in column 0, skipping attribute macros (`static __printf(3, 4) void
 * slab_err(`); `conditional` says whether the `{` is inside some `#if`.
 */
export function textualDefinitions(text: string): Array<{ name: string; conditional: boolean }> {
  const lines = text.split('\n');
  const found: Array<{ name: string; conditional: boolean }> = [];
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*#\s*if/.test(lines[i])) depth++;
    else if (/^\s*#\s*endif/.test(lines[i])) depth--;
    if (!lines[i].startsWith('{') || lines[i].trimEnd().endsWith('\\')) continue;
    let j = i - 1;
    while (j > 0 && lines[j].trim() === '') j--;
    while (j > i - 12 && j > 0 && !/^[A-Za-z_*]/.test(lines[j]) && !/[;}]\s*$|\*\/\s*$/.test(lines[j])) j--;
    const call = [...(lines[j] ?? '').matchAll(/([A-Za-z_]\w*)\(/g)].find((m) => !/^__(?:printf|attribute)/.test(m[1]));
    if (call) found.push({ name: call[1], conditional: depth > 0 });
  }
  return found;
}
