import { expect } from 'chai';
import { MIN_MC_SAMPLES, MIN_MEMBERS, scaleCount } from '../../study/scale.js';

describe('study/scale: --scale counts and their floors', () => {
  it('multiplies and rounds, never below 1', () => {
    expect(scaleCount(100000, 0.01)).to.equal(1000);
    expect(scaleCount(150, 0.01)).to.equal(2);
    expect(scaleCount(20, 0.01)).to.equal(1);
    expect(scaleCount(100, 2)).to.equal(200);
  });

  it('keeps min(n, floor): a floor never raises a count above what the study asked for', () => {
    expect(scaleCount(100, 0.01, MIN_MEMBERS)).to.equal(MIN_MEMBERS);
    expect(scaleCount(4, 0.01, MIN_MEMBERS)).to.equal(4);
    expect(scaleCount(10000, 0.01, MIN_MC_SAMPLES)).to.equal(MIN_MC_SAMPLES);
    expect(scaleCount(500, 0.01, MIN_MC_SAMPLES)).to.equal(500);
    // Above the floor the factor rules as before.
    expect(scaleCount(100, 0.5, MIN_MEMBERS)).to.equal(50);
  });

  it('leaves 0 (a count the node does not use) alone', () => {
    expect(scaleCount(0, 0.01, MIN_MC_SAMPLES)).to.equal(0);
  });
});
