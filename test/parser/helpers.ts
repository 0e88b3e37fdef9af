import { expect } from 'chai';
import type { Expr, SourceFile } from '../../compiler/ast.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { parseSource } from '../../compiler/parse.js';

/** Deep copy without spans, so tests compare tree shapes. */
export function strip<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'span' || k === 'keyword' ? undefined : v)));
}

/** Parses text that must be free of syntax errors. */
export function parseOk(text: string): SourceFile {
  const { ast, diagnostics } = parseSource(text, 'test.gtv');
  expect(
    diagnostics.map((d) => d.message),
    'unexpected diagnostics',
  ).to.deep.equal([]);
  return ast;
}

/** The AST (without spans) of an expression written as the value of `let v = ...`. */
export function exprOf(src: string): Expr {
  const item = parseOk(`let v = ${src}`).items[0];
  if (item.kind !== 'let') throw new Error(`not a let: ${item.kind}`);
  return strip(item.value);
}

export function errorsOf(text: string): Diagnostic[] {
  return parseSource(text, 'bad.gtv').diagnostics;
}

export const num = (value: number, raw = String(value)) => ({ kind: 'number', value, raw });
export const name = (n: string) => ({ kind: 'name', name: n });
