// Placeholder: the tree-sitter setup is being written (see src/lang/ brief).
import type Parser from 'tree-sitter';
export type SyntaxNode = Parser.SyntaxNode;
