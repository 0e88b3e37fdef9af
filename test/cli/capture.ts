// Runs the CLI in-process with captured output.
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `stdin`: what standard input holds (for `-`); absent, reading it is refused. */
export function captureIo(
  env: Record<string, string | undefined> = {},
  tty = false,
  stdin?: string,
): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    env,
    ...(stdin !== undefined
      ? { readStdin: async (max: number) => (Buffer.byteLength(stdin) > max ? undefined : stdin) }
      : {}),
  };
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  tty = false,
  stdin?: string,
): Promise<CliResult> {
  const io = captureIo(env, tty, stdin);
  const code = await main(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
