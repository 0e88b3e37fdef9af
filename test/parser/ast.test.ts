import { expect } from 'chai';
import type { Decl, PlotStmt, StudyBlock } from '../../compiler/ast.js';
import { parseSource } from '../../compiler/parse.js';
import { exprOf, name, num, parseOk, strip } from './helpers.js';

describe('parser: AST shapes', () => {
  it('parses imports, top-level lets and declarations, and a study with every statement kind', () => {
    const ast = parseOk(`import "lib/datasets.gtv"
let width = 0.1
data three = points([-1], [0], [1])
study gap {
  seed = 2025
  let w = 2
  sweep eps = [1e-4, 1e-3]
  forward vp = vp(beta_min = 0.1)
  plot p = density(a, b) by (eps, P) to "out.svg"
}`);
    expect(ast.items.map((i) => i.kind)).to.deep.equal(['import', 'let', 'decl', 'study']);
    const study = ast.items[3] as StudyBlock;
    expect(study.name.name).to.equal('gap');
    expect(study.body.map((s) => s.kind)).to.deep.equal(['setting', 'let', 'sweep', 'decl', 'plot']);
    expect(strip(ast.items[0])).to.deep.equal({
      kind: 'import',
      path: { kind: 'string', value: 'lib/datasets.gtv', raw: '"lib/datasets.gtv"' },
    });
    const plot = strip(study.body[4]) as PlotStmt;
    expect(plot.name?.name).to.equal('p');
    expect(plot.by.map((b) => b.name)).to.deep.equal(['eps', 'P']);
    expect(plot.to?.value).to.equal('out.svg');
  });

  it('gives every declaration kind its declKind', () => {
    const kinds = ['data', 'forward', 'features', 'model', 'sample', 'map', 'metric'];
    const ast = parseOk(kinds.map((k, i) => `${k} n${i} = f()`).join('\n'));
    expect(ast.items.map((d) => (d as Decl).declKind)).to.deep.equal(kinds);
  });

  it('parses a plot without name, axes or target', () => {
    const study = parseOk('study s { plot table(m1, m2) }').items[0] as StudyBlock;
    expect(strip(study.body[0])).to.deep.equal({
      kind: 'plot',
      value: {
        kind: 'call',
        callee: { kind: 'ident', name: 'table' },
        args: [
          { kind: 'arg', value: name('m1') },
          { kind: 'arg', value: name('m2') },
        ],
      },
      by: [],
    });
  });

  it('reads numbers with exponents and unit suffixes', () => {
    expect(exprOf('12')).to.deep.equal(num(12));
    expect(exprOf('.5')).to.deep.equal(num(0.5, '.5'));
    expect(exprOf('1e-4')).to.deep.equal(num(1e-4, '1e-4'));
    expect(exprOf('2.5E+3')).to.deep.equal(num(2500, '2.5E+3'));
    expect(exprOf('22.5deg')).to.deep.equal({ kind: 'number', value: 22.5, raw: '22.5deg', unit: 'deg' });
    expect(exprOf('1e3rad')).to.deep.equal({ kind: 'number', value: 1000, raw: '1e3rad', unit: 'rad' });
    // a bare `e` with no digits starts a unit; unknown units are the checker's business
    expect(exprOf('2em')).to.deep.equal({ kind: 'number', value: 2, raw: '2em', unit: 'em' });
  });

  it('decodes string escapes and keeps the raw text', () => {
    expect(exprOf('"a\\"b\\\\c"')).to.deep.equal({ kind: 'string', value: 'a"b\\c', raw: '"a\\"b\\\\c"' });
  });

  it('parses booleans, names, calls with positional, named, keyword-named and trailing arguments', () => {
    expect(exprOf('true')).to.deep.equal({ kind: 'bool', value: true });
    expect(exprOf('false')).to.deep.equal({ kind: 'bool', value: false });
    expect(exprOf('f()')).to.deep.equal({ kind: 'call', callee: { kind: 'ident', name: 'f' }, args: [] });
    expect(exprOf('linear(phi, data = d, n = 2,)')).to.deep.equal({
      kind: 'call',
      callee: { kind: 'ident', name: 'linear' },
      args: [
        { kind: 'arg', value: name('phi') },
        { kind: 'arg', name: { kind: 'ident', name: 'data' }, value: name('d') },
        { kind: 'arg', name: { kind: 'ident', name: 'n' }, value: num(2) },
      ],
    });
  });

  it('parses lists (empty, nested, trailing comma) and parentheses', () => {
    expect(exprOf('[]')).to.deep.equal({ kind: 'list', items: [] });
    expect(exprOf('[[1], [2,],]')).to.deep.equal({
      kind: 'list',
      items: [
        { kind: 'list', items: [num(1)] },
        { kind: 'list', items: [num(2)] },
      ],
    });
    expect(exprOf('(x)')).to.deep.equal({ kind: 'paren', inner: name('x') });
  });

  it('applies precedence: `..` < `+ -` < `* /` < unary < `^`, with `^` right-associative', () => {
    const bin = (op: string, left: unknown, right: unknown) => ({ kind: 'binary', op, left, right });
    const neg = (operand: unknown) => ({ kind: 'unary', op: '-', operand });
    expect(exprOf('a - b - c')).to.deep.equal(bin('-', bin('-', name('a'), name('b')), name('c')));
    expect(exprOf('a + b * c / d')).to.deep.equal(
      bin('+', name('a'), bin('/', bin('*', name('b'), name('c')), name('d'))),
    );
    expect(exprOf('a ^ b ^ c')).to.deep.equal(bin('^', name('a'), bin('^', name('b'), name('c'))));
    // unary := '-' unary | power, power := atom ('^' unary)?: -a^b is -(a^b), a^-b^c is a^(-(b^c))
    expect(exprOf('-a ^ b')).to.deep.equal(neg(bin('^', name('a'), name('b'))));
    expect(exprOf('a ^ -b ^ c')).to.deep.equal(bin('^', name('a'), neg(bin('^', name('b'), name('c')))));
    expect(exprOf('- + a')).to.deep.equal(neg({ kind: 'unary', op: '+', operand: name('a') }));
    expect(exprOf('-1.5 .. 1 + eps')).to.deep.equal({
      kind: 'range',
      from: neg(num(1.5)),
      to: bin('+', num(1), name('eps')),
    });
  });

  it('keeps comments in source order with full text and spans', () => {
    const ast = parseOk('# head\nlet a = 1 # tail\n\n# last');
    expect(ast.comments.map((c) => c.text)).to.deep.equal(['# head', '# tail', '# last']);
    expect(ast.comments[1].span.start).to.deep.equal({ offset: 17, line: 2, column: 11 });
    expect(ast.comments[1].span.end).to.deep.equal({ offset: 23, line: 2, column: 17 });
  });

  it('gives spans with 0-based offsets, 1-based lines/columns and exclusive ends', () => {
    const text = 'study s {\r\n  forward vp = vp(T = 1)\n}';
    const ast = parseOk(text);
    const study = ast.items[0] as StudyBlock;
    const decl = study.body[0] as Decl;
    expect(decl.span.start).to.deep.equal({ offset: 13, line: 2, column: 3 });
    expect(decl.span.end).to.deep.equal({ offset: 35, line: 2, column: 25 });
    expect(text.slice(decl.span.start.offset, decl.span.end.offset)).to.equal('forward vp = vp(T = 1)');
    expect(text.slice(decl.keyword.start.offset, decl.keyword.end.offset)).to.equal('forward');
    expect(text.slice(decl.name.span.start.offset, decl.name.span.end.offset)).to.equal('vp');
    expect(study.span.start.offset).to.equal(0);
    expect(study.span.end).to.deep.equal({ offset: text.length, line: 3, column: 2 });
    expect(ast.span.file).to.equal('test.gtv');
    expect(ast.path).to.equal('test.gtv');
  });

  it('spans of nested expressions cover exactly their text', () => {
    const text = 'let v = -a ^ (b + 2) * f(x = [1, 2]) .. 3';
    const ast = parseOk(text);
    const slice = (s: { start: { offset: number }; end: { offset: number } }) =>
      text.slice(s.start.offset, s.end.offset);
    const value = (ast.items[0] as { value: any }).value;
    expect(slice(value.span)).to.equal('-a ^ (b + 2) * f(x = [1, 2]) .. 3');
    expect(slice(value.from.span)).to.equal('-a ^ (b + 2) * f(x = [1, 2])');
    expect(slice(value.from.left.span)).to.equal('-a ^ (b + 2)');
    expect(slice(value.from.left.operand.right.span)).to.equal('(b + 2)');
    expect(slice(value.from.right.args[0].span)).to.equal('x = [1, 2]');
    expect(slice(value.from.right.args[0].value.span)).to.equal('[1, 2]');
  });

  it('counts columns in UTF-16 code units (as editors do)', () => {
    const { ast } = parseSource('# 😀 emoji\nlet a = "😀" # x', 'u.gtv');
    expect(ast.comments[0].span.end.column).to.equal(11); // the emoji is two code units
    expect(ast.comments[1].span.start).to.deep.equal({ offset: 24, line: 2, column: 14 });
  });
});
