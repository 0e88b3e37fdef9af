// The VS Code TextMate grammar, run through the same tokenizer VS Code uses (vscode-textmate with
// the oniguruma regex engine), on lines that cover every construct of the surface syntax.
import { expect } from 'chai';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Vsctm from 'vscode-textmate';

const require = createRequire(import.meta.url);
// CommonJS packages whose exports ESM's static analysis cannot see: load them through require.
const oniguruma = require('vscode-oniguruma') as typeof import('vscode-oniguruma');
const vsctm = require('vscode-textmate') as typeof Vsctm;
const GRAMMAR = new URL('../../editor/vscode/syntaxes/gtv.tmLanguage.json', import.meta.url);

let grammar: Vsctm.IGrammar;

/** [text, innermost scope] for each token of one line. */
function tokens(line: string): [string, string][] {
  const { tokens: toks } = grammar.tokenizeLine(line, vsctm.INITIAL);
  return toks.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
}

function scopeOf(line: string, text: string): string | undefined {
  return tokens(line).find(([t]) => t === text)?.[1];
}

describe('TextMate grammar (editor/vscode/syntaxes/gtv.tmLanguage.json)', () => {
  before(async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), 'gtv.tmLanguage.json'),
    });
    const loaded = await registry.loadGrammar('source.gtv');
    if (!loaded) throw new Error('grammar did not load');
    grammar = loaded;
  });

  it('is the grammar the extension manifest contributes, next to a valid language configuration', () => {
    const ext = (rel: string) => new URL(`../../editor/vscode/${rel}`, import.meta.url);
    const pkg = JSON.parse(fs.readFileSync(ext('package.json'), 'utf8'));
    const [language] = pkg.contributes.languages;
    const [contributed] = pkg.contributes.grammars;
    expect(language.extensions).to.deep.equal(['.gtv']);
    expect(contributed.language).to.equal(language.id);
    expect(fs.realpathSync(ext(contributed.path))).to.equal(fs.realpathSync(GRAMMAR));
    expect(JSON.parse(fs.readFileSync(GRAMMAR, 'utf8')).scopeName).to.equal(contributed.scopeName);
    expect(fs.existsSync(ext(pkg.main))).to.equal(true);
    const config = JSON.parse(fs.readFileSync(ext(language.configuration), 'utf8'));
    expect(config.comments.lineComment).to.equal('#');
    expect(config.brackets).to.deep.include.members([
      ['{', '}'],
      ['(', ')'],
      ['[', ']'],
    ]);
  });

  it('scopes a whole comment line, and a trailing comment after code', () => {
    expect(scopeOf('# gap filling in 1D', ' gap filling in 1D')).to.equal('comment.line.number-sign.gtv');
    expect(scopeOf('seed = 2025 # fixed', ' fixed')).to.equal('comment.line.number-sign.gtv');
  });

  it('marks declaration keywords and the defined name', () => {
    const line = '  model lin = linear(phi, samples = P, ridge = 0.1)';
    expect(scopeOf(line, 'model')).to.equal('storage.type.gtv');
    expect(scopeOf(line, 'lin')).to.equal('variable.other.definition.gtv');
    expect(scopeOf(line, 'linear')).to.equal('support.function.gtv');
    expect(scopeOf(line, 'samples')).to.equal('variable.parameter.gtv');
    expect(scopeOf(line, '0.1')).to.equal('constant.numeric.gtv');
    expect(scopeOf('study gap_filling {', 'gap_filling')).to.equal('entity.name.namespace.gtv');
    expect(scopeOf('sweep eps = [1e-4, 1e-3]', 'sweep')).to.equal('storage.type.gtv');
  });

  it('keeps ranges apart from numbers and scopes unit suffixes', () => {
    const range = tokens('over = -1.5 .. 1.5');
    expect(range).to.deep.include(['1.5', 'constant.numeric.gtv']);
    expect(range).to.deep.include(['..', 'keyword.operator.gtv']);
    expect(tokens('sweep n = 1..5')).to.deep.include.members([
      ['1', 'constant.numeric.gtv'],
      ['..', 'keyword.operator.gtv'],
      ['5', 'constant.numeric.gtv'],
    ]);
    expect(scopeOf('data d = rotate(s, angle = 22.5deg)', 'deg')).to.equal('keyword.other.unit.gtv');
  });

  it('scopes strings (with escapes), imports, settings, plots and constants', () => {
    expect(scopeOf('import "lib/datasets.gtv"', 'import')).to.equal('keyword.control.import.gtv');
    expect(scopeOf('import "lib/datasets.gtv"', 'lib/datasets.gtv')).to.equal('string.quoted.double.gtv');
    expect(scopeOf('data c = csv("a\\"b.csv")', '\\"')).to.equal('constant.character.escape.gtv');
    expect(scopeOf('  t_min = eps', 't_min')).to.equal('variable.language.setting.gtv');
    const plot = '  plot density(exact, trained) by (eps, P) to "gap.svg"';
    expect(scopeOf(plot, 'plot')).to.equal('keyword.other.gtv');
    expect(scopeOf(plot, 'by')).to.equal('keyword.other.gtv');
    expect(scopeOf(plot, 'density')).to.equal('support.function.gtv');
    expect(scopeOf('sample s = pf_ode(true, draws = 1e6)', 'true')).to.equal('constant.language.gtv');
    expect(scopeOf('features f = gauss(x, n = 16)', 'x')).to.equal('variable.language.axis.gtv');
  });

  it('does not let a # inside a string start a comment', () => {
    expect(tokens('plot p = density(s) to "fig#1.svg"').some(([, scope]) => scope.startsWith('comment'))).to.equal(
      false,
    );
  });
});
