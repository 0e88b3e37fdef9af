import { expect } from 'chai';
import { codeInfo } from '../../compiler/codes/index.js';
import { parseSource } from '../../compiler/parse.js';

/** Parses without throwing and checks every diagnostic is registered and placed inside the text. */
function parseSafely(text: string) {
  const result = parseSource(text, 'edge.gtv');
  for (const d of result.diagnostics) {
    expect(codeInfo(d.code), d.code).to.not.equal(undefined);
    expect(d.span!.start.offset).to.be.within(0, text.length);
    expect(d.span!.end.offset).to.be.within(d.span!.start.offset, text.length);
  }
  expect(result.ast.kind).to.equal('file');
  return result;
}

const codes = (text: string) => parseSafely(text).diagnostics.map((d) => d.code);

describe('parser: edge inputs never throw', () => {
  it('accepts empty and comment-only files', () => {
    expect(codes('')).to.deep.equal([]);
    expect(codes('   \n\t\r\n')).to.deep.equal([]);
    expect(parseSafely('# only a comment').ast.comments).to.have.length(1);
    expect(codes('\ufefflet a = 1')).to.deep.equal([]); // a byte-order mark is whitespace
  });

  it('reports binary garbage as invalid characters', () => {
    const bytes = Array.from({ length: 4000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const ds = parseSafely(bytes).diagnostics;
    expect(ds.length).to.be.greaterThan(0);
    expect(ds.map((d) => d.code)).to.include('GTV0105');
  });

  it('reports unterminated strings and brackets at the end of the file', () => {
    expect(codes('import "lib')).to.deep.equal(['GTV0104']);
    expect(codes('let a = f(1, [2, (3')).to.deep.equal(['GTV0103']);
    expect(codes('study s {')).to.deep.equal(['GTV0103']);
  });

  it('accepts unknown unicode in strings and comments, rejects it elsewhere', () => {
    expect(codes('let s = "π ≈ 3.14 😀" # ∑ 😀')).to.deep.equal([]);
    expect(codes('let π = 3')).to.include('GTV0105');
    expect(codes('let a = 😀')).to.include('GTV0105');
  });

  it('parses a 10,000-line file', () => {
    const text = `study big {\n${Array.from({ length: 10_000 }, (_, i) => `  let v${i} = ${i} * 2 + 1e-3`).join('\n')}\n}`;
    const { ast, diagnostics } = parseSafely(text);
    expect(diagnostics).to.deep.equal([]);
    const study = ast.items[0];
    expect(study.kind === 'study' && study.body.length).to.equal(10_000);
  });

  it('reports expressions nested 10,000 deep instead of overflowing the stack', () => {
    const deep = 10_000;
    for (const text of [
      `let x = ${'('.repeat(deep)}1${')'.repeat(deep)}`,
      `let x = ${'['.repeat(deep)}${']'.repeat(deep)}`,
      `let x = ${'f('.repeat(deep)}1${')'.repeat(deep)}`,
      `let x = ${'('.repeat(deep)}`,
      `let x = ${'-'.repeat(deep)}1`,
      `let x = ${Array(deep).fill('a').join(' ^ ')}`,
      `let x = ${Array(deep).fill('a').join(' + ')}`,
    ]) {
      const ds = parseSafely(text).diagnostics;
      expect(ds[0]?.code, text.slice(0, 20)).to.equal('GTV0107');
      expect(ds[0].message).to.match(/nested too deeply/);
    }
  });

  it('keeps parsing after a too-deep expression', () => {
    const text = `let x = ${'('.repeat(200)}1${')'.repeat(200)}\nlet y = 2`;
    const { ast, diagnostics } = parseSafely(text);
    expect(diagnostics.map((d) => d.code)).to.deep.equal(['GTV0107']);
    expect(ast.items.map((i) => i.kind === 'let' && [i.name.name, i.value.kind])).to.deep.equal([
      ['x', 'error'],
      ['y', 'number'],
    ]);
  });

  it('accepts nesting right up to the limits', () => {
    expect(codes(`let x = ${'f('.repeat(32)}1${')'.repeat(32)}`)).to.deep.equal([]);
    // a syntax error at the innermost level runs Chevrotain's recovery, the deepest stack use
    expect(codes(`let x = ${'f('.repeat(32)}1 1${')'.repeat(32)}`)).to.deep.equal(['GTV0103']);
    expect(codes(`let x = ${Array(400).fill('a').join(' + ')}`)).to.deep.equal([]);
  });
});
