// The TensorFlow.js the runtime uses: tfjs-core (ops, tensors, engine) with the pure-JS cpu
// backend registered, so tensors work before any backend is selected. The full @tensorflow/tfjs
// bundle would add layers, converter, data and webgl, none of which gtv uses (README "Install").
// The wasm backend and the optional tfjs-node are loaded on demand by backend.ts.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
