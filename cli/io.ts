// Where the CLI writes and what it knows about its surroundings. Commands take this instead of
// touching `process`, so tests can run `main()` in-process and capture everything.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdoutIsTTY: !!process.stdout.isTTY,
    stderrIsTTY: !!process.stderr.isTTY,
    env: process.env,
  };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo, stream: 'stdout' | 'stderr'): boolean {
  if (io.env.NO_COLOR) return false;
  return stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY;
}
