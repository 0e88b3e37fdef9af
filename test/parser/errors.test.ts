import { expect } from 'chai';
import { codeInfo } from '../../compiler/codes/index.js';
import { errorsOf } from './helpers.js';

/** `code line:col message` of each diagnostic, for compact assertions. */
const brief = (text: string) =>
  errorsOf(text).map((d) => `${d.code} ${d.span?.start.line}:${d.span?.start.column} ${d.message}`);

describe('parser: syntax errors', () => {
  it('reports every broken statement of a file in one pass and keeps the good ones', () => {
    const text = `study s {
  forward vp(beta_min = 0.1)
  sweep P = [64, 128
  model m = linear(phi, ridge = )
  data d = points([1], [2])
}
let w = 0.1;`;
    expect(brief(text)).to.deep.equal([
      'GTV0102 2:13 expected `=` after the name `vp` in a forward declaration, found `(`',
      'GTV0103 3:21 expected `]` to close the list opened at line 3, found the keyword `model`',
      'GTV0101 4:33 expected a value (a number, string, name, list or parenthesized expression) after `=` in a model declaration, found `)`',
      'GTV0105 7:12 invalid character `;` (U+003B)',
    ]);
  });

  it('still builds the AST around the errors', async () => {
    const { parseSource } = await import('../../compiler/parse.js');
    const { ast } = parseSource('study s {\n  seed = \n  data d = points([1])\n}', 'x.gtv');
    const study = ast.items[0];
    expect(study.kind).to.equal('study');
    if (study.kind !== 'study') return;
    expect(study.body.map((s) => s.kind)).to.deep.equal(['setting', 'decl']);
    if (study.body[0].kind !== 'setting') return;
    expect(study.body[0].value.kind).to.equal('error');
  });

  it('words the common mistakes and gives hints', () => {
    const one = (text: string) => {
      const ds = errorsOf(text);
      expect(ds, text).to.have.length.greaterThan(0);
      return { message: ds[0].message, hint: ds[0].hint, code: ds[0].code };
    };
    expect(one('study s { forward vp(T = 1) }')).to.deep.equal({
      code: 'GTV0102',
      message: 'expected `=` after the name `vp` in a forward declaration, found `(`',
      hint: 'write `forward vp = ...`',
    });
    expect(one('study s {\n  seed 2025\n}')).to.deep.include({
      message: 'expected `=` after the name `seed` in a setting, found the number `2025`',
      hint: 'a setting is written `seed = value`',
    });
    expect(one('let model = 1')).to.deep.include({
      message: 'expected a name after the keyword `let` in a `let` definition, found the keyword `model`',
      hint: '`model` is a keyword and cannot be used as a name; try `model_`',
    });
    expect(one('seed = 1')).to.deep.include({
      code: 'GTV0101',
      hint: 'settings belong inside a `study name { ... }` block; at the top level write `let seed = ...`',
    });
    expect(one('sweep P = [1]').hint).to.equal('`sweep` statements belong inside a `study name { ... }` block');
    expect(one('import datasets').message).to.equal(
      'expected a quoted file path after the keyword `import`, found the name `datasets`',
    );
    expect(one('study s { plot density(a) to out }').hint).to.equal('write `to "figure.svg"`');
    expect(one('study { }').hint).to.equal('a study needs a name: `study my_study { ... }`');
    expect(one('let x = f(a b)')).to.deep.equal({
      code: 'GTV0103',
      message: 'expected `)` to close the arguments of `f`, found the name `b`',
      hint: 'separate arguments with `,`',
    });
    expect(one('let x = [1 2]').hint).to.equal('separate list items with `,`');
    expect(one('let x = 2 ** 3').hint).to.equal('powers are written with `^`, e.g. `2^3`');
    expect(one('// note').hint).to.equal('comments start with `#`');
    expect(one('let a = x y').hint).to.equal('is an operator or `,` missing before it?');
    expect(one('study a {\n  study b { }\n}').hint).to.equal(
      'studies cannot be nested; is the `}` of study `a` missing?',
    );
    expect(one('study s {\n  import "a.gtv"\n}').hint).to.equal('imports go at the top level, before the study');
    expect(one('let a = 1 }').hint).to.equal('this `}` has no matching opening bracket');
    expect(one('study s { plot d(a) by eps }').hint).to.equal('write `by (axis1, axis2)`');
  });

  it('points at the end of the line when something is missing there', () => {
    const ds = errorsOf('let x = 1 +\nlet y = 2');
    expect(ds[0].message).to.equal(
      'expected a value (a number, string, name, list or parenthesized expression) after `+` in an expression, found the keyword `let`',
    );
    expect(ds[0].hint).to.equal('the value is missing');
    expect(ds[0].span?.start).to.deep.equal({ offset: 11, line: 1, column: 12 });
  });

  it('reports unclosed brackets with the opening bracket as related information', () => {
    const ds = errorsOf('study s {\n  data d = points([1], [2]\n}');
    expect(ds).to.have.length(1);
    expect(ds[0].code).to.equal('GTV0103');
    expect(ds[0].message).to.equal('expected `)` to close the arguments of `points`, found `}`');
    expect(ds[0].related?.[0].message).to.equal('`(` opened here');
    expect(ds[0].related?.[0].span.start).to.deep.include({ line: 2, column: 18 });
    const eof = errorsOf('study s {\n  seed = 1\n');
    expect(eof.map((d) => d.message)).to.deep.equal(['expected `}` to close study `s`, found the end of the file']);
    expect(eof[0].related?.[0].span.start).to.deep.include({ line: 1, column: 9 });
  });

  it('reports lexical problems: strings, escapes, numbers, characters', () => {
    expect(brief('let s = "abc\nlet t = 1')).to.deep.equal([
      'GTV0104 1:9 unterminated string: it has no closing `"` on this line',
    ]);
    expect(brief('let s = "a\\qb"')).to.deep.equal(['GTV0108 1:11 unknown escape `\\q` in a string']);
    const nums = errorsOf('let a = 1.\nlet b = 1e-');
    expect(nums.map((d) => [d.code, d.message, d.hint])).to.deep.equal([
      ['GTV0106', 'malformed number `1.`: a decimal point must be followed by digits', 'write `1.0` or `1`'],
      ['GTV0106', 'malformed number `1e-`: the exponent has no digits', 'write e.g. `1e-3`'],
    ]);
    expect(brief('let a = 1 ∑ 2')).to.include('GTV0105 1:11 invalid character `∑` (U+2211)');
    expect(errorsOf('let a = \u22121')[0].hint).to.equal('use the ASCII minus sign `-`');
    expect(errorsOf('let a = 1 @@@ 2')[0].message).to.equal(
      'invalid characters `@` (U+0040), `@` (U+0040), `@` (U+0040)',
    );
    expect(errorsOf('\u0000')[0].message).to.equal('invalid character U+0000');
  });

  it('uses only registered codes, and never leaks raw token lists', () => {
    const text = 'study { seed 1 data = [ 1 2 ( } plot x to 3 ] ) "x\n let 1 = ;;';
    const ds = errorsOf(text);
    expect(ds.length).to.be.greaterThan(3);
    for (const d of ds) {
      expect(codeInfo(d.code), d.code).to.not.equal(undefined);
      expect(d.message).to.not.match(/<|>|\[\w+\]|one of these|Expecting|-->/);
    }
  });

  it('caps the list at 100 syntax errors and says how many more there were', () => {
    const ds = errorsOf('let a = 1 ]\n'.repeat(150));
    expect(ds).to.have.length(101);
    expect(ds[100]).to.deep.include({ code: 'GTV0109', severity: 'info', message: '50 more syntax errors not shown' });
  });

  it('registers a long explanation for every syntax code', () => {
    for (let n = 101; n <= 110; n++) {
      const info = codeInfo(`GTV0${n}`);
      expect(info, `GTV0${n}`).to.not.equal(undefined);
      expect(info!.explain.length).to.be.greaterThan(150);
      expect(info!.explain).to.match(/Fix:/);
    }
  });
});
