import { describe, expect, test } from 'vitest';
import {
  blank,
  cleanCut,
  codeMask,
  masked,
  withEdits,
  type Edit,
} from '../../src/lang/preprocess/code-mask.js';
import { annotationEdits } from '../../src/lang/preprocess/annotations.js';
import { conditionalEdits } from '../../src/lang/preprocess/conditionals.js';
import { iteratorEdits } from '../../src/lang/preprocess/iterators.js';
import { macroIdiomEdits } from '../../src/lang/preprocess/macro-idioms.js';

describe('blank', () => {
  test('every code unit that \\s does not match becomes a space; whitespace stays', () => {
    expect(blank('')).toBe('');
    expect(blank('a\tb\r\nc')).toBe(' \t \r\n ');
    // A no-break space and a BOM are \s; é and each half of a surrogate pair are not.
    expect(blank('x\u00a0\ufeffé😀')).toBe(' \u00a0\ufeff   ');
    expect(blank('y'.repeat(3000))).toBe(' '.repeat(3000));
  });
});

describe('cleanCut', () => {
  const source = masked('a = b; /* c\n d */ e = "f";\ng = h * *i;\nvoid *__init j(void) */ k;\n');
  const at = (s: string): number => source.text.indexOf(s);

  test('between two code characters that open or close nothing', () => {
    expect(cleanCut(source, at('= b'))).toBe(true);
    expect(cleanCut(source, 0)).toBe(true);
    expect(cleanCut(source, source.text.length)).toBe(true);
  });

  test('not inside a comment or a literal, nor next to one, nor inside a `*/`', () => {
    expect(cleanCut(source, at('c\n'))).toBe(false);
    expect(cleanCut(source, at('d */') + 1)).toBe(false); // before the comment's `*/`
    expect(cleanCut(source, at('f"'))).toBe(false);
    expect(cleanCut(source, at('; /*') + 2)).toBe(false); // before `/*`
    expect(cleanCut(source, at('*/ k') + 1)).toBe(false); // inside a stray `*/`
  });

  test('after a `*` in code that opens nothing: `*__init`', () => {
    expect(cleanCut(source, at('__init'))).toBe(true);
    expect(cleanCut(source, at('*i'))).toBe(true);
  });

  test('at a line start or end whose newline is code, not one inside a comment', () => {
    expect(cleanCut(source, at('g ='))).toBe(true);
    expect(cleanCut(source, at('g =') - 1)).toBe(true);
    expect(cleanCut(source, at(' d */'))).toBe(false);
  });
});

/** withEdits must give the mask that lexing its text gives, whether it derives it or lexes. */
function expectExactMask(text: string, edits: Edit[]): void {
  const result = withEdits(masked(text), edits);
  expect(Array.from(result.mask)).toEqual(Array.from(codeMask(result.text)));
}

describe('withEdits', () => {
  test('no edits: the same text and mask', () => {
    const source = masked('int x; /* y */');
    expect(withEdits(source, [])).toBe(source);
  });

  test('blanking words, whole lines or a head keeps the mask exact', () => {
    const text = 'static __always_inline int f(void) /* c */ {\n#if 0\n\ts = "x"; /* y\n */\n#endif\n\treturn 0;\n}\n';
    expectExactMask(text, [{ start: 7, end: 22, head: '' }]);
    const ifLine = text.indexOf('#if');
    expectExactMask(text, [{ start: ifLine, end: text.indexOf('\treturn'), head: '' }]);
    expectExactMask(text, [{ start: 0, end: 6, head: 'long' }]);
  });

  test('an edit that cuts a comment or a literal falls back to lexing, exactly', () => {
    const text = 'a /* b */ c; d = "e // f"; g(); // h\n/* i\n*/ j;\n';
    for (let start = 0; start < text.length; start++) {
      for (const end of [start + 1, start + 3, text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start)]) {
        if (end <= start || end > text.length) continue;
        expectExactMask(text, [{ start, end, head: '' }]);
      }
    }
  });

  test('next to `*` and `/` in code, a stray comment end and CRLF lines', () => {
    for (const text of ['x */ y;\r\n/* z */\r\n*/*w*/ v;\r\n', 'p = a*b/c; q = *__init r;*//x\n/**/*s/ /t*/u', "'\\'*/\"/*\"/'/'*/"]) {
      for (let start = 0; start < text.length; start++) {
        for (let end = start + 1; end <= Math.min(text.length, start + 3); end++) expectExactMask(text, [{ start, end, head: '' }]);
      }
    }
  });

  test('every transform over a file with comments, strings, CRLF and non-ASCII keeps the mask exact', () => {
    const file = [
      '// é: a comment with a \\',
      '   spliced line',
      '#ifdef CONFIG_X86_32 /* a comment',
      '   that runs on */',
      'int old(void) { return 0; }',
      '#else',
      'static __always_inline int __init f(struct page *p, unsigned long a) __releases(x)',
      '{',
      '\tchar *s = "#if 0 /* not a comment */";',
      '\tstruct page *q = container_of(p, struct page, lru);',
      '\tlist_for_each_entry(q, &h, lru) {',
      '\t\tmin_t(unsigned int, a, 1);\r',
      '\t}',
      '}',
      '#endif',
      '',
    ].join('\n');
    const raw = masked(file);
    const evaluated = withEdits(raw, conditionalEdits(raw));
    expect(Array.from(evaluated.mask)).toEqual(Array.from(codeMask(evaluated.text)));
    const annotated = withEdits(evaluated, annotationEdits(evaluated));
    expect(Array.from(annotated.mask)).toEqual(Array.from(codeMask(annotated.text)));
    const idioms = withEdits(annotated, macroIdiomEdits(annotated));
    expect(Array.from(idioms.mask)).toEqual(Array.from(codeMask(idioms.text)));
    const iterators = withEdits(idioms, iteratorEdits(idioms));
    expect(Array.from(iterators.mask)).toEqual(Array.from(codeMask(iterators.text)));
    expect(iterators.text).toContain('for (;;)');
    expect(iterators.text).not.toContain('old(void)');
  });
});

describe('withEdits on generated text', () => {
  test('the mask is exact for random edits of random lexeme soup (seeded)', () => {
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', '_', ' ', '*', '/', '"', "'", '\n', '\\', '\r', ';', '('];
    for (let iteration = 0; iteration < 5000; iteration++) {
      const length = 1 + next(24);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[next(alphabet.length)];
      const edits: Edit[] = [];
      for (let at = next(length); at < length && edits.length < 3; at = edits[edits.length - 1].end + next(3)) {
        const end = at + 1 + next(Math.min(4, length - at));
        const head = next(3) === 0 && end - at >= 4 && !text.slice(at, at + 4).includes('\n') ? 'long' : '';
        edits.push({ start: at, end, head });
      }
      expectExactMask(text, edits);
    }
  });
});
