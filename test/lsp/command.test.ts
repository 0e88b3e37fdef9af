// `gtv lsp` as a CLI command: the transport flag is required, and `--help` documents it.
import { expect } from 'chai';
import type { CliIo } from '../../cli/io.js';
import { main } from '../../cli/main.js';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
  };
  return io;
}

describe('gtv lsp (command line)', () => {
  it('refuses to start without --stdio, as a usage error (exit 2)', async () => {
    const io = capture();
    expect(await main(['lsp'], io)).to.equal(2);
    expect(io.err).to.contain('--stdio');
  });

  it('refuses file arguments', async () => {
    const io = capture();
    expect(await main(['lsp', '--stdio', 'a.gtv'], io)).to.equal(2);
    expect(io.err).to.contain('no file arguments');
  });

  it('documents the transport in --help and in the command list', async () => {
    const help = capture();
    expect(await main(['lsp', '--help'], help)).to.equal(0);
    expect(help.out).to.contain('gtv lsp --stdio').and.contain('--clientProcessId');
    const all = capture();
    await main(['--help'], all);
    expect(all.out).to.match(/lsp --stdio\s+Run the language server/);
  });
});
