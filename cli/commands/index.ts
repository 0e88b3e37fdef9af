// Every `gtv` subcommand, in the order `gtv --help` lists them. A new command is a file in
// this folder exporting a Command, plus one line here.
import type { Command } from './command.js';
import { checkCommand } from './check.js';
import { irCommand } from './ir.js';
import { explainCommand } from './explain.js';
import { initCommand } from './init.js';
import { lspCommand } from './lsp.js';
import { fmtCommand } from './fmt.js';
import { runCommand } from './run.js';
import { diffCommand } from './diff.js';
import { collectCommand } from './collect.js';
import { completionCommand } from './completion.js';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  runCommand,
  collectCommand,
  irCommand,
  explainCommand,
  initCommand,
  lspCommand,
  fmtCommand,
  diffCommand,
  completionCommand(() => COMMANDS),
];
