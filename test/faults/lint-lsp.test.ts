// Issue 10's language-server and lint faults, reproduced end to end: `gtv lsp --stdio` fed input
// that is not LSP, and `gtv check` on data sets and allocations the old linter could not handle.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../lsp/client.js';

/** Resolves to what happens first: the request's answer, the server's exit, or nothing within `ms`. */
async function answerOrExit(client: LspClient, ms: number): Promise<{ answer: unknown } | { exit: number | null } | 'silent'> {
  const exited = new Promise<{ exit: number | null }>((resolve) => {
    if (client.child.exitCode !== null) resolve({ exit: client.child.exitCode });
    client.child.once('exit', (code) => resolve({ exit: code }));
  });
  const answered = client.request('textDocument/documentSymbol', { textDocument: { uri: 'file:///nowhere.gtv' } }).then((answer) => ({ answer }));
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

  const write = (bytes: string | Buffer) => new Promise<void>((resolve, reject) => client.child.stdin!.write(bytes, (e) => (e ? reject(e) : resolve())));

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
    const code = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 15000).unref())]);
    expect(code).to.equal(1);
    expect(client.stderr).to.match(/gtv lsp: exiting: \d+ bytes of input without a valid LSP message/);
  });
});
