// An in-memory CompilerHost and small helpers shared by the compiler tests.
import { compileSource, type CompileOutput, type CompilerHost } from '../../compiler/driver.js';

export function memoryHost(files: Record<string, string | Uint8Array>): CompilerHost {
  return {
    readFile: (p) => (typeof files[p] === 'string' ? (files[p] as string) : undefined),
    readBinary: (p) => (files[p] instanceof Uint8Array ? (files[p] as Uint8Array) : undefined),
  };
}

export function compile(text: string, files: Record<string, string | Uint8Array> = {}): CompileOutput {
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
