import { describe, expect, test } from 'vitest';
import { parseAnnotations } from '../../src/testing/annotations.js';

/** Joins lines with "\n" so tests can name line numbers plainly. */
function src(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

describe('parseAnnotations', () => {
  test('reads the four kinds with 1-based lines', () => {
    const a = parseAnnotations(
      src(
        '/* models nothing in particular */',
        'static void f(void)',
        '{',
        '\tpte = maybe_mkwrite(pte, vma);\t/* expect: pte-write-grant-unjustified */',
        '\tpte = pte_mkwrite(pte, vma);\t/* ok: pte-write-grant-unjustified */',
        '\tpte = g(pte);\t/* todo-expect: uffd-wp-never-writable -- needs a summary of g() */',
        '\tpte = h(pte);\t/* todo-ok: redundant-maybe-mkwrite -- guard is an alias */',
        '}',
      ),
    );
    expect(a.problems).toEqual([]);
    expect(a.kernelVersion).toBeUndefined();
    expect(a.expect).toEqual([{ rule: 'pte-write-grant-unjustified', line: 4 }]);
    expect(a.ok).toEqual([{ rule: 'pte-write-grant-unjustified', line: 5 }]);
    expect(a.todoExpect).toEqual([
      { rule: 'uffd-wp-never-writable', line: 6, reason: 'needs a summary of g()' },
    ]);
    expect(a.todoOk).toEqual([{ rule: 'redundant-maybe-mkwrite', line: 7, reason: 'guard is an alias' }]);
  });

  test('several ids in one comment, several comments on one line', () => {
    const a = parseAnnotations(
      src('x = y; /* expect: a-rule, b-rule */ /* ok: c-rule -- near miss */', 'z = w; // expect: a-rule'),
    );
    expect(a.problems).toEqual([]);
    expect(a.expect).toEqual([
      { rule: 'a-rule', line: 1 },
      { rule: 'b-rule', line: 1 },
      { rule: 'a-rule', line: 2 },
    ]);
    expect(a.ok).toEqual([{ rule: 'c-rule', line: 1, reason: 'near miss' }]);
  });

  test('a repeated expect id means two findings on the line', () => {
    const a = parseAnnotations(src('x = f(g(y)); /* expect: a-rule, a-rule */'));
    expect(a.problems).toEqual([]);
    expect(a.expect).toHaveLength(2);
  });

  test('optional messageId suffix', () => {
    const a = parseAnnotations(src('x = y; /* expect: a-rule/restoredWritable */'));
    expect(a.problems).toEqual([]);
    expect(a.expect).toEqual([{ rule: 'a-rule', line: 1, messageId: 'restoredWritable' }]);
  });

  test('kernel-version header', () => {
    const a = parseAnnotations(src('/* models 6.1 do_swap_page */', '/* ptelint-fixture: kernel-version 6.1 */', 'int x;'));
    expect(a.problems).toEqual([]);
    expect(a.kernelVersion).toBe('6.1');
  });

  test('bad headers are problems', () => {
    expect(parseAnnotations(src('/* ptelint-fixture: kernel-version six */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('/* ptelint-fixture: arch sparc64 */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('/* ptelint-fixture: */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('int x; /* ptelint-fixture: kernel-version 6.1 */')).problems).toHaveLength(1);
    const twice = parseAnnotations(
      src('/* ptelint-fixture: kernel-version 6.1 */', '/* ptelint-fixture: kernel-version 6.12 */'),
    );
    expect(twice.kernelVersion).toBe('6.1');
    expect(twice.problems.map((p) => p.line)).toEqual([2]);
  });

  test('annotations in strings and multi-line prose are not annotations', () => {
    const a = parseAnnotations(
      src(
        '/*',
        ' * This fixture says what it models; the word expect is fine in prose.',
        ' */',
        'const char *s = "/* expect: a-rule */";',
        "char c = '\"'; /* ok: a-rule */",
      ),
    );
    expect(a.problems).toEqual([]);
    expect(a.expect).toEqual([]);
    expect(a.ok).toEqual([{ rule: 'a-rule', line: 5 }]);
  });

  test('an annotation inside a multi-line comment is a problem, not silently dropped', () => {
    const a = parseAnnotations(src('x = y; /* first line', ' * expect: a-rule */'));
    expect(a.expect).toEqual([]);
    expect(a.problems).toEqual([{ line: 2, message: expect.stringContaining('multi-line comment') }]);
  });

  test('an annotation must trail code', () => {
    const a = parseAnnotations(src('/* expect: a-rule */', 'x = y;'));
    expect(a.expect).toEqual([]);
    expect(a.problems).toEqual([{ line: 1, message: expect.stringContaining('trail') }]);
  });

  test('todo kinds need a reason', () => {
    expect(parseAnnotations(src('x = y; /* todo-expect: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* todo-ok: a-rule -- */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* todo-ok: a-rule -- reason */')).problems).toEqual([]);
  });

  test('malformed ids and look-alike keywords are problems', () => {
    expect(parseAnnotations(src('x = y; /* expect: */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* expect: Not_A_Rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* ok: this is fine */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* expected: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* OK: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* todook: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* ruleid: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* a plain remark: fine */')).problems).toEqual([]);
  });

  test('contradictory annotations on one line are problems', () => {
    expect(parseAnnotations(src('x = y; /* expect: a-rule */ /* ok: a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* ok: a-rule, a-rule */')).problems).toHaveLength(1);
    expect(parseAnnotations(src('x = y; /* todo-ok: a-rule -- r */ /* expect: a-rule */')).problems).toHaveLength(1);
    // Different rules on one line are fine.
    expect(parseAnnotations(src('x = y; /* expect: a-rule */ /* ok: b-rule */')).problems).toEqual([]);
  });

  test('CRLF line endings and line counting across block comments and strings', () => {
    const text = [
      '/* a',
      '   b */ int x;',
      'const char *s = "a\\',
      'b";',
      'x = y; /* expect: a-rule */',
    ].join('\r\n');
    const a = parseAnnotations(text);
    expect(a.problems).toEqual([]);
    expect(a.expect).toEqual([{ rule: 'a-rule', line: 5 }]);
  });
});
