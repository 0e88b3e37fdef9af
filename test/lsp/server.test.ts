// End to end over stdio: a real JSON-RPC client drives `gtv lsp --stdio` through a session the
// way an editor does (initialize, open, change, hover, complete, go to definition, symbols,
// rename, format, shutdown). One server process serves the whole suite to keep it fast.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import gtvPrettier from '../../editor/prettier/index.js';
import { offsetAt } from '../../editor/lsp/positions.js';
import { formatSignature, lookupBuiltin } from '../../stdlib/signatures.js';
import { LspClient } from './client.js';

const LIB = `# Shared definitions.
data three = points([-1], [0], [1])
forward paper_vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
`;

const MAIN = `import "lib/shared.gtv"

study demo {
  seed = 1
  sweep P = [64, 128]
  features phi = gauss(x, n = 16, over = -1.5 .. 1.5) * gauss(t, n = 16, over = 0.001 .. 1)
  model lin = linear(phi, samples = P, ridge = 0.1)
  sample trained = ensemble(lin, members = 4, draws = 1000)
  metric gap = gap_mass(trained, radius = 0.2)
  plot density(trained, points = three) by (P) to "out.svg"
}
`;

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface Hover {
  contents: { kind: string; value: string };
  range?: Range;
}
interface CompletionItem {
  label: string;
  kind?: number;
}
interface DocumentSymbol {
  name: string;
  detail?: string;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

/** The 0-based position of the `nth` occurrence of `needle` in `text`, plus `delta` characters. */
function pos(text: string, needle: string, delta = 0, nth = 0) {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  if (offset < 0) throw new Error(`\`${needle}\` not in text`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

function rangeOf(text: string, needle: string, nth = 0): Range {
  return { start: pos(text, needle, 0, nth), end: pos(text, needle, needle.length, nth) };
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  return sorted.reduce(
    (t, e) => t.slice(0, offsetAt(t, e.range.start)) + e.newText + t.slice(offsetAt(t, e.range.end)),
    text,
  );
}

describe('gtv lsp --stdio (end to end)', function () {
  // The first request waits for the server process to load the whole CLI through tsx.
  this.timeout(60000);
  let dir: string;
  let client: LspClient;
  let mainUri: string;
  let libUri: string;
  let version = 1;

  const td = (uri: string) => ({ textDocument: { uri } });
  const change = async (uri: string, text: string) => {
    const published = client.nextDiagnostics(uri);
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ text }],
    });
    return published;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-lsp-'));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'shared.gtv'), LIB);
    fs.writeFileSync(path.join(dir, 'main.gtv'), MAIN);
    mainUri = pathToFileURL(path.join(dir, 'main.gtv')).href;
    libUri = pathToFileURL(path.join(dir, 'lib', 'shared.gtv')).href;
    client = new LspClient(dir);
  });

  after(async () => {
    if (client.child.exitCode === null) client.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initializes and announces every feature', async () => {
    const result = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
    });
    await client.notify('initialized', {});
    expect(result.capabilities).to.include.keys(
      'textDocumentSync',
      'hoverProvider',
      'completionProvider',
      'signatureHelpProvider',
      'definitionProvider',
      'documentSymbolProvider',
      'renameProvider',
      'documentFormattingProvider',
    );
  });

  it('publishes a diagnostic at the range of the error, and clears it once fixed', async () => {
    const bad = MAIN.replace('linear(phi,', 'linear(phii,');
    const published = await client.open(mainUri, bad, version);
    const errors = published.diagnostics.filter((d) => d.severity === 1);
    expect(errors, JSON.stringify(published.diagnostics)).to.have.length(1);
    expect(errors[0].range).to.deep.equal(rangeOf(bad, 'phii'));
    expect(errors[0].code).to.match(/^GTV\d{4}$/);
    expect(errors[0].message).to.contain('phii');
    const fixed = await change(mainUri, MAIN);
    expect(
      fixed.diagnostics.filter((d) => d.severity === 1),
      JSON.stringify(fixed.diagnostics),
    ).to.deep.equal([]);
  });

  it('checks a burst of edits once, at the last version', async () => {
    const published = client.nextDiagnostics(mainUri);
    for (const text of [MAIN.replace('lin,', 'l,'), MAIN.replace('lin,', 'li,'), MAIN]) {
      await client.notify('textDocument/didChange', {
        textDocument: { uri: mainUri, version: ++version },
        contentChanges: [{ text }],
      });
    }
    expect((await published).version).to.equal(version);
  });

  it('hovers a built-in with its stdlib signature and doc', async () => {
    const hover = await client.request<Hover>('textDocument/hover', {
      ...td(mainUri),
      position: pos(MAIN, 'gauss', 2),
    });
    expect(hover.contents.kind).to.equal('markdown');
    expect(hover.contents.value).to.contain('gauss(').and.contain(lookupBuiltin('features', 'gauss')!.doc);
    expect(hover.range).to.deep.equal(rangeOf(MAIN, 'gauss'));
    const axis = await client.request<Hover>('textDocument/hover', {
      ...td(mainUri),
      position: pos(MAIN, 'gauss(t', 6),
    });
    expect(axis.contents.value).to.contain('diffusion time');
  });

  it('hovers a named argument with the parameter type, range, default and doc', async () => {
    const hover = await client.request<Hover>('textDocument/hover', {
      ...td(mainUri),
      position: pos(MAIN, 'ridge', 1),
    });
    const ridge = lookupBuiltin('model', 'linear')!.params.find((p) => p.name === 'ridge')!;
    expect(hover.contents.value)
      .to.contain(`\`ridge\` (parameter of \`linear\`): ${ridge.type}`)
      .and.contain(ridge.doc);
    expect(hover.range).to.deep.equal(rangeOf(MAIN, 'ridge'));
  });

  it('hovers a name with its declaration, also from an imported file', async () => {
    const hover = await client.request<Hover>('textDocument/hover', {
      ...td(mainUri),
      position: pos(MAIN, 'three', 1),
    });
    expect(hover.contents.value).to.contain('data three = points([-1], [0], [1])').and.contain('lib/shared.gtv');
    const local = await client.request<Hover>('textDocument/hover', { ...td(mainUri), position: pos(MAIN, 'lin,', 0) });
    expect(local.contents.value).to.contain('model lin = linear(phi, samples = P, ridge = 0.1)');
  });

  it('completes built-ins of the declaration kind, parameter names, defined names and keywords', async () => {
    const typing = MAIN.replace('  metric gap', '  model other = li\n  metric gap');
    await change(mainUri, typing);
    const labels = async (position: { line: number; character: number }) =>
      (await client.request<CompletionItem[]>('textDocument/completion', { ...td(mainUri), position })).map(
        (c) => c.label,
      );

    const inModel = await labels(pos(typing, 'other = li', 'other = li'.length));
    expect(inModel).to.include.members(['linear', 'ntk', 'naive', 'phi', 'lin', 'three', 'paper_vp', 'P']);
    expect(inModel).not.to.include('gauss');

    const inCall = await labels(pos(typing, 'samples = P,', 'samples = P, '.length));
    expect(inCall).to.include.members(['ridge', 't_min', 'data', 'forward']);
    expect(inCall).not.to.include('samples');

    const solver = typing.replace('draws = 1000)', 'draws = 1000, solver = )');
    await change(mainUri, solver);
    const choices = await labels(pos(solver, 'solver = ', 'solver = '.length));
    expect(choices).to.include.members(['"euler"', '"heun"']);
    await change(mainUri, typing);

    expect(await labels(pos(typing, 'by (', 'by ('.length))).to.deep.equal(['P']);

    const atStatement = await labels({ line: pos(typing, '  metric gap').line, character: 0 });
    expect(atStatement).to.include.members(['sweep', 'model', 'plot', 'seed', 't_min']);
    expect(atStatement).not.to.include('import');
    await change(mainUri, MAIN);
  });

  it('shows the signature with the parameter being written, named or positional', async () => {
    type Help = {
      signatures: { label: string; parameters: { label: [number, number] }[] }[];
      activeParameter?: number;
    };
    const help = (needle: string, delta: number) =>
      client.request<Help>('textDocument/signatureHelp', { ...td(mainUri), position: pos(MAIN, needle, delta) });
    const activeName = (h: Help) => {
      const [start, end] = h.signatures[0].parameters[h.activeParameter!].label;
      return h.signatures[0].label.slice(start, end);
    };
    const linear = lookupBuiltin('model', 'linear')!;
    const named = await help('ridge = 0.1', 'ridge = 0'.length);
    expect(named.signatures[0].label).to.equal(formatSignature(linear));
    expect(named.signatures[0].parameters.map((p) => named.signatures[0].label.slice(...p.label))).to.deep.equal(
      linear.params.map((p) => p.name),
    );
    expect(activeName(named)).to.equal('ridge');
    expect(activeName(await help('gauss(t, n', 'gauss(t'.length))).to.equal('axis');
    expect(activeName(await help('gauss(t, n', 'gauss(t, n'.length))).to.equal('n');
    expect(await help('study demo', 0)).to.equal(null);
  });

  it('goes to a definition in the same file, in an imported file, and into an import', async () => {
    type Location = { uri: string; range: Range };
    const local = await client.request<Location>('textDocument/definition', {
      ...td(mainUri),
      position: pos(MAIN, 'lin,', 1),
    });
    expect(local).to.deep.equal({ uri: mainUri, range: rangeOf(MAIN, 'lin') });
    const imported = await client.request<Location>('textDocument/definition', {
      ...td(mainUri),
      position: pos(MAIN, 'three', 2),
    });
    expect(imported).to.deep.equal({ uri: libUri, range: rangeOf(LIB, 'three') });
    const file = await client.request<Location>('textDocument/definition', {
      ...td(mainUri),
      position: pos(MAIN, 'shared.gtv', 1),
    });
    expect(file.uri).to.equal(libUri);
    // An unsaved, never-named buffer has no file path; its own definitions keep its URI.
    const untitled = 'untitled:Untitled-1';
    const scratch = 'let width = 0.1\nlet twice = 2 * width\n';
    await client.open(untitled, scratch);
    const inScratch = await client.request<Location>('textDocument/definition', {
      ...td(untitled),
      position: pos(scratch, 'width', 1, 1),
    });
    expect(inScratch).to.deep.equal({ uri: untitled, range: rangeOf(scratch, 'width') });
  });

  it('lists the study with its declarations as document symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', td(mainUri));
    const study = symbols.find((s) => s.name === 'demo')!;
    expect(study.detail).to.equal('study');
    expect(study.selectionRange).to.deep.equal(rangeOf(MAIN, 'demo'));
    expect(study.children!.map((c) => c.name)).to.deep.equal([
      'seed',
      'P',
      'phi',
      'lin',
      'trained',
      'gap',
      'density to out.svg',
    ]);
    expect(study.children!.find((c) => c.name === 'lin')!.detail).to.equal('model');
  });

  it('renames a defined name at its definition and every reference', async () => {
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', {
      ...td(mainUri),
      position: pos(MAIN, 'P =', 0),
      newName: 'n_samples',
    });
    const renamed = applyEdits(MAIN, edit.changes[mainUri]);
    expect(renamed)
      .to.contain('sweep n_samples = [64, 128]')
      .and.contain('samples = n_samples,')
      .and.contain('by (n_samples)');
    expect(renamed.replace(/n_samples/g, 'P')).to.equal(MAIN);
    const prepared = await client.request<Range>('textDocument/prepareRename', {
      ...td(mainUri),
      position: pos(MAIN, 'trained,', 2),
    });
    expect(prepared).to.deep.equal(rangeOf(MAIN, 'trained', 1));
    const refused = await client
      .request('textDocument/rename', { ...td(mainUri), position: pos(MAIN, 'P =', 0), newName: '2fast' })
      .then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    expect(refused).to.contain('not a name');
  });

  it("re-checks a file when a buffer it imports changes, and shows that file's errors on the import line", async () => {
    // Opening the library re-checks main too; wait for that before editing the library.
    const afterOpen = client.nextDiagnostics(mainUri);
    await client.open(libUri, LIB);
    await afterOpen;
    const mainAgain = client.nextDiagnostics(mainUri);
    await change(libUri, LIB.replace('T = 1', 'T = -1'));
    const errors = (await mainAgain).diagnostics.filter((d) => d.severity === 1);
    expect(errors, JSON.stringify(errors)).to.have.length(1);
    expect(errors[0].range).to.deep.equal(rangeOf(MAIN, 'import "lib/shared.gtv"'));
    expect(errors[0].message)
      .to.match(/^in lib\/shared\.gtv:3:\d+: /)
      .and.contain('`T`');
    const fixed = client.nextDiagnostics(mainUri);
    await change(libUri, LIB);
    expect((await fixed).diagnostics.filter((d) => d.severity === 1)).to.deep.equal([]);
  });

  it('formats through the Prettier plugin', async () => {
    const messy = 'import   "lib/shared.gtv"\nstudy demo{\nseed=1 # kept\n  sample s=pf_ode( true,draws=1e3 )\n}\n';
    await change(mainUri, messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      ...td(mainUri),
      options: { tabSize: 2, insertSpaces: true },
    });
    const expected = await prettier.format(messy, {
      parser: 'gtv',
      plugins: [gtvPrettier],
      filepath: path.join(dir, 'main.gtv'),
    });
    expect(applyEdits(messy, edits)).to.equal(expected);
    expect(expected).to.contain('  seed = 1 # kept\n');
    await change(mainUri, expected);
    expect(
      await client.request('textDocument/formatting', { ...td(mainUri), options: { tabSize: 2, insertSpaces: true } }),
    ).to.deep.equal([]);
  });

  it('shuts down and exits with 0', async () => {
    expect(await client.shutdown(), client.stderr).to.equal(0);
  });
});
