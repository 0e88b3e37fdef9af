// Document symbols: each study with its statements as children, plus top-level definitions.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { DeclKind, SourceFile, Stmt, TopLevel } from '../../compiler/ast.js';
import { spanToRange } from './positions.js';

const DECL_SYMBOL: Record<DeclKind, SymbolKind> = {
  data: SymbolKind.Array,
  forward: SymbolKind.Function,
  features: SymbolKind.Field,
  model: SymbolKind.Class,
  sample: SymbolKind.Event,
  map: SymbolKind.Object,
  metric: SymbolKind.Number,
};

export function documentSymbols(file: SourceFile): DocumentSymbol[] {
  return file.items.flatMap((item) => symbolOf(item) ?? []);
}

function symbolOf(node: TopLevel | Stmt): DocumentSymbol | undefined {
  const range = spanToRange(node.span);
  switch (node.kind) {
    case 'study':
      return {
        name: node.name.name,
        detail: 'study',
        kind: SymbolKind.Module,
        range,
        selectionRange: spanToRange(node.name.span),
        children: node.body.flatMap((s) => symbolOf(s) ?? []),
      };
    case 'decl':
      return {
        name: node.name.name,
        detail: node.declKind,
        kind: DECL_SYMBOL[node.declKind],
        range,
        selectionRange: spanToRange(node.name.span),
      };
    case 'let':
      return {
        name: node.name.name,
        detail: 'let',
        kind: SymbolKind.Constant,
        range,
        selectionRange: spanToRange(node.name.span),
      };
    case 'sweep':
      return {
        name: node.name.name,
        detail: 'sweep',
        kind: SymbolKind.Variable,
        range,
        selectionRange: spanToRange(node.name.span),
      };
    case 'setting':
      return {
        name: node.name.name,
        detail: 'setting',
        kind: SymbolKind.Property,
        range,
        selectionRange: spanToRange(node.name.span),
      };
    case 'plot': {
      const callee = node.value.kind === 'call' ? node.value.callee.name : 'plot';
      const name = node.name?.name ?? (node.to ? `${callee} to ${node.to.value}` : callee);
      return {
        name,
        detail: 'plot',
        kind: SymbolKind.Event,
        range,
        selectionRange: spanToRange((node.name ?? node.value).span),
      };
    }
    case 'import':
      return {
        name: node.path.value,
        detail: 'import',
        kind: SymbolKind.File,
        range,
        selectionRange: spanToRange(node.path.span),
      };
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}
