// Where the CLI writes and what it knows about its surroundings. Commands take this instead of
// touching `process`, so tests can run `main()` in-process and capture everything.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** All of standard input as UTF-8, or undefined when it holds more than `maxBytes` (for `-`). */
  readStdin?(maxBytes: number): Promise<string | undefined>;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdoutIsTTY: !!process.stdout.isTTY,
    stderrIsTTY: !!process.stderr.isTTY,
    env: process.env,
    readStdin: async (maxBytes) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        total += b.length;
        if (total > maxBytes) {
          process.stdin.destroy();
          return undefined;
        }
        chunks.push(b);
      }
      return Buffer.concat(chunks, total).toString('utf8');
    },
  };
}

/**
 * Colour on a terminal unless NO_COLOR is set (https://no-color.org); FORCE_COLOR set to
 * anything but "", "0" or "false" colours even a pipe or file and wins over NO_COLOR, and
 * FORCE_COLOR=0 or false turns colour off even on a terminal. That is how Node itself, chalk and
 * https://force-color.org read it: a CI log or `| less -R` asks for colour explicitly.
 */
export function useColor(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (io.env.NO_COLOR) return false;
  return stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
}
