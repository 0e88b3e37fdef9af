import { expect } from 'chai';
import * as tf from '../../runtime/tf.js';
import { selectBackend } from '../../runtime/backend.js';

describe('runtime/backend', () => {
  after(async () => {
    await selectBackend('wasm');
  });

  it('forces the requested backend and reports it', async () => {
    expect(await selectBackend('cpu')).to.equal('cpu');
    expect(tf.getBackend()).to.equal('cpu');
    expect(await selectBackend('wasm')).to.equal('wasm');
    expect(tf.getBackend()).to.equal('wasm');
  });

  it('refuses an unknown name and explains a missing tfjs-node', async () => {
    let err: Error | undefined;
    try {
      await selectBackend('gpu');
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.include("unknown backend 'gpu'");
    let missing: Error | undefined;
    try {
      await selectBackend('tensorflow');
    } catch (e) {
      missing = e as Error;
    }
    // tfjs-node cannot be installed on these machines; if it ever is, the force must succeed
    if (missing) expect(missing.message).to.include('@tensorflow/tfjs-node');
    else expect(tf.getBackend()).to.equal('tensorflow');
  });

  it('without a request picks the best available (wasm here, since tfjs-node is absent)', async () => {
    const got = await selectBackend();
    expect(['tensorflow', 'wasm']).to.include(got);
  });
});
