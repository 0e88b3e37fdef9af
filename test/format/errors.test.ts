// What the formatter does when it cannot or must not format: syntax errors come back as Prettier
// errors with a code frame, and a printer bug that would change the study is an internal error.
import { expect } from 'chai';
import * as prettier from 'prettier';
import type { Plugin, Printer } from 'prettier';
import plugin, { printer } from '../../editor/prettier/index.js';
import type { GtvNode } from '../../editor/prettier/comments.js';
import { assertSameMeaning, FormatterInternalError } from '../../editor/prettier/same-meaning.js';

const format = (text: string, plugins: Plugin[] = [plugin]) => prettier.format(text, { parser: 'gtv', plugins });

async function rejection(p: Promise<unknown>): Promise<Error & { loc?: { start: { line: number; column: number } } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('formatter errors', () => {
  it('reports a syntax error with its position and a code frame pointing at it', async () => {
    const err = await rejection(format('study s {\n  seed = = 1\n}\n'));
    expect(err.loc?.start).to.deep.equal({ line: 2, column: 10 });
    expect(err.message).to.match(/GTV01\d\d/);
    // Prettier colours the frame on a terminal; compare the plain text.
    const lines = err.message.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    const at = lines.findIndex((l) => /^> 2 \|/.test(l));
    expect(lines[at]).to.contain('seed = = 1');
    // The caret sits under the second `=` (column 10).
    const caretLine = lines[at + 1];
    const bar = caretLine.indexOf('|');
    expect(caretLine.indexOf('^') - bar - 2).to.equal(9);
  });

  it('reports an unclosed study at the end of the file', async () => {
    const err = await rejection(format('study s {\n  seed = 1\n'));
    expect(err.loc?.start.line).to.be.at.least(2);
    expect(err.message).to.contain('|');
  });

  it('refuses output that would parse to a different study (a printer that drops parentheses)', async () => {
    const dropsParens: Printer<GtvNode> = {
      ...printer,
      print: (path, options, print) =>
        path.node.kind === 'paren' ? print('inner') : printer.print(path, options, print),
    };
    const broken: Plugin = { ...plugin, printers: { gtv: dropsParens } };
    const err = await rejection(format('let a = (1 + 2) * 3\n', [broken]));
    expect(err).to.be.instanceOf(FormatterInternalError);
    expect(err.message).to.contain('internal formatter error');
    // Unchanged input formats fine with the real printer.
    expect(await format('let a = (1 + 2) * 3\n')).to.equal('let a = (1 + 2) * 3\n');
  });

  it('names the first difference between the trees', () => {
    expect(() => assertSameMeaning('let a = 1 - (2 - 3)\n', 'let a = 1 - 2 - 3\n', 'f.gtv')).to.throw(
      FormatterInternalError,
      /items\[0\]\.value/,
    );
    expect(() => assertSameMeaning('let a = 1.50\n', 'let a = 1.5\n', 'f.gtv')).to.throw(/raw/);
  });

  it('treats a lost or merged comment as an internal error, but not moved whitespace', () => {
    expect(() => assertSameMeaning('let a = 1 # one\n# two\n', 'let a = 1 # one # two\n', 'f.gtv')).to.throw(
      FormatterInternalError,
      /comment/,
    );
    expect(() => assertSameMeaning('let a = 1 # one\n', 'let a = 1\n', 'f.gtv')).to.throw(/comment/);
    expect(() => assertSameMeaning('let   a=1   # one   \n\n\n', 'let a = 1 # one\n', 'f.gtv')).not.to.throw();
  });

  it('refuses output that does not parse', () => {
    expect(() => assertSameMeaning('let a = 1\n', 'let a = = 1\n', 'f.gtv')).to.throw(
      FormatterInternalError,
      /does not parse/,
    );
  });
});
