// `gtv lsp --stdio`: the language server over stdin/stdout (the transport flag editor clients
// pass). The LSP connection owns the process from here on: after `shutdown` + `exit` it exits
// with 0, and when the client goes away without them, with 1, as the protocol asks. Input that
// is not LSP is dropped up to the next message (editor/lsp/framing.ts) and logged to stderr; a
// client that sends nothing but such input makes it exit with 1, so the editor restarts it.
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../exit.js';
import type { Command } from './command.js';

export const lspCommand: Command = {
  name: 'lsp',
  synopsis: '--stdio',
  summary: 'Run the language server (diagnostics, hover, completion, definition, rename, formatting) on stdio.',
  options: [
    '--stdio               talk LSP over stdin/stdout (the only transport)',
    '--clientProcessId=ID  exit when that process is gone (passed by some clients)',
  ],
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { stdio: { type: 'boolean' }, clientProcessId: { type: 'string' } },
      io,
    );
    if (!parsed) return 0;
    if (!parsed.values.stdio)
      throw new UsageError('`gtv lsp` needs `--stdio` (the only transport it speaks)', this.name);
    if (parsed.positionals.length > 0) throw new UsageError('`gtv lsp` takes no file arguments', this.name);
    // stdout carries the protocol: anything logged by accident must go to stderr instead.
    console.log = console.error;
    console.info = console.error;
    // Loaded here so other commands never pay for the server's imports.
    const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } =
      await import('vscode-languageserver/node');
    const { startServer } = await import('../../editor/lsp/server.js');
    const { LspFrameFilter } = await import('../../editor/lsp/framing.js');
    const frames = process.stdin.pipe(new LspFrameFilter((m) => console.error(m)));
    frames.on('error', (e) => {
      console.error(`gtv lsp: exiting: ${e.message}`);
      process.exit(1);
    });
    const reader = new StreamMessageReader(frames);
    // A frame whose body is not JSON-RPC: the framing is intact, so the server goes on.
    reader.onError((e) => console.error(`gtv lsp: ignored a message that could not be read: ${e.message}`));
    const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
    startServer(connection);
    return new Promise<number>(() => {});
  },
};
