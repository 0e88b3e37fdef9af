// runtime/bases.ts: the one definition of each basis. The per-particle rows (fillAxis, windowed and
// scaled) must equal the rows features.ts evaluates from the same entry, and only bases that
// declare a SIMD row reach the WebAssembly loops.
import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import type { IrBasisKind } from '../../compiler/ir/types.js';
import { axisBasis, BASES, fillAxis } from '../../runtime/bases.js';
import { compileFeatures } from '../../runtime/features.js';
import { simdEnabled, simdLoopsFit } from '../../runtime/particles/wasm/simd.js';

const basis = (kind: IrBasisKind, n: number, width = 0.2): Extract<IrFeatureTree, { op: 'basis' }> => ({
  op: 'basis',
  basis: kind,
  axes: ['x'],
  n,
  over: [-1.5, 1.5],
  width,
  seed: 3,
});

const US = [-2.1, -1.5, -0.77, -0.01, 0, 0.31, 1.2, 1.5, 1.9];

describe('runtime/bases.ts: one entry per basis', () => {
  for (const kind of Object.keys(BASES) as IrBasisKind[]) {
    if (!BASES[kind].particles) continue;
    it(`${kind}: the particle row (full window) equals the features.ts row`, () => {
      const b = basis(kind, 9);
      // tau = 1e9 keeps every bump in the window, so the two rows differ only by rounding: the
      // recurrences accumulate ~n roundings (gauss; Fourier angle addition ~k of them) of 1e-16.
      const ab = axisBasis(b, 1, 1e9)!;
      const fm = compileFeatures(b, 1);
      const xs = Float64Array.from(US);
      const phi = fm.evaluate(xs, new Float64Array(xs.length), xs.length);
      const buf = new Float64Array(9);
      const win = new Int32Array(2);
      US.forEach((u, p) => {
        buf.fill(0);
        const s = fillAxis(ab, u, buf, win);
        expect([win[0], win[1]]).to.deep.equal([0, 8]);
        const scale = ab.norm * Math.exp(-s);
        for (let i = 0; i < 9; i++) {
          const ref = phi[p * 9 + i];
          expect(Math.abs(scale * buf[i] - ref), `${kind} u=${u} i=${i}`).to.be.at.most(
            1e-12 * (Math.abs(ref) + 1e-3 * Math.max(1, Math.abs(u) ** 8)),
          );
        }
      });
    });
  }

  it('has no per-particle form for rff (several axes at once): such products take the general evaluator', () => {
    expect(axisBasis(basis('rff', 8), 1, 24)).to.equal(null);
  });

  it('sends only bases that declare a SIMD row to the WebAssembly loops', function () {
    if (!simdEnabled()) this.skip();
    const gauss = axisBasis(basis('gauss', 16, 3 / 15 / 2), 1, 24)!;
    expect(BASES.gauss.simd && BASES.fourier.simd && !BASES.poly.simd).to.equal(true);
    expect(simdLoopsFit([gauss], 1)).to.equal(true);
    expect(simdLoopsFit([axisBasis(basis('fourier', 9), 1, 24)!], 1)).to.equal(true);
    expect(simdLoopsFit([axisBasis(basis('poly', 4), 1, 24)!], 1)).to.equal(false);
  });
});
