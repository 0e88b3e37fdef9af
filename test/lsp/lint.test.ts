// End to end over stdio: the language server publishes the linter's findings as `gtv check` does
// (rule findings, checker warnings graded by the project's gtv.json, disable comments honoured).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, type PublishedDiagnostics } from './client.js';

// Two training points 0.02 apart under a grid of step 0.2: coarse-grid (GTV0802) on the grid
// argument; the sweep `k` is used by nothing: unused-sweep (GTV0702).
const STUDY = `study s {
  sweep k = [1, 2]
  data d = points([0], [0.02])
  forward vp = vp()
  map w = posterior_weights(d, vp, grid = interval(-1, 1, 11), t = [0.01])
  sample a = pf_ode(true, draws = 1e5, bins = 400, range = -1 .. 1)
  plot heatmap(w) to "w.svg"
}
`;

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

function lineOf(text: string, needle: string): number {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`\`${needle}\` not in text`);
  return text.slice(0, offset).split('\n').length - 1;
}

function byCode(p: PublishedDiagnostics, code: string) {
  return p.diagnostics.filter((d) => d.code === code) as { range: Range; severity?: number; message: string }[];
}

describe('gtv lsp --stdio: lint diagnostics', function () {
  // The first request waits for the server process to load the whole CLI through tsx.
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  let version = 1;

  const open = (file: string, text: string) => client.open(pathToFileURL(path.join(dir, file)).href, text, version);
  const change = async (file: string, text: string) => {
    const uri = pathToFileURL(path.join(dir, file)).href;
    const published = client.nextDiagnostics(uri);
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ text }],
    });
    return published;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-lsp-lint-'));
    fs.writeFileSync(path.join(dir, 'main.gtv'), STUDY);
    // A configured project in a subfolder: its gtv.json applies to its files only.
    fs.mkdirSync(path.join(dir, 'strict'));
    fs.writeFileSync(
      path.join(dir, 'strict', 'gtv.json'),
      JSON.stringify({ rules: { 'coarse-grid': 'error', 'unused-sweep': 'off' } }),
    );
    fs.writeFileSync(path.join(dir, 'strict', 'main.gtv'), STUDY);
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'gtv.json'), JSON.stringify({ rules: { 'coarse-grid': 'loud' } }));
    client = new LspClient(dir);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
    await client.notify('initialized', {});
  });

  after(async () => {
    if (client.child.exitCode === null) client.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a lint rule finding and an unused sweep with their codes and ranges', async () => {
    const published = await open('main.gtv', STUDY);
    const coarse = byCode(published, 'GTV0802');
    expect(coarse, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(coarse[0].range.start.line).to.equal(lineOf(STUDY, 'map w'));
    expect(coarse[0].severity).to.equal(2);
    const unused = byCode(published, 'GTV0702');
    expect(unused, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(unused[0].range.start.line).to.equal(lineOf(STUDY, 'sweep k'));
  });

  it('drops a finding under a disable comment, and only that one', async () => {
    const text = STUDY.replace(
      '  map w',
      '  # gtv-disable-next-line coarse-grid -- the points are meant to merge\n  map w',
    );
    const published = await change('main.gtv', text);
    expect(byCode(published, 'GTV0802'), JSON.stringify(published.diagnostics)).to.have.length(0);
    expect(byCode(published, 'GTV0702')).to.have.length(1);
    const back = await change('main.gtv', STUDY);
    expect(byCode(back, 'GTV0802')).to.have.length(1);
  });

  it('reports a disable comment naming an unknown rule', async () => {
    const text = STUDY.replace('  map w', '  # gtv-disable-next-line coarse-grids\n  map w');
    const published = await change('main.gtv', text);
    const bad = byCode(published, 'GTV0800');
    expect(bad, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(bad[0].range.start.line).to.equal(lineOf(text, '# gtv-disable'));
  });

  it('grades findings by the nearest gtv.json, as gtv check does', async () => {
    const published = await open(path.join('strict', 'main.gtv'), STUDY);
    const coarse = byCode(published, 'GTV0802');
    expect(coarse, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(coarse[0].severity).to.equal(1);
    expect(byCode(published, 'GTV0702')).to.have.length(0);
  });

  it('shows a problem in the gtv.json on the document, naming the file', async () => {
    const published = await open(path.join('broken', 'main.gtv'), STUDY);
    const bad = byCode(published, 'GTV0800');
    expect(bad, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(bad[0].message).to.contain('gtv.json');
    expect(bad[0].range.start).to.deep.equal({ line: 0, character: 0 });
  });
});
