// A real LSP client for the end-to-end tests: spawns `gtv lsp --stdio` (from the TypeScript
// sources, through tsx) and talks JSON-RPC to it over the child's stdin/stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { GTV_BIN } from '../setup/built.js';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: unknown; severity?: number; code?: string; message: string }[];
}

export class LspClient {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  stderr = '';
  private waiters: { uri: string; resolve: (p: PublishedDiagnostics) => void }[] = [];
  private latest = new Map<string, PublishedDiagnostics>();

  constructor(cwd: string) {
    this.child = spawn(process.execPath, [GTV_BIN, 'lsp', '--stdio'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.connection = createMessageConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.latest.set(p.uri, p);
      const ready = this.waiters.filter((w) => w.uri === p.uri);
      this.waiters = this.waiters.filter((w) => w.uri !== p.uri);
      for (const w of ready) w.resolve(p);
    });
    this.connection.listen();
  }

  /** The next diagnostics published for `uri` (register before the change that triggers them). */
  nextDiagnostics(uri: string): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => this.waiters.push({ uri, resolve }));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async open(uri: string, text: string, version = 1): Promise<PublishedDiagnostics> {
    const published = this.nextDiagnostics(uri);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'gtv', version, text } });
    return published;
  }

  /** Ends the session as an editor does and resolves to the server's exit code. */
  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    await this.request('shutdown', null);
    await this.notify('exit', null);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
