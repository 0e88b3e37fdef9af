// Position logic of the language server: spans (1-based, UTF-16 columns) to LSP ranges (0-based),
// LSP positions to offsets and back, and what the cursor is on.
import { expect } from 'chai';
import fc from 'fast-check';
import type { Span } from '../../compiler/ast.js';
import { parseSource } from '../../compiler/parse.js';
import { nodesAt } from '../../editor/lsp/locate.js';
import { offsetAt, positionAt, spanToRange } from '../../editor/lsp/positions.js';

const span = (
  line: number,
  column: number,
  offset: number,
  endLine: number,
  endColumn: number,
  endOffset: number,
): Span => ({
  file: 'a.gtv',
  start: { line, column, offset },
  end: { line: endLine, column: endColumn, offset: endOffset },
});

describe('lsp positions', () => {
  it('turns 1-based span lines and columns into 0-based LSP positions', () => {
    expect(spanToRange(span(1, 1, 0, 1, 5, 4))).to.deep.equal({
      start: { line: 0, character: 0 },
      end: { line: 0, character: 4 },
    });
    expect(spanToRange(span(3, 7, 40, 4, 2, 60))).to.deep.equal({
      start: { line: 2, character: 6 },
      end: { line: 3, character: 1 },
    });
  });

  it('maps positions to offsets, clamping past the end of a line (before a CRLF too)', () => {
    const text = 'ab\r\ncde\nf';
    expect(offsetAt(text, { line: 0, character: 1 })).to.equal(1);
    expect(offsetAt(text, { line: 0, character: 9 })).to.equal(2);
    expect(offsetAt(text, { line: 1, character: 2 })).to.equal(6);
    expect(offsetAt(text, { line: 2, character: 1 })).to.equal(9);
    expect(offsetAt(text, { line: 7, character: 0 })).to.equal(text.length);
  });

  it('counts characters in UTF-16 code units, as LSP does', () => {
    const text = 'let a = 1 # \u{1F600} x\nlet b = 2';
    expect(positionAt(text, text.indexOf('x'))).to.deep.equal({ line: 0, character: 15 });
    expect(offsetAt(text, { line: 0, character: 15 })).to.equal(text.indexOf('x'));
  });

  it('positionAt and offsetAt are inverse on every offset of any text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', ' ', '\u00e9', '\u{1F600}') }),
        fc.nat(),
        (text, n) => {
          const offset = text.length === 0 ? 0 : n % (text.length + 1);
          expect(offsetAt(text, positionAt(text, offset))).to.equal(offset);
        },
      ),
    );
  });

  it('agrees with the parser: the range of a name is where its text is', () => {
    const text = 'study s {\n  sweep eps = [1e-3]\n  t_min = eps\n}\n';
    const { ast } = parseSource(text, 'a.gtv');
    const offset = text.lastIndexOf('eps');
    const chain = nodesAt(ast, offset + 1);
    const node = chain[chain.length - 1];
    expect(node.kind).to.equal('name');
    expect(spanToRange(node.span)).to.deep.equal({
      start: { line: 2, character: 10 },
      end: { line: 2, character: 13 },
    });
    expect(
      text.slice(offsetAt(text, spanToRange(node.span).start), offsetAt(text, spanToRange(node.span).end)),
    ).to.equal('eps');
  });

  it('finds the innermost node: callee, named argument, argument value', () => {
    const text = 'features phi = gauss(x, n = 16)';
    const { ast } = parseSource(text, 'a.gtv');
    const kindsAt = (needle: string) => nodesAt(ast, text.indexOf(needle)).map((n) => n.kind);
    expect(kindsAt('gauss')).to.deep.equal(['decl', 'call', 'ident']);
    expect(kindsAt('n =')).to.deep.equal(['decl', 'call', 'arg', 'ident']);
    expect(kindsAt('16')).to.deep.equal(['decl', 'call', 'arg', 'number']);
    expect(nodesAt(ast, text.length + 5)).to.deep.equal([]);
  });
});
