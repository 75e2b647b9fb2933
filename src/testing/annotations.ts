// Fixture expectations written in the fixture itself (fixtures/README.md, "Annotations"; the
// semgrep `ruleid:`/`ok:`/`todoruleid:`/`todook:` model, as kernel-style trailing comments).
//
//   set_ptes(mm, addr, ptep, pte, nr);           /* expect: batch-merged-restore/mergedRestore */
//   pte = pte_mkwrite(pte, vma);                  /* ok: pte-write-grant-unjustified -- pte_write() tested */
//   pte = maybe_mkwrite(pte, vma);                /* expect: a/m1, b/m2 */ /* ok: c */
//   x = f(y);                                     /* todo-expect: some-rule -- why it is missed */
//   x = g(y);                                     /* todo-ok: some-rule -- why it fires */
//   /* ptelint-fixture: kernel-version 6.1 */     (a line of its own, at most once)
//
// Only one-line comments are annotations, and they must trail code on their line (the finding's
// line is the comment's line). The parser never throws: anything malformed becomes a `problem`,
// which the fixture test reports, so a typo cannot silently turn an expectation off.

import { cLexemes } from '../lang/c-lexemes.js';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type AnnotationKind = 'expect' | 'ok' | 'todo-expect' | 'todo-ok';

export interface Annotation {
  rule: string;
  /** 1-based line of the comment, i.e. of the code it trails. */
  line: number;
  /** The `<messageId>` of `<rule-id>/<messageId>`: the finding's reason (required on expect by the fixture test). */
  messageId?: string;
  /** The text after ` -- `; required for todo-expect / todo-ok. */
  reason?: string;
}

export interface AnnotationProblem {
  line: number;
  message: string;
}

export interface FixtureAnnotations {
  /** As written in the `ptelint-fixture:` header (e.g. "6.1"); absent means newest semantics. */
  kernelVersion?: string;
  /** Each must be matched by exactly one finding (repeat an id to expect two on one line). */
  expect: Annotation[];
  /** Near misses: no finding of the rule on the line. */
  ok: Annotation[];
  /** Known false negatives: must be silent today; flip to `expect` when the rule learns it. */
  todoExpect: Annotation[];
  /** Known false positives: must fire today; flip to `ok` when the rule stops. */
  todoOk: Annotation[];
  /** Malformed or contradictory annotations; a fixture with problems fails. */
  problems: AnnotationProblem[];
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const KINDS: readonly AnnotationKind[] = ['expect', 'ok', 'todo-expect', 'todo-ok'];
const HEADER_KEYWORD = 'ptelint-fixture';

/** `<keyword>: <rest>` at the start of a comment body. */
const ANNOTATION_RE = /^(expect|ok|todo-expect|todo-ok|ptelint-fixture)\s*:\s*([\s\S]*)$/;
/** Spellings that look like an annotation but are not one (a typo must not go unnoticed). */
const LOOKALIKE_RE =
  /^(?:todo[\s_-]*)?(?:expect\w*|expected|ok|ruleid|todoruleid|todook|todo)\s*:|^ptelint[\s_-]*fixture\s*:/i;
/** kebab-case rule id with an optional `/messageId`. */
const RULE_REF_RE = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:\/([A-Za-z][A-Za-z0-9]*))?$/;
const VERSION_RE = /^v?\d+\.\d+(?:\.\d+)?$/;

interface Comment {
  startLine: number;
  endLine: number;
  /** Text between the delimiters. */
  body: string;
}

interface Scan {
  comments: Comment[];
  /** codeLines.has(n): line n holds something other than whitespace and comments. */
  codeLines: Set<number>;
}

/**
 * Splits C text into comments and code (src/lang/c-lexemes.ts), so that `"/* expect: x *\/"`
 * inside a string is not an annotation.
 * @param text the fixture source
 * @returns the comments with their lines, and the set of lines that carry code
 */
function scanC(text: string): Scan {
  const comments: Comment[] = [];
  const codeLines = new Set<number>();
  // Lines are counted forwards only: every offset asked for is at or after the previous one.
  let line = 1;
  let counted = 0;
  const lineAt = (offset: number): number => {
    for (; counted < offset; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
  const markCode = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (!' \t\r\n\f\v'.includes(text[i])) codeLines.add(lineAt(i));
  };

  let codeFrom = 0;
  for (const lexeme of cLexemes(text)) {
    if (lexeme.kind !== 'block-comment' && lexeme.kind !== 'line-comment') continue;
    markCode(codeFrom, lexeme.start);
    const startLine = lineAt(lexeme.start);
    const bodyEnd = lexeme.kind === 'block-comment' && lexeme.closed ? lexeme.end - 2 : lexeme.end;
    comments.push({ startLine, endLine: lineAt(bodyEnd), body: text.slice(lexeme.start + 2, bodyEnd) });
    codeFrom = lexeme.end;
  }
  markCode(codeFrom, text.length);
  return { comments, codeLines };
}

/**
 * Splits `ids -- reason` into its two halves.
 * @param rest the text after `<keyword>:`
 * @returns the id list text and the reason, if any
 */
function splitReason(rest: string): { ids: string; reason?: string } {
  const m = /^([\s\S]*?)\s+--\s+([\s\S]*)$/.exec(rest) ?? /^([\s\S]*?)\s*--\s*$/.exec(rest);
  if (!m) return { ids: rest.trim() };
  const reason = (m[2] ?? '').trim();
  return reason === '' ? { ids: m[1].trim(), reason: '' } : { ids: m[1].trim(), reason };
}

/**
 * Parses the value of a `ptelint-fixture:` header.
 * @param value e.g. "kernel-version 6.1"
 * @param line where the header is
 * @param out receives the settings and problems
 */
function parseHeader(value: string, line: number, out: FixtureAnnotations): void {
  const settings = value.split(';').map((s) => s.trim()).filter((s) => s !== '');
  if (settings.length === 0) {
    out.problems.push({ line, message: `empty ${HEADER_KEYWORD} header` });
    return;
  }
  for (const setting of settings) {
    const m = /^([a-z][a-z-]*)\s+(\S+)$/.exec(setting);
    if (!m) {
      out.problems.push({ line, message: `malformed ${HEADER_KEYWORD} setting "${setting}" (want "<key> <value>")` });
    } else if (m[1] !== 'kernel-version') {
      out.problems.push({ line, message: `unknown ${HEADER_KEYWORD} setting "${m[1]}" (known: kernel-version)` });
    } else if (!VERSION_RE.test(m[2])) {
      out.problems.push({ line, message: `kernel-version "${m[2]}" is not MAJOR.MINOR` });
    } else if (out.kernelVersion !== undefined) {
      out.problems.push({ line, message: 'kernel-version given twice' });
    } else {
      out.kernelVersion = m[2];
    }
  }
}

function listFor(out: FixtureAnnotations, kind: AnnotationKind): Annotation[] {
  switch (kind) {
    case 'expect':
      return out.expect;
    case 'ok':
      return out.ok;
    case 'todo-expect':
      return out.todoExpect;
    case 'todo-ok':
      return out.todoOk;
  }
}

/**
 * Adds the annotations of one comment.
 * @param kind the keyword
 * @param rest the text after the keyword's colon
 * @param line the comment's line
 * @param out receives annotations and problems
 */
function parseRuleAnnotation(kind: AnnotationKind, rest: string, line: number, out: FixtureAnnotations): void {
  const { ids, reason } = splitReason(rest);
  const todo = kind === 'todo-expect' || kind === 'todo-ok';
  if (reason === '') {
    out.problems.push({ line, message: `empty reason after "--" in ${kind}` });
  } else if (todo && reason === undefined) {
    out.problems.push({ line, message: `${kind} needs a reason: "${kind}: <rule-id> -- why"` });
  }
  const refs = ids.split(',').map((s) => s.trim());
  if (ids === '' || refs.every((r) => r === '')) {
    out.problems.push({ line, message: `${kind} names no rule id` });
    return;
  }
  for (const ref of refs) {
    const m = RULE_REF_RE.exec(ref);
    if (!m) {
      out.problems.push({ line, message: `"${ref}" is not a rule id (kebab-case, optionally /messageId) in ${kind}` });
      continue;
    }
    const annotation: Annotation = { rule: m[1], line };
    if (m[2] !== undefined) annotation.messageId = m[2];
    if (reason) annotation.reason = reason;
    listFor(out, kind).push(annotation);
  }
}

/**
 * Rejects two annotations that contradict each other on one line: the same rule may appear only
 * once per line, except repeated `expect` (two findings of one rule on one line).
 * @param out the parsed annotations; problems are appended
 */
function checkConflicts(out: FixtureAnnotations): void {
  const seen = new Map<string, AnnotationKind>();
  const reported = new Set<string>();
  for (const kind of KINDS) {
    for (const a of listFor(out, kind)) {
      const key = `${a.rule}@${a.line}`;
      const before = seen.get(key);
      if (before === undefined) {
        seen.set(key, kind);
      } else if (!(before === 'expect' && kind === 'expect') && !reported.has(`${key}:${kind}`)) {
        reported.add(`${key}:${kind}`);
        out.problems.push({
          line: a.line,
          message:
            before === kind
              ? `${kind}: ${a.rule} given twice on one line`
              : `${before} and ${kind} both name ${a.rule} on one line`,
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Reads the expectations of a fixture.
 * @param text the fixture's C source
 * @returns the annotations (1-based lines, in source order) and any problems found in them
 */
export function parseAnnotations(text: string): FixtureAnnotations {
  const out: FixtureAnnotations = { expect: [], ok: [], todoExpect: [], todoOk: [], problems: [] };
  const { comments, codeLines } = scanC(text);
  let headerLine: number | undefined;

  for (const comment of comments) {
    if (comment.startLine !== comment.endLine) {
      // Prose blocks are fine; an annotation hidden in one would be silently ignored.
      comment.body.split('\n').forEach((raw, k) => {
        const body = raw.replace(/^\s*\*?\s*/, '').trim();
        if (ANNOTATION_RE.test(body) || LOOKALIKE_RE.test(body)) {
          out.problems.push({
            line: comment.startLine + k,
            message: 'annotation inside a multi-line comment is ignored; use a one-line trailing comment',
          });
        }
      });
      continue;
    }

    const body = comment.body.trim();
    const line = comment.startLine;
    const m = ANNOTATION_RE.exec(body);
    if (!m) {
      if (LOOKALIKE_RE.test(body)) {
        out.problems.push({
          line,
          message: `"${body.split(':')[0]}:" is not an annotation keyword (expect, ok, todo-expect, todo-ok, ${HEADER_KEYWORD})`,
        });
      }
      continue;
    }

    const keyword = m[1];
    const rest = m[2].trim();
    if (keyword === HEADER_KEYWORD) {
      if (codeLines.has(line)) {
        out.problems.push({ line, message: `the ${HEADER_KEYWORD} header must be on a line of its own` });
      }
      if (headerLine !== undefined) {
        out.problems.push({ line, message: `second ${HEADER_KEYWORD} header (first on line ${headerLine})` });
        continue;
      }
      headerLine = line;
      parseHeader(rest, line, out);
      continue;
    }

    if (!codeLines.has(line)) {
      out.problems.push({ line, message: `${keyword}: must trail the code line it describes, not stand alone` });
      continue;
    }
    parseRuleAnnotation(keyword as AnnotationKind, rest, line, out);
  }

  checkConflicts(out);
  out.problems.sort((a, b) => a.line - b.line);
  return out;
}

/**
 * The problems of a fixture's annotations as messages that name the file and line.
 * @param file the fixture's path as the test names it
 * @param annotations what parseAnnotations returned for it
 * @returns one `file:line: message` per problem
 */
export function annotationProblems(file: string, annotations: FixtureAnnotations): string[] {
  return annotations.problems.map((p) => `${file}:${p.line}: ${p.message}`);
}
