// What a run folder records about the machine and invocation that produced it (manifest.json's
// `environment`), for reproducing it: results are byte-identical across thread counts and
// between sliced and local runs, but not necessarily across backends or gtv versions (README,
// "Reproducibility"), so the manifest says which were used.
import { defaultThreads } from '../runtime/light.js';

export interface RunEnvironment {
  /** process.version, e.g. v22.11.0. */
  node: string;
  platform: NodeJS.Platform;
  arch: string;
  /** Ensemble worker threads (GTV_THREADS, else every core). */
  threads: number;
  /** The WebAssembly SIMD loops are on: GTV_SIMD is not 0 and this Node has WebAssembly SIMD. */
  simd: boolean;
  /** `gtv` and its arguments, with paths as given. */
  command: string[];
}

/** A module holding one v128 function: valid only where WebAssembly SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function runEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): RunEnvironment {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    threads: defaultThreads(env),
    simd: env.GTV_SIMD !== '0' && WebAssembly.validate(SIMD_PROBE),
    command: ['gtv', ...argv.slice(2)],
  };
}
