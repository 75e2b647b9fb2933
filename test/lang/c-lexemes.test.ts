import { describe, expect, test } from 'vitest';
import { cLexemes, type LexOptions } from '../../src/lang/c-lexemes.js';
import { codeMask } from '../../src/lang/preprocess/code-mask.js';
import { scanCode } from '../../src/input/images/c-scan.js';
import { parseAnnotations } from '../../src/testing/annotations.js';

/** Each lexeme as `kind:text` (`!` after the kind when unterminated), so a case reads like the C it lexes. */
function lex(text: string, options?: LexOptions): string[] {
  return cLexemes(text, options).map((l) => `${l.kind}${l.closed ? '' : '!'}:${text.slice(l.start, l.end)}`);
}

describe('cLexemes', () => {
  test('a block comment spanning lines, code around it', () => {
    expect(lex('a = 1; /* one\n * two\n */ b = 2;')).toEqual(['block-comment:/* one\n * two\n */']);
  });

  test('a // comment ends before its newline; /* inside it is not a comment', () => {
    expect(lex('x++; // no /* here\ny--;')).toEqual(['line-comment:// no /* here']);
  });

  test('strings with escapes: \\" and \\\\ do not end them', () => {
    expect(lex('s = "a\\"b\\\\"; t = "/* not a comment */";')).toEqual([
      'string:"a\\"b\\\\"',
      'string:"/* not a comment */"',
    ]);
  });

  test("character literals: '\\'' and '\"' and '/'", () => {
    expect(lex("c = '\\''; d = '\"'; e = '/'; f = \"'\";")).toEqual([
      "char:'\\''",
      "char:'\"'",
      "char:'/'",
      'string:"\'"',
    ]);
  });

  test('line continuations splice a // comment and a literal, LF or CRLF', () => {
    expect(lex('// one \\\ntwo\nthree')).toEqual(['line-comment:// one \\\ntwo']);
    expect(lex('// one \\\r\ntwo\r\nthree')).toEqual(['line-comment:// one \\\r\ntwo\r']);
    expect(lex('s = "a\\\nb"; x')).toEqual(['string:"a\\\nb"']);
    expect(lex('s = "a\\\r\nb"; x')).toEqual(['string:"a\\\r\nb"']);
  });

  test('an unterminated literal ends at the end of its line', () => {
    expect(lex("#error can't\nint x; /* c */")).toEqual(["char!:'t", 'block-comment:/* c */']);
    expect(lex('s = "abc')).toEqual(['string!:"abc']);
    expect(lex('s = "abc\\')).toEqual(['string!:"abc\\']);
  });

  test('an unterminated block comment runs to the end of the text', () => {
    expect(lex('x; /* never\nclosed "x"')).toEqual(['block-comment!:/* never\nclosed "x"']);
    expect(lex('/*')).toEqual(['block-comment!:/*']);
    expect(lex('/*/ x')).toEqual(['block-comment!:/*/ x']);
  });

  test('a text that starts inside a comment', () => {
    expect(lex(' * tail */ x = "s";', { inComment: true })).toEqual(['block-comment: * tail */', 'string:"s"']);
    expect(lex('never closed', { inComment: true })).toEqual(['block-comment!:never closed']);
    expect(lex('', { inComment: true })).toEqual(['block-comment!:']);
  });

  test('*/ in code is a stray comment end, unless its / opens a comment', () => {
    expect(lex(' tail */ x')).toEqual(['stray-comment-end:*/']);
    expect(lex('a */* c */ b')).toEqual(['block-comment:/* c */']);
    expect(lex('a *// c')).toEqual(['line-comment:// c']);
    expect(lex('/**/*p = 0;')).toEqual(['block-comment:/**/']);
  });

  test('a division and a pointer are code', () => {
    expect(lex('a = b / c * *d;')).toEqual([]);
  });
});

describe('the three users agree on what is a comment', () => {
  const text = 'f("/* s */", \'"\'); /* c\n */ g(); // h \\\n i\n';

  test('codeMask: 0 inside every lexeme', () => {
    const mask = Array.from(codeMask(text)).join('');
    const expected = text.replace(/"\/\* s \*\/"|'"'|\/\* c\n \*\/|\/\/ h \\\n i/g, (m) => '0'.repeat(m.length)).replace(/[^0]/g, '1');
    expect(mask).toBe(expected);
  });

  test('scanCode: comments and literal contents blanked, quotes kept', () => {
    expect(scanCode(text, { inComment: false, conditionals: [] }).code).toEqual([
      'f("       ", \' \');     ',
      '    g();       ',
      '  ',
      '',
    ]);
  });

  test('parseAnnotations: an annotation in a string is not one; one in a spliced // comment is a problem', () => {
    const a = parseAnnotations('f("/* expect: a-rule/x */"); // note \\\n expect: b-rule/y\ng(); /* expect: c-rule/z */\n');
    expect(a.problems).toEqual([
      { line: 2, message: 'annotation inside a multi-line comment is ignored; use a one-line trailing comment' },
    ]);
    expect(a.expect).toEqual([{ rule: 'c-rule', line: 3, messageId: 'z' }]);
  });
});
