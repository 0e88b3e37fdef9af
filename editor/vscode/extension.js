// The VS Code client: starts `gtv lsp --stdio` (the command is configurable) and hands it every
// .gtv file. Plain CommonJS so the extension needs no build step before packaging.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration('gtv');
  const command = config.get('server.path', 'gtv');
  const args = [...config.get('server.args', []), 'lsp'];
  // The client appends `--stdio` itself for the stdio transport.
  // npm installs `gtv` as a .cmd shim on Windows, which only a shell can run.
  return { command, args, transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
}

async function start() {
  client = new LanguageClient('gtv', 'gtv language server', serverOptions(), {
    documentSelector: [{ language: 'gtv' }],
  });
  try {
    await client.start();
  } catch (e) {
    const command = vscode.workspace.getConfiguration('gtv').get('server.path', 'gtv');
    void vscode.window.showErrorMessage(
      `gtv: could not start \`${command} lsp --stdio\` (${e instanceof Error ? e.message : e}). ` +
        'Install gtv or set `gtv.server.path`.',
    );
  }
}

async function restart() {
  await client?.stop();
  await start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('gtv.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('gtv.server')) await restart();
    }),
  );
  await start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
