// The TensorFlow.js the runtime uses: tfjs-core (ops, tensors, engine) with the pure-JS cpu
// backend registered, so tensors work before any backend is selected. The full @tensorflow/tfjs
// bundle would add layers, converter, data and webgl, none of which gtv uses (README "Install").
// The wasm backend and the optional tfjs-node are loaded on demand by backend.ts.
//
// Both packages are CommonJS bundles, loaded with require: an ESM import of them first scans
// their 1.7 MB of source for export names (about 0.2 s in every thread that loads tfjs, on the
// path to a run's first cell); require skips the scan and loads the same files. The names gtv
// uses are listed here, so this file is also the inventory of the tfjs API the runtime depends on.
import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
require('@tensorflow/tfjs-backend-cpu');
const core = require('@tensorflow/tfjs-core') as typeof Core;

export type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs-core';
export const {
  add,
  all,
  cast,
  ceil,
  clipByValue,
  clone,
  dispose,
  div,
  engine,
  env,
  fill,
  gather,
  getBackend,
  getKernelsForBackend,
  isFinite,
  keep,
  matMul,
  memory,
  mul,
  oneHot,
  ones,
  randomNormal,
  ready,
  registerBackend,
  registerKernel,
  relu,
  reshape,
  setBackend,
  sigmoid,
  square,
  step,
  sub,
  sum,
  tanh,
  tensor1d,
  tensor2d,
  tidy,
  train,
  transpose,
  variable,
  zeros,
} = core;
