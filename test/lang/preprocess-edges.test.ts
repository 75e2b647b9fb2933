import { describe, expect, test } from 'vitest';
import {
  blankAnnotations,
  evaluateConditionals,
  localAnnotationMacros,
  rewriteIteratorMacros,
  rewriteMacroIdioms,
} from '../../src/lang/preprocess/index.js';
import { extractFunctions } from '../../src/lang/slice.js';

// Edge cases of the text transforms, pinned to what they gave before their character-code
// rewrites (commit 8d3999e): CRLF, non-ASCII, unbalanced and empty input, comments and strings,
// words that start with digits. Each expected value is that version's output.

describe('evaluateConditionals edge cases', () => {
  test.each([
    ["empty", "", ""],
    ["lastLineDirective", "#if 0\nx\n#endif", "     \n \n      "],
    ["crlf", "#if 0\r\nold();\r\n#else\r\nnew();\r\n#endif\r\n", "     \r\n      \r\n     \r\nnew();\r\n      \r\n"],
    ["crlfContinuation", "#if defined(CONFIG_X86_32) || \\\r\n    defined(CONFIG_ARM)\r\nx();\r\n#endif\r\ny();\r\n", "                               \r\n                       \r\n    \r\n      \r\ny();\r\n"],
    ["hashAfterCode", "a # b;\n#if 0\nc;\n#endif\n", "a # b;\n     \n  \n      \n"],
    ["indented", "\t  #if 0\nx;\n  #endif\ny;\n", "\t       \n  \n        \ny;\n"],
    ["nonAscii", "#if 0\nconst char *s = \"café – ok\";\n#endif\n", "     \n                            \n      \n"],
    ["unbalanced", "#endif\n#else\nx;\n#if 0\ny;\n", "      \n     \nx;\n     \n  \n"],
    ["hashInString", "char *s = \"\\\n#if 0\";\nz;\n", "char *s = \"\\\n#if 0\";\nz;\n"],
    ["backslashInComment", "#define A 1 /* \\ */\nx;\n", "                   \nx;\n"],
    ["continuationEndsFile", "#define A \\", "           "],
  ])('%s', (_name, input, expected) => {
    const out = evaluateConditionals(input);
    expect(out).toBe(expected);
    expect(out.length).toBe(input.length);
  });
});

test('#define bodies that are no expression (a string, a block) leave the macro undecidable', () => {
  const text = '#define C "x"\n#define D (1 << 3)\n#define E { 1 }\n#if C\nc1;\n#else\nc2;\n#endif\n#if D == 8\nd;\n#endif\n#if E\ne1;\n#else\ne2;\n#endif\n#if D != 8 || ~0 == -1\nf;\n#endif\n';
  const kept = evaluateConditionals(text).split('\n').map((l) => l.trim()).filter(Boolean);
  expect(kept).toEqual(['c1;', 'd;', 'e1;', 'f;']);
});

describe('blankAnnotations edge cases', () => {
  test.each([
    ["digitPrefixed", "int 9__user x; int x__user y; __user z;", "int 9       x; int x__user y;        z;"],
    ["noParens", "int __attribute__ x; __attribute__ ((a))y;", "int               x;                    y;"],
    ["unbalanced", "int __attribute__((x, y) z;\n", "int              ((x, y) z;\n"],
    ["crlf", "static int __init\r\nfoo(void) __releases(a)\r\n{}\r\n", "static int       \r\nfoo(void)              \r\n{}\r\n"],
    ["empty", "", ""],
    ["nonAscii", "/* é */ static __always_inline int f(void) { return \"ü\" __maybe_unused; }", "/* é */ static                 int f(void) { return \"ü\"               ; }"],
  ])('%s', (_name, input, expected) => {
    expect(blankAnnotations(input)).toBe(expected);
  });

  test('a file-local macro is blanked as a whole word only', () => {
    expect(blankAnnotations('pad f(void) padded pad', new Set(['pad']))).toBe("    f(void) padded    ");
  });
});

describe('localAnnotationMacros edge cases', () => {
  test.each([
    ["crlf", "#define pad_attr noinline __no_kmsan_checks\r\n#define other 1\r\n", ["pad_attr"]],
    ["carriageReturnInsideLine", "#define A __weak\r#define B 1\n", []],
    ["comment", "#define C /* nothing */\n#define D // none\n  #  define E __cold\n#define F(x) x\n", ["C", "D", "E"]],
    ["twice", "#ifdef X\n#define G __cold\n#else\n#define G 1\n#endif\n", []],
  ])('%s', (_name, input, expected) => {
    expect([...localAnnotationMacros(input)]).toEqual(expected);
  });
});

describe('rewriteIteratorMacros edge cases', () => {
  test.each([
    ["digits", "x; 2list_for_each_entry(p, h, m) {\n}\n", "x; 2list_for_each_entry(p, h, m) {\n}\n"],
    ["comment", "/* for_each_vma(v) { */ x;\n", "/* for_each_vma(v) { */ x;\n"],
    ["format", "format(a) { }\n", "format(a) { }\n"],
    ["crlf", "list_for_each_entry(p, h, m)\r\n{\r\n}\r\n", "for (;;)                    \r\n{\r\n}\r\n"],
    ["unbalanced", "list_for_each_entry(p, h {\n", "list_for_each_entry(p, h {\n"],
  ])('%s', (_name, input, expected) => {
    expect(rewriteIteratorMacros(input)).toBe(expected);
  });
});

describe('rewriteMacroIdioms edge cases', () => {
  test.each([
    ["newlineBeforeParen", "p = container_of\n(w, struct page, lru);", "p = container_of\n(w,        page, lru);"],
    ["pointers", "f(u8 *, x); g(* p, a * b); h(unsigned long *, const pte_t, struct page **);", "f(u8  , x); g(* p, a * b); h(         long  ,       pte_t,        page   );"],
    ["digitCallee", "x = 2min_t(unsigned int, a, b);", "x = 2min_t(         int, a, b);"],
    ["unbalanced", "x = min_t(unsigned int, a;", "x = min_t(unsigned int, a;"],
    ["comment", "x = min_t(unsigned /* c */ int, a, b);", "x = min_t(         /* c */ int, a, b);"],
    ["crlf", "x = min_t(unsigned int,\r\n a, b);\r\n", "x = min_t(         int,\r\n a, b);\r\n"],
    ["syscallComment", "SYSCALL_DEFINE2 /* c */ (foo, int, a, long, b)\n{\n}\n", "long                     foo( int  a, long  b)\n{\n}\n"],
    ["staticDefine", "static int f(void) {\n\tstatic DEFINE_RATELIMIT_STATE(rs, 1, 2);\n}\n", "static int f(void) {\n\t       DEFINE_RATELIMIT_STATE(rs, 1, 2);\n}\n"],
    ["bitmap", "DECLARE_BITMAP(m, 64) = { 0 };\n", "long           m[ 64] = { 0 };\n"],
  ])('%s', (_name, input, expected) => {
    expect(rewriteMacroIdioms(input)).toBe(expected);
  });
});

describe('extractFunctions edge cases', () => {
  test.each([
    ["crlf", "static int a(void)\r\n{\r\n\treturn 1;\r\n}\r\n\r\nint b(int x) { return x; }\r\n", [{"name": "a", "startLine": 1, "nameLine": 1, "endLine": 4, "sliced": "static int a(void)\r\n{\r\n\treturn 1;\r\n}\r", "text": "static int a(void)\r\n{\r\n\treturn 1;\r\n}\r"}, {"name": "b", "startLine": 6, "nameLine": 6, "endLine": 6, "sliced": "int b(int x) { return x; }\r", "text": "int b(int x) { return x; }\r"}]],
    ["commentBefore", "/* é */int f(void) {\n\tlist_for_each_entry(p, h, m) {\n\t}\n}\n", [{"name": "f", "startLine": 1, "nameLine": 1, "endLine": 4, "sliced": "       int f(void) {\n\tlist_for_each_entry(p, h, m) {\n\t}\n}", "text": "       int f(void) {\n\tfor (;;)                     {\n\t}\n}"}]],
    ["uncleanCut", "x = 1;/**/int g(void) { return min_t(unsigned int, a, b); }\n", [{"name": "g", "startLine": 1, "nameLine": 1, "endLine": 1, "sliced": "          int g(void) { return min_t(unsigned int, a, b); }", "text": "          int g(void) { return min_t(         int, a, b); }"}]],
    ["empty", "", []],
    ["unbalanced", "int f(void) {\n\tif (x) {\n\treturn 0;\n}\n", []],
    ["strayCommentEnd", "*/ int h(void) { return 0; }\n", [{"name": "h", "startLine": 1, "nameLine": 1, "endLine": 1, "sliced": "   int h(void) { return 0; }", "text": "   int h(void) { return 0; }"}]],
  ] as Array<[string, string, unknown[]]>)('%s', (_name, input, expected) => {
    const got = extractFunctions(input).map((f) => ({
      name: f.name, startLine: f.startLine, nameLine: f.nameLine, endLine: f.endLine, sliced: f.sliced, text: f.text,
    }));
    expect(got).toEqual(expected);
  });
});
