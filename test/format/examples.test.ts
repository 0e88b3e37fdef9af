// Every example study, formatted: formatting is idempotent and never changes the IR (design.md
// section 7: the serialized IR of every study is byte-identical before and after), and the
// examples are kept in the formatter's canonical form (`gtv fmt --check`).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileSource } from '../../compiler/driver.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import { formatGtv } from '../../editor/prettier/format.js';
import { runCli } from '../cli/capture.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

function gtvFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? gtvFiles(join(dir, e.name)) : e.name.endsWith('.gtv') ? [join(dir, e.name)] : [],
  );
}

describe('formatting the examples', () => {
  const files = gtvFiles(EXAMPLES);

  it('finds the examples', () => expect(files.length).to.be.greaterThan(3));

  it('every example is in canonical form: `gtv fmt --check` lists none', async () => {
    const r = await runCli(['fmt', '--check', ...files]);
    expect(r.stdout, 'not formatted (run `gtv fmt` on them)').to.equal('');
    expect(r.code, r.stderr).to.equal(0);
  });

  for (const file of files) {
    const name = relative(ROOT, file);
    it(`${name}: idempotent, same diagnostics, byte-identical IR`, async () => {
      const text = readFileSync(file, 'utf8');
      const formatted = await formatGtv(text, file);
      expect(await formatGtv(formatted, file)).to.equal(formatted);

      const before = compileSource(text, file);
      const after = compileSource(formatted, file);
      expect(after.diagnostics.map((d) => d.code)).to.deep.equal(before.diagnostics.map((d) => d.code));
      const studyBlocks = [...text.matchAll(/^\s*study\s/gm)].length;
      expect(before.studies, 'the example compiles').to.have.length(studyBlocks);
      expect(after.studies.map(serializeIr)).to.deep.equal(before.studies.map(serializeIr));
    });
  }
});
