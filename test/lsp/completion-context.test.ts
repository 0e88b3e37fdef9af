// What the cursor may complete, read from the tokens before it (completion works on text that
// is mid-edit and does not parse). `|` marks the cursor in each case.
import { expect } from 'chai';
import { completionContext, wordAt } from '../../editor/lsp/completion-context.js';

function at(marked: string) {
  const offset = marked.indexOf('|');
  return completionContext(marked.slice(0, offset) + marked.slice(offset + 1), offset);
}

describe('lsp completion context', () => {
  it('offers statements at the top level and inside a study', () => {
    expect(at('|')).to.deep.equal({ kind: 'statement', inStudy: false });
    expect(at('import "a.gtv"\nst|')).to.deep.equal({ kind: 'statement', inStudy: false });
    expect(at('study s {\n  seed = 1\n  mo|')).to.deep.equal({ kind: 'statement', inStudy: true });
    expect(at('study s {\n  model m = linear(phi)\n  |\n}')).to.deep.equal({ kind: 'statement', inStudy: true });
    expect(at('study s {\n}\n|')).to.deep.equal({ kind: 'statement', inStudy: false });
  });

  it('knows the declaration kind of the expression being typed', () => {
    expect(at('study s {\n  features phi = ga|')).to.include({ kind: 'expression', context: 'features' });
    expect(at('study s {\n  sample a = |')).to.include({ kind: 'expression', context: 'sample' });
    expect(at('study s {\n  sweep P = |')).to.include({ kind: 'expression', context: 'sweep' });
    expect(at('study s {\n  plot den|')).to.include({ kind: 'expression', context: 'plot' });
    expect(at('study s {\n  t_min = |')).to.include({ kind: 'expression', context: 'setting' });
    expect(at('study s {\n  plot p = |')).to.include({ kind: 'expression', context: 'plot' });
  });

  it('finds the enclosing call, the names already given, and whether an argument starts here', () => {
    const ctx = at('study s {\n  model m = linear(phi, samples = 64, |');
    expect(ctx).to.deep.include({
      kind: 'expression',
      context: 'model',
      call: { callee: 'linear', usedNames: ['samples'], atArgumentStart: true, argName: undefined, positional: 1 },
    });
    const keywordNamed = at('model m = linear(phi, data = train, forward = vp, |');
    expect(keywordNamed.kind === 'expression' && keywordNamed.call?.usedNames).to.deep.equal(['data', 'forward']);
    const nested = at('features f = gauss(x, over = [a, b|');
    expect(nested).to.deep.include({ context: 'features' });
    expect(nested.kind === 'expression' && nested.call).to.equal(undefined);
    const value = at('sample s = pf_ode(true, solver = |');
    expect(value.kind === 'expression' && value.call).to.deep.equal({
      callee: 'pf_ode',
      usedNames: ['solver'],
      atArgumentStart: false,
      argName: 'solver',
      positional: 1,
    });
    const afterList = at('features f = gauss(x, over = [a, b], n = 1|');
    expect(afterList.kind === 'expression' && afterList.call).to.deep.include({ argName: 'n', positional: 1 });
    const secondPositional = at('data d = line([0, 0], [1, |');
    expect(secondPositional.kind === 'expression' && secondPositional.call).to.equal(undefined);
    const third = at('data d = line([0, 0], [1, 1], |');
    expect(third.kind === 'expression' && third.call).to.deep.include({
      callee: 'line',
      positional: 2,
      argName: undefined,
    });
    const closed = at('sample s = pf_ode(true, solver = "heun") * |');
    expect(closed.kind === 'expression' && closed.call).to.equal(undefined);
  });

  it("offers sweep axes inside a plot's `by (...)`", () => {
    expect(at('study s {\n  plot density(a) by (eps, |')).to.deep.equal({ kind: 'axes' });
    expect(at('study s {\n  plot density(|')).to.deep.include({ context: 'plot' });
  });

  it('offers nothing in comments, open strings, or where a new name is being written', () => {
    expect(at('# a comment mo|')).to.deep.equal({ kind: 'none' });
    expect(at('data d = csv("da|')).to.deep.equal({ kind: 'none' });
    expect(at('study s {\n  model |')).to.deep.equal({ kind: 'none' });
    expect(at('let |')).to.deep.equal({ kind: 'none' });
    expect(at('study s {\n  # seed = 1\n  |')).to.deep.equal({ kind: 'statement', inStudy: true });
  });

  it('replaces the whole word around the cursor', () => {
    expect(wordAt('model lin = linear(phi)', 14)).to.deep.equal({ start: 12, end: 18 });
    expect(wordAt('a + b', 2)).to.deep.equal({ start: 2, end: 2 });
  });
});
