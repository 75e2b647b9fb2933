// Text transforms run before tree-sitter (docs/architecture.md, "Preprocess and slicing"). Every transform
// REPLACES and never deletes: the output has the input's lines, and every kept token keeps its line
// and column, so a position in a parse tree is a position in the original file.

export { blankAnnotations, localAnnotationMacros } from './annotations.js';
export { blank, codeMask, prevCode } from './code-mask.js';
export { evaluateConditionals } from './conditionals.js';
export { DEFAULT_PROFILE, type ConfigProfile } from './config-profile.js';
export { rewriteIteratorMacros } from './iterators.js';
export { rewriteMacroIdioms } from './macro-idioms.js';
