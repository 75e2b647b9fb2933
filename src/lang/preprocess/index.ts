// Text transforms run before tree-sitter (docs/architecture.md, "Preprocess and slicing"). Every transform
// REPLACES and never deletes: the output has the input's lines, and every kept token keeps its line
// and column, so a position in a parse tree is a position in the original file.

export { annotationEdits, blankAnnotations, localAnnotationMacros } from './annotations.js';
export { applyEdits, blank, cleanCut, codeMask, isDigit, isWordChar, masked, prevCode, withEdits, type MaskedText } from './code-mask.js';
export { conditionalEdits, evaluateConditionals } from './conditionals.js';
export { DEFAULT_PROFILE, type ConfigProfile } from './config-profile.js';
export { iteratorEdits, rewriteIteratorMacros } from './iterators.js';
export { macroIdiomEdits, rewriteMacroIdioms } from './macro-idioms.js';
