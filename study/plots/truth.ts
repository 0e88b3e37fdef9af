// The true density p(x | t_min) of the training set (a Gaussian mixture, docs/theory.md 3.2), averaged
// over each histogram bin so it compares like for like with sample histograms: the black curve of
// Figure 2. Computed here from the cell's IR with the runtime's float64 closed forms (no tfjs).
import type { IrCell, IrForward, IrSample } from '../../compiler/ir/types.js';
import { makeSchedule, mixtureBinProbabilities } from '../../runtime/light.js';
import { nodeOf } from './inputs.js';

/** Bin-averaged density [bins] of the data of a 1D sample node at its t_min, or null. */
export function trueDensity(cell: IrCell, sample: IrSample): Float64Array | null {
  const data = nodeOf(cell, sample.data);
  const forward = nodeOf(cell, sample.forward);
  if (!data || data.kind !== 'data' || data.dim !== 1 || !forward || forward.kind !== 'forward') return null;
  const set = {
    points: Float64Array.from(data.points.flat()),
    weights: Float64Array.from(data.weights),
    M: data.points.length,
    dim: 1,
  };
  const probs = mixtureBinProbabilities(set, makeSchedule(forward as IrForward), sample.grid.t_min, sample.histogram);
  const [lo, hi] = sample.histogram.range[0];
  const width = (hi - lo) / sample.histogram.bins;
  return Float64Array.from({ length: sample.histogram.bins }, (_, i) => probs[i] / width);
}
