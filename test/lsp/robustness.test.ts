// Every feature at every cursor position of every example, complete and cut off mid-edit: an
// editor asks at arbitrary places in broken text, so no feature may throw, and every range it
// returns must lie inside the document it names.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Range } from 'vscode-languageserver';
import { analyze, type Analysis } from '../../editor/lsp/analysis.js';
import { complete } from '../../editor/lsp/completion.js';
import { definition } from '../../editor/lsp/definition.js';
import { toLspDiagnostics } from '../../editor/lsp/diagnostics.js';
import { hover } from '../../editor/lsp/hover.js';
import { pathToUri, positionAt } from '../../editor/lsp/positions.js';
import { prepareRename, rename } from '../../editor/lsp/rename.js';
import { signatureHelp } from '../../editor/lsp/signature.js';
import { documentSymbols } from '../../editor/lsp/symbols.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.gtv'));

function expectInside(text: string, range: Range, what: string): void {
  const end = positionAt(text, text.length);
  const before = (a: Range['start'], b: Range['start']) =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  expect(before(range.start, range.end), what).to.equal(true);
  expect(before(range.end, end), what).to.equal(true);
  const lines = text.split('\n');
  expect(range.start.character <= lines[range.start.line].length, what).to.equal(true);
}

/** Runs every feature at every `step`-th offset (completion, the slowest, at every third of those). */
function exercise(analysis: Analysis, step: number): void {
  const { text } = analysis;
  for (const d of toLspDiagnostics(analysis)) expectInside(text, d.range, `diagnostic ${d.message}`);
  for (const s of analysis.ast ? documentSymbols(analysis.ast) : []) expectInside(text, s.range, `symbol ${s.name}`);
  for (let offset = 0; offset <= text.length; offset += step) {
    const at = `offset ${offset} of ${path.basename(analysis.path)}`;
    const h = hover(analysis, offset);
    if (h?.range) expectInside(text, h.range, `hover at ${at}`);
    if (offset % (3 * step) === 0) {
      expect(complete(analysis, offset), at).to.be.an('array');
      const help = signatureHelp(analysis, offset);
      if (help?.activeParameter !== undefined)
        expect(help.activeParameter, at).to.be.below(help.signatures[0].parameters!.length);
    }
    const def = definition(analysis, offset);
    if (def && def.uri === analysis.uri) expectInside(text, def.range, `definition at ${at}`);
    const renameRange = prepareRename(analysis, offset);
    if (renameRange) {
      expectInside(text, renameRange, `prepareRename at ${at}`);
      const result = rename(analysis, offset, 'renamed_name');
      expect(result && 'edits' in result, at).to.equal(true);
    }
  }
}

describe('lsp features on every example, whole and cut off', function () {
  // Each example is a full compile plus thousands of feature calls: about a second apiece.
  this.timeout(30000);
  for (const file of examples) {
    it(file, () => {
      const abs = path.join(EXAMPLES, file);
      const text = fs.readFileSync(abs, 'utf8');
      const whole = analyze(pathToUri(abs), text, () => undefined);
      expect(
        whole.diagnostics.filter((d) => d.severity === 'error'),
        file,
      ).to.deep.equal([]);
      exercise(whole, 1);
    });
  }

  // Mid-edit text: cut in the middle of every third line (each cut is a full compile, ~0.1 s).
  for (const file of ['fig2-gap-filling.gtv', 'duplicates-and-outliers.gtv']) {
    it(`${file}, cut off while typing`, () => {
      const abs = path.join(EXAMPLES, file);
      const text = fs.readFileSync(abs, 'utf8');
      const lines = text.split('\n');
      let lineStart = 0;
      lines.forEach((line, i) => {
        if (i % 3 === 1)
          exercise(
            analyze(pathToUri(abs), text.slice(0, lineStart + Math.ceil(line.length / 2)), () => undefined),
            5,
          );
        lineStart += line.length + 1;
      });
    });
  }
});
