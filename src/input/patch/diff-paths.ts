// Paths in diff headers: git's `diff --git a/x b/y`, `--- a/x`, `+++ b/y`, `rename from x`, and
// plain `diff -u` / quilt headers (`--- linux.orig/mm/x.c\t2024-01-01 ...`).

/** Top-level directories of a kernel tree: a path starting with one of them is already -p0. */
const KERNEL_TOP_DIRS = new Set([
  'arch', 'block', 'certs', 'crypto', 'Documentation', 'drivers', 'fs', 'include', 'init',
  'io_uring', 'ipc', 'kernel', 'lib', 'LICENSES', 'mm', 'net', 'rust', 'samples', 'scripts',
  'security', 'sound', 'tools', 'usr', 'virt',
]);

// Headers longer than this are not real file headers; bounding them keeps the split below cheap.
const MAX_HEADER_PATH = 4096;

/** C-style unquoting of git's `"a/name with \"quotes\""` (returns the name and what follows). */
function unquoteC(s: string): { value: string; rest: string } | undefined {
  if (s.charCodeAt(0) !== 0x22) return undefined;
  let out = '';
  let i = 1;
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      flush();
      return { value: out, rest: s.slice(i + 1) };
    }
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1];
      if (n >= '0' && n <= '7') {
        // git writes non-ASCII bytes as octal escapes: collect them as UTF-8 bytes.
        const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
        const digits = oct ? oct[0] : n;
        bytes.push(parseInt(digits, 8) & 0xff);
        i += 1 + digits.length;
        continue;
      }
      flush();
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
      out += map[n] ?? n;
      i += 2;
      continue;
    }
    flush();
    out += c;
    i++;
  }
  return undefined;
}

/** `/dev/null` means no file on that side. */
function nullable(p: string): string | null {
  return p === '/dev/null' ? null : p;
}

/** Strip git's one-letter prefix (`a/`, `b/`, also `i/`, `w/`, `c/`, `o/` of diff.mnemonicPrefix). */
function stripGitPrefix(p: string): string {
  return /^[a-z]\//.test(p) ? p.slice(2) : p;
}

/**
 * Paths of `diff --git a/x b/y`. Unquoted names may contain spaces, so when several ` b/` splits
 * are possible the one giving equal names is preferred (git does the same for non-renames).
 */
export function parseGitDiffLine(rest: string): { oldPath: string; newPath: string } | undefined {
  rest = rest.trim();
  if (rest.length === 0 || rest.length > MAX_HEADER_PATH) return undefined;
  const qa = unquoteC(rest);
  if (qa) {
    const tail = qa.rest.trim();
    const qb = unquoteC(tail);
    const b = qb ? qb.value : tail;
    return { oldPath: stripGitPrefix(qa.value), newPath: stripGitPrefix(b) };
  }
  const quotedB = rest.indexOf(' "');
  if (quotedB > 0) {
    const qb = unquoteC(rest.slice(quotedB + 1));
    if (qb) return { oldPath: stripGitPrefix(rest.slice(0, quotedB)), newPath: stripGitPrefix(qb.value) };
  }
  let first: { oldPath: string; newPath: string } | undefined;
  for (let at = rest.indexOf(' '); at > 0; at = rest.indexOf(' ', at + 1)) {
    const oldPath = stripGitPrefix(rest.slice(0, at));
    const newPath = stripGitPrefix(rest.slice(at + 1));
    if (oldPath === newPath) return { oldPath, newPath };
    if (!first && /^[a-z]\//.test(rest.slice(at + 1))) first = { oldPath, newPath };
  }
  return first;
}

/** The name in a `--- name\tdate` / `+++ name` line, before any tab-separated timestamp. */
export function headerName(rest: string): string {
  const q = unquoteC(rest);
  if (q) return q.value;
  const tab = rest.indexOf('\t');
  let name = tab >= 0 ? rest.slice(0, tab) : rest;
  // diff -u without tabs: `--- mm/x.c 2024-01-01 12:00:00.000000000 +0100`.
  const stamp = /^(\S+) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(name.slice(0, MAX_HEADER_PATH));
  if (stamp) name = stamp[1];
  return name.trimEnd();
}

/**
 * -p1 for headers without `diff --git`: `a/` and `b/` go; so does another first component
 * (quilt's `linux.orig/`) unless it is a kernel top-level directory (a -p0 diff). `/dev/null` is null.
 */
export function plainPaths(oldName: string, newName: string): { oldPath: string | null; newPath: string | null } {
  const strip = (path: string | null): string | null => {
    if (path === null) return null;
    const p = withoutQuiltSuffix(path);
    if (p.startsWith('a/') || p.startsWith('b/')) return p.slice(2);
    const slash = p.indexOf('/');
    if (slash <= 0) return p;
    const top = p.slice(0, slash);
    return KERNEL_TOP_DIRS.has(top) ? p : p.slice(slash + 1);
  };
  return { oldPath: strip(nullable(oldName)), newPath: strip(nullable(newName)) };
}

/**
 * patch(1)'s -pN: remove N leading components (and the slashes after them). Undefined when the
 * name has no more than N components to strip.
 */
export function stripComponents(name: string, n: number): string | undefined {
  let rest = name;
  for (let k = 0; k < n; k++) {
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    rest = rest.slice(slash + 1).replace(/^\/+/, '');
  }
  return rest === '' ? undefined : rest;
}

/**
 * quilt's and Andrew Morton's mm-commits exports name the pre-image after the patch
 * (`--- a/mm/memory.c~mm-fix-foo`): the file is what comes before the `~`.
 */
function withoutQuiltSuffix(p: string): string {
  return p.replace(/^([^~]*[^/~])~[^/~\s]+$/, '$1');
}

/** Paths inside a `diff --git` block's `---`/`+++` lines: only git's prefixes are stripped. */
export function gitHeaderPath(name: string): string | null {
  const p = nullable(name);
  return p === null ? null : stripGitPrefix(p);
}

/** `rename from x` / `copy to x` carry the name without prefix, possibly C-quoted. */
export function extendedHeaderPath(rest: string): string {
  const q = unquoteC(rest);
  return q ? q.value : rest.trimEnd();
}

/** `Binary files a/x and b/y differ` → paths (null for /dev/null), or undefined. */
export function parseBinaryFilesLine(content: string): { oldPath: string | null; newPath: string | null } | undefined {
  const head = 'Binary files ';
  const tail = ' differ';
  const s = content.trimEnd();
  if (!s.startsWith(head) || !s.endsWith(tail) || s.length > MAX_HEADER_PATH) return undefined;
  const mid = s.slice(head.length, s.length - tail.length);
  // Prefer the ` and ` that introduces git's `b/` or /dev/null, in case a name contains ` and `.
  let at = mid.indexOf(' and b/');
  if (at < 0) at = mid.indexOf(' and /dev/null');
  if (at < 0) at = mid.indexOf(' and ');
  if (at <= 0) return undefined;
  return plainPaths(mid.slice(0, at), mid.slice(at + 5));
}
