// Issue 10's language-server and lint faults, reproduced end to end: `gtv lsp --stdio` fed input
// that is not LSP, and `gtv check` on data sets and allocations the old checker and linter could
// not handle (the 1e6-point timing is in bench/check.ts).
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from '../../compiler/driver.js';
import { checkFile } from '../../compiler/lint/check-file.js';
import { LspClient } from '../lsp/client.js';

/** Resolves to what happens first: the request's answer, the server's exit, or nothing within `ms`. */
async function answerOrExit(
  client: LspClient,
  ms: number,
): Promise<{ answer: unknown } | { exit: number | null } | 'silent'> {
  const exited = new Promise<{ exit: number | null }>((resolve) => {
    if (client.child.exitCode !== null) resolve({ exit: client.child.exitCode });
    client.child.once('exit', (code) => resolve({ exit: code }));
  });
  const answered = client
    .request('textDocument/documentSymbol', { textDocument: { uri: 'file:///nowhere.gtv' } })
    .then((answer) => ({ answer }));
  const timeout = new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), ms).unref());
  return Promise.race([answered, exited, timeout]);
}

describe('faults: language server input that is not LSP', function () {
  // Spawning the server through tsx takes a few seconds on a loaded machine.
  this.timeout(60000);
  let dir: string;
  let client: LspClient;

  // One server for the tests it survives (each starts from a server that has just answered);
  // the last test starts its own.
  const start = async () => {
    client = new LspClient(dir);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
    await client.notify('initialized', {});
  };
  const stop = () => {
    if (client.child.exitCode === null) client.child.kill();
    client.connection.dispose();
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-lsp-fault-'));
    await start();
  });

  after(() => {
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (bytes: string | Buffer) =>
    new Promise<void>((resolve, reject) => client.child.stdin!.write(bytes, (e) => (e ? reject(e) : resolve())));

  it('answers the next request after a frame without Content-Length, and logs what it dropped', async () => {
    await write('X-Not-Length: 12\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"shutdown"}');
    const outcome = await answerOrExit(client, 15000);
    expect(outcome).to.deep.equal({ answer: [] });
    expect(client.stderr).to.match(/dropping input that is not an LSP message \(a header without Content-Length\)/);
    expect(client.stderr).to.match(/resynchronized after dropping \d+ bytes/);
  });

  it('answers the next request after 2 KB of binary, and logs what it dropped', async () => {
    const binary = Buffer.alloc(2048);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) & 0xff;
    await write(binary);
    const outcome = await answerOrExit(client, 15000);
    expect(outcome).to.deep.equal({ answer: [] });
    expect(client.stderr).to.match(/\(byte 0x[0-9a-f]{2} where a header was expected\)/);
  });

  it('answers after a Content-Length that is not a number, and after a body that is not JSON', async () => {
    await write('Content-Length: lots\r\n\r\n{}');
    expect(await answerOrExit(client, 15000)).to.deep.equal({ answer: [] });
    await write('Content-Length: 5\r\n\r\n{{{{{');
    expect(await answerOrExit(client, 15000)).to.deep.equal({ answer: [] });
    expect(client.stderr).to.match(/is not a byte count/);
    expect(client.stderr).to.match(/ignored a message that could not be read/);
  });

  it('exits with 1 and the reason on stderr when the input is nothing but garbage', async () => {
    stop();
    await start();
    const exited = new Promise<number | null>((resolve) => client.child.once('exit', (code) => resolve(code)));
    const junk = Buffer.alloc(256 * 1024, 0xff);
    for (let i = 0; i < 6; i++) await write(junk).catch(() => undefined);
    const code = await Promise.race([
      exited,
      new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 15000).unref()),
    ]);
    expect(code).to.equal(1);
    expect(client.stderr).to.match(/gtv lsp: exiting: \d+ bytes of input without a valid LSP message/);
  });
});

describe('faults: gtv check on large data and impossible allocations', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-lint-fault-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const NO_CONFIG = { config: { config: { levels: new Map(), file: null }, diagnostics: [] } };

  it('lints a 200,000-row CSV (2D), joined with concat, without a stack overflow, in seconds', () => {
    // Spreads over the points overflowed the stack from about 1.5e5 points (GTV0900), and the
    // pairwise nearest-neighbour scan took minutes.
    let csv = '';
    let s = 12345;
    const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
    for (let i = 0; i < 200_000; i++) csv += `${r().toFixed(6)},${r().toFixed(6)}\n`;
    fs.writeFileSync(path.join(dir, 'big.csv'), csv);
    const file = path.join(dir, 'big.gtv');
    // concat: stdlib's join spread the points into push(...) as well.
    fs.writeFileSync(
      file,
      'study big {\n  data c = csv("big.csv")\n  data extra = points([3, 3])\n  data d = concat(c, extra)\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 1e4, bins = 30)\n  plot density(a) to "a.svg"\n}\n',
    );
    const t0 = performance.now();
    const out = checkFile(file, { totalMemory: 16 * 1024 ** 3, ...NO_CONFIG });
    const ms = performance.now() - t0;
    expect(out.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    // The coarse-grid finding needs the median nearest-neighbour distance of all 2e5 points.
    expect(out.diagnostics.map((d) => d.code)).to.include('GTV0802');
    // About 1.5 s on an idle machine (bench/check.ts); the old code needed minutes.
    expect(ms).to.be.lessThan(20000);
  });

  it('refuses draws = 1e12 and 2D bins = 1e5 at check time, at the argument', () => {
    const src =
      'study s {\n  data d = points([-1, 0], [1, 0])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 1e12, bins = 100)\n  sample b = pf_ode(true, draws = 1e4, bins = 1e5)\n  sample c = pf_ode(true, draws = 1e4, bins = 100)\n  metric m = kl(c, bins = 70000)\n  plot density(a, b, c) to "a.svg"\n}\n';
    const errors = compileSource(src, 'x.gtv').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.start.line, d.span?.start.column])).to.deep.equal([
      ['GTV0410', 4, 35],
      ['GTV0410', 5, 47],
      ['GTV0410', 7, 27],
    ]);
    expect(errors[0].hint).to.equal('keep draws at or below 2147483648');
    expect(errors[1].hint).to.equal('keep bins at or below 65536');
  });

  it('accepts the largest sizes that fit: draws x dim = 2^32, bins = 65536 in 2D', () => {
    const src =
      'study s {\n  data d = points([-1, 0], [1, 0])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = 2147483648, bins = 65536)\n  plot density(a) to "a.svg"\n}\n';
    expect(compileSource(src, 'x.gtv').diagnostics.filter((d) => d.code === 'GTV0410')).to.deep.equal([]);
  });
});
