// An in-memory CompilerHost and small helpers shared by the compiler tests.
import { compileSource, type CompileOutput, type CompilerHost } from '../../compiler/driver.js';
import { isReadFailure, type ReadFailure } from '../../compiler/host.js';

/** Files by path; a ReadFailure stands for a file the host refuses to read (e.g. too large). */
export type MemoryFiles = Record<string, string | Uint8Array | ReadFailure>;

export function memoryHost(files: MemoryFiles): CompilerHost {
  return {
    readFile: (p) =>
      typeof files[p] === 'string' || isReadFailure(files[p]) ? (files[p] as string | ReadFailure) : undefined,
    readBinary: (p) =>
      files[p] instanceof Uint8Array || isReadFailure(files[p]) ? (files[p] as Uint8Array | ReadFailure) : undefined,
  };
}

export function compile(text: string, files: MemoryFiles = {}): CompileOutput {
  return compileSource(text, 'study.gtv', memoryHost(files));
}

export const codesOf = (out: CompileOutput) => out.diagnostics.map((d) => d.code);

/** A small valid 1D study; `extra` lines go into the study body. */
export function study1d(extra = '', head = ''): string {
  return `${head}
study s {
  data train = points([-1], [0], [1])
  forward vp = vp()
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 4, over = 0.01 .. 1)
  model lin = linear(phi, samples = 64)
  sample trained = ensemble(lin, members = 2, draws = 100)
${extra}
}
`;
}
