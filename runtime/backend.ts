// TensorFlow.js backend selection (design.md 4).
//
// tfjs-node is an optional peer dependency (package.json peerDependenciesMeta): it is loaded
// with require through a constant, so neither TypeScript nor a bundler requires it to exist.

import { createRequire } from 'node:module';
import * as tf from './tf.js';

// required, not imported, as tf.ts explains
const require = createRequire(import.meta.url);

// Production mode silences tfjs' console advice (e.g. "install tfjs-node" on first use of the cpu
// backend), which would land in users' terminals and logs; gtv reports the backend it used itself.
tf.env().set('PROD', true);

/** BACKEND_NAMES: the accepted names. */
export const BACKEND_NAMES = ['tensorflow', 'node', 'wasm', 'cpu'] as const;

const NODE_PACKAGE = '@tensorflow/tfjs-node';

async function tryLoad(name: 'tensorflow' | 'wasm' | 'cpu'): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      require(NODE_PACKAGE);
    } else if (name === 'wasm') {
      require('@tensorflow/tfjs-backend-wasm');
    }
    if (tf.getBackend() === name) return name;
    if (!(await tf.setBackend(name))) return null;
    await tf.ready();
    return tf.getBackend() === name ? name : null;
  } catch (e) {
    return null;
  }
}

/**
 * selectBackend(requested?: string): Promise<string>
 * With no request: @tensorflow/tfjs-node ('tensorflow') if it resolves, else
 * @tensorflow/tfjs-backend-wasm ('wasm'), else the pure-JS 'cpu' backend. A request
 * ('tensorflow' | 'node' | 'wasm' | 'cpu') forces that backend and fails with a clear message
 * when it cannot be loaded. Returns the name of the active backend (what the manifest records).
 */
export async function selectBackend(requested?: string): Promise<string> {
  if (requested !== undefined) {
    const want = requested === 'node' ? 'tensorflow' : requested;
    if (want !== 'tensorflow' && want !== 'wasm' && want !== 'cpu')
      throw new Error(`unknown backend '${requested}' (expected one of ${BACKEND_NAMES.join(', ')})`);
    const got = await tryLoad(want);
    if (!got)
      throw new Error(
        want === 'tensorflow'
          ? `backend 'tensorflow' needs the optional package ${NODE_PACKAGE}, which is not installed`
          : `backend '${want}' could not be initialized`,
      );
    return got;
  }
  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    const got = await tryLoad(name);
    if (got) return got;
  }
  throw new Error('no TensorFlow.js backend could be initialized');
}
