// Every feature basis in one place: its signature, its IR fields with their computed defaults,
// and whether its `over` must cover the data (lint GTV0803). The table is a mapped type over the
// IR's basis kinds (IrBasisKind in compiler/ir/types.ts), so a basis without an entry here, or an
// entry without a basis there, is a compile error. How a basis is evaluated is the runtime's
// basis table, keyed by the same union. Products (`*`) and concatenations (`+`) of bases are
// lowered by compiler/lower/features.ts.
import type { IrAxisName, IrBasis, IrBasisKind } from '../../compiler/ir/types.js';
import { featureCommon, positive, seedRange } from '../params.js';
import type { BuiltinSpec } from '../types.js';

/** The IR fields of one basis except `op` and `basis`. */
export type BasisFields = Omit<IrBasis, 'op' | 'basis'>;

export interface FeatureMapDescriptor<B extends IrBasisKind> {
  spec: BuiltinSpec & { kind: 'features'; name: B };
  /** The IR fields from the evaluated arguments (by parameter name, table defaults filled). */
  lower(args: Record<string, any>): BasisFields;
  /**
   * true: the features only describe the data inside `over`, so the lint (GTV0803) warns when
   * `over` does not cover the data or the time interval; false: `over` only centres them.
   */
  coversOver: boolean;
}

/** Gaussian bump width: half the spacing of the centres (the reference code's choice). */
export function defaultGaussWidth(n: number, over: [number, number]): number {
  return n > 1 ? (over[1] - over[0]) / (n - 1) / 2 : (over[1] - over[0]) / 2;
}

const RFF_DEFAULT_OVER: [number, number] = [-1, 1];

/** Fields of a basis on one axis without width or seed. */
const plain = (args: Record<string, any>): BasisFields => ({
  axes: [args.axis as IrAxisName],
  n: args.n,
  over: args.over,
  width: 0,
  seed: 0,
});

export const FEATURE_MAPS: { readonly [B in IrBasisKind]: FeatureMapDescriptor<B> } = {
  gauss: {
    spec: {
      kind: 'features',
      name: 'gauss',
      doc: 'Gaussian bumps (normalized pdfs) with centres evenly spaced over a range.',
      params: [
        ...featureCommon('bumps'),
        {
          name: 'width',
          type: 'number',
          range: positive,
          default: { computed: 'half the centre spacing' },
          doc: 'Standard deviation of every bump.',
        },
      ],
    },
    lower: (args) => ({ ...plain(args), width: args.width ?? defaultGaussWidth(args.n, args.over) }),
    coversOver: true,
  },
  fourier: {
    spec: {
      kind: 'features',
      name: 'fourier',
      doc: 'Deterministic Fourier features [1, cos(2 pi k u/L), sin(2 pi k u/L)] over a range of length L.',
      params: featureCommon('features'),
    },
    lower: plain,
    coversOver: true,
  },
  poly: {
    spec: { kind: 'features', name: 'poly', doc: 'Monomials u^0 .. u^(n-1).', params: featureCommon('monomials') },
    lower: plain,
    coversOver: true,
  },
  rff: {
    spec: {
      kind: 'features',
      name: 'rff',
      doc: 'Random Fourier features sqrt(2/n) cos(w.u + b), w ~ N(0, 1/width^2), over one or more axes.',
      params: [
        { name: 'axis', type: 'axes', doc: 'An axis or a list of axes, e.g. [x, y].' },
        { name: 'n', type: 'count', doc: 'Number of features.' },
        { name: 'width', type: 'number', range: positive, default: { value: 1 }, doc: 'Length scale.' },
        {
          name: 'seed',
          type: 'integer',
          range: seedRange,
          default: { setting: 'seed' },
          doc: 'Seed of the random frequencies.',
        },
        {
          name: 'over',
          type: 'interval',
          default: { computed: '-1 .. 1' },
          doc: 'Range of the inputs (documentation and plotting).',
        },
      ],
    },
    lower: (args) => ({
      axes: args.axis as IrAxisName[],
      n: args.n,
      over: args.over ?? RFF_DEFAULT_OVER,
      width: args.width,
      seed: args.seed,
    }),
    coversOver: false,
  },
};
