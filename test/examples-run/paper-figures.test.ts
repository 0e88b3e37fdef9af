// The paper's qualitative results, measured on the --scale 0.01 runs of examples/fig*.gtv (10
// members per ensemble, 1000 draws per member; study/scale.ts). Seeds are fixed, so each number
// below is deterministic; the margins are stated against the spread across members (measured
// from member_density at this scale) so that a change of random streams would not flip them.
import { expect } from 'chai';
import { gapMass1d, mean, nearestIndex, squareFill } from './measures.js';
import { exampleRun, readArray, type ExampleRun } from './run-example.js';

describe('paper figures at --scale 0.01: the qualitative results hold', function () {
  this.timeout(600000);

  describe('Figure 1: the proxy-score variance lives between nearby points, not far from the data', () => {
    let run: ExampleRun;
    before(async () => (run = await exampleRun('fig1-proxy-variance')));

    for (const ds of ['polygon', 'line', 'blend', 'random']) {
      it(`${ds}: map files carry the dataset name; the ratio is ~1 between its closest points and small far away`, () => {
        const v = readArray(run, 'main', `${ds}_frac.values.npy`);
        const gx = readArray(run, 'main', `${ds}_frac.grid_x.npy`).data;
        const gy = readArray(run, 'main', `${ds}_frac.grid_y.npy`).data;
        const pts = readArray(run, 'main', `${ds}.points.npy`);
        expect(v.shape).to.deep.equal([5, 100, 100]);
        expect(v.data.every((x) => x >= 0 && x <= 1)).to.equal(true);
        const P = Array.from({ length: pts.shape[0] }, (_, m) => [pts.data[2 * m], pts.data[2 * m + 1]]);
        let best = [0, 1];
        let bestD = Infinity;
        for (let i = 0; i < P.length; i++)
          for (let j = i + 1; j < P.length; j++) {
            const d = Math.hypot(P[i][0] - P[j][0], P[i][1] - P[j][1]);
            if (d < bestD) [best, bestD] = [[i, j], d];
          }
        const mid = [(P[best[0]][0] + P[best[1]][0]) / 2, (P[best[0]][1] + P[best[1]][1]) / 2];
        const at = (k: number, ix: number, iy: number) => v.data[(k * 100 + ix) * 100 + iy];
        // Closed form, no sampling: the midpoint value is 0.98-1.0 at t = 0.05 for all four sets.
        expect(
          at(0, nearestIndex(gx, mid[0]), nearestIndex(gy, mid[1])),
          'between the closest pair at t = 0.05',
        ).to.be.greaterThan(0.9);
        // Far from the data (> 1 from every point) the posterior is sure of its point: C -> 0.
        // Measured mean 0.018-0.028 at t = 0.05; 0.1 leaves a factor of 3.5.
        const far: number[] = [];
        for (let i = 0; i < 100; i++)
          for (let j = 0; j < 100; j++)
            if (P.every((p) => Math.hypot(gx[i] - p[0], gy[j] - p[1]) > 1)) far.push(at(0, i, j));
        expect(mean(far), 'far from the data at t = 0.05').to.be.lessThan(0.1);
      });
    }

    it('polygon: the fine boundary between neighbours fades as t grows (0.997 at t = 0.05, 0.31 at t = 0.75)', () => {
      const v = readArray(run, 'main', 'polygon_frac.values.npy');
      const gx = readArray(run, 'main', 'polygon_frac.grid_x.npy').data;
      // The midpoint of the side between (1, 0) and (cos 60deg, sin 60deg), nearest grid point.
      const [ix, iy] = [nearestIndex(gx, 0.75), nearestIndex(gx, Math.sqrt(3) / 4)];
      const at = (k: number) => v.data[(k * 100 + ix) * 100 + iy];
      expect(at(0)).to.be.greaterThan(0.9);
      expect(at(4)).to.be.lessThan(0.5);
    });
  });

  describe('Figure 2: mass between the training points grows with F/P', () => {
    let run: ExampleRun;
    const Ps = [1024, 512, 256, 128, 64];
    const epss = ['0.01', '0.001', '0.0001'];
    // gap[eps][P]: trained-ensemble mass farther than 0.2 from -1, 0 and 1 and inside [-1, 1].
    // 0.2 is 4.4 sd of p(x | eps) at the largest eps, so the true density has no mass there.
    const gap: Record<string, Record<number, number>> = {};
    before(async () => {
      run = await exampleRun('fig2-gap-filling');
      for (const eps of epss) {
        gap[eps] = {};
        for (const P of Ps) {
          const id = `eps=${eps},P=${P}`;
          gap[eps][P] = gapMass1d(
            readArray(run, id, 'trained.density.npy'),
            readArray(run, id, 'trained.edges_x.npy'),
            [-1, 0, 1],
            0.2,
          );
        }
      }
    });

    it('has the 3 x 5 panel grid with the true-score, ensemble and theory histograms on 200 bins', () => {
      expect(run.manifest.cells.map((c) => c.id)).to.have.length(15);
      const id = 'eps=0.0001,P=64';
      expect(readArray(run, id, 'trained.member_density.npy').shape).to.deep.equal([10, 200]);
      expect(readArray(run, id, 'theory.density_q75.npy').shape).to.deep.equal([200]);
      expect(readArray(run, id, 'exact.density.npy').shape).to.deep.equal([200]);
    });

    // No eps trend of the ensembles is asserted: neither gtv, an independent NumPy run nor the
    // published reference code at full statistics shows a robust one (docs/theory-checks.md 7).
    it('in every eps row, F/P >= 2 puts more mass between the points than F/P <= 1/2', () => {
      // Measured at this scale: 0.37 vs 0.09, 0.24 vs 0.11, 0.37 vs 0.11 (rows eps = 1e-2 ..
      // 1e-4). Member-to-member spread gives each pair mean a standard error of about 0.045.
      for (const eps of epss) {
        const over = mean([gap[eps][128], gap[eps][64]]);
        const under = mean([gap[eps][1024], gap[eps][512]]);
        expect(over, `eps = ${eps}: ${JSON.stringify(gap[eps])}`).to.be.greaterThan(under);
      }
    });

    it('pooled over the rows, F/P >= 2 has at least twice the gap mass of F/P <= 1/2 (0.33 vs 0.10 measured)', () => {
      const over = mean(epss.flatMap((e) => [gap[e][128], gap[e][64]]));
      const under = mean(epss.flatMap((e) => [gap[e][1024], gap[e][512]]));
      // Standard error of the difference about 0.035: the margin of 0.1 is ~4 of them.
      expect(over - under).to.be.greaterThan(0.1);
      expect(over).to.be.greaterThan(2 * under);
    });

    it('the reference (PF-ODE with the true score) puts more mass between the points at eps = 1e-2 than at 1e-4', () => {
      // The paper's eps trend, where it is robust: its 30 uniform Euler steps stop at t = eps +
      // (1 - eps) / 30, so the last step covers 71% of the way to the points at eps = 1e-2 and more
      // below (docs/theory.md 5.2). Full statistics (docs/theory-checks.md section 7): 0.097 vs 0.038.
      // Pooled over a row's five cells at this scale (5 x 1e4 draws) the standard error is 0.002.
      const row = (eps: string) =>
        mean(
          Ps.map((P) =>
            gapMass1d(
              readArray(run, `eps=${eps},P=${P}`, 'exact.density.npy'),
              readArray(run, `eps=${eps},P=${P}`, 'exact.edges_x.npy'),
              [-1, 0, 1],
              0.2,
            ),
          ),
        );
      expect(row('0.01') - row('0.0001')).to.be.greaterThan(0.04);
    });

    it('the memorizing reference (PF-ODE with the true score) stays at the points in every cell', () => {
      // Its gap mass comes only from the 30 Euler steps: 0.097 at eps = 1e-2, 0.04 below.
      for (const eps of epss)
        for (const P of Ps) {
          const id = `eps=${eps},P=${P}`;
          expect(
            gapMass1d(
              readArray(run, id, 'exact.density.npy'),
              readArray(run, id, 'exact.edges_x.npy'),
              [-1, 0, 1],
              0.2,
            ),
            id,
          ).to.be.lessThan(0.13);
        }
    });
  });

  describe('Figure 3: Gaussian features fill between adjacent points, Fourier features between opposite ones', () => {
    let run: ExampleRun;
    const fills: Record<string, { bump: ReturnType<typeof squareFill>; wave: ReturnType<typeof squareFill> }> = {};
    before(async () => {
      run = await exampleRun('fig3-rotated-square');
      for (const c of run.manifest.cells) {
        const pts = readArray(run, c.id, 'square.points.npy');
        const P = [0, 1, 2, 3].map((m) => [pts.data[2 * m], pts.data[2 * m + 1]]);
        // Bands of half-width 0.15 along the sides (adjacent points) and the diagonals (opposite
        // points), outside discs of radius 0.35 around the points (their memorized peaks).
        const fill = (node: string) =>
          squareFill(
            readArray(run, c.id, `${node}.density.npy`),
            readArray(run, c.id, `${node}.edges_x.npy`),
            readArray(run, c.id, `${node}.edges_y.npy`),
            P,
            0.15,
            0.35,
          );
        fills[c.id] = { bump: fill('bump_trained'), wave: fill('wave_trained') };
      }
    });

    it('has the three rotations with 200 x 200 histograms for trained and theory panels', () => {
      expect(run.manifest.cells.map((c) => c.id)).to.deep.equal(['degrees=0', 'degrees=22.5', 'degrees=45']);
      for (const node of ['bump_trained', 'wave_trained', 'bump_theory', 'wave_theory']) {
        expect(readArray(run, 'degrees=45', `${node}.density.npy`).shape, node).to.deep.equal([200, 200]);
      }
    });

    it('Fourier features: at every angle the diagonals hold at least 3x the mass of the sides', () => {
      // Measured 0.37 / 0.016, 0.27 / 0.037, 0.25 / 0.045 (ratios 23, 7, 5.4); standard errors
      // across members about 0.025 on the diagonal and 0.015 on the sides.
      for (const [id, f] of Object.entries(fills))
        expect(f.wave.opposite, `${id}: ${JSON.stringify(f.wave)}`).to.be.greaterThan(3 * f.wave.adjacent);
    });

    it('at every angle the Fourier features favour the diagonals over the sides by 0.1 more than Gaussian ones', () => {
      // (opposite - adjacent): Fourier 0.35, 0.23, 0.20; Gaussian -0.017, -0.033, -0.021. The
      // differences 0.37, 0.26, 0.22 have standard errors of about 0.03.
      for (const [id, f] of Object.entries(fills)) {
        expect(f.wave.opposite - f.wave.adjacent - (f.bump.opposite - f.bump.adjacent), id).to.be.greaterThan(0.1);
      }
    });

    it('Gaussian features: over the three angles the sides hold more mass than the diagonals', () => {
      // 0.067 vs 0.044 pooled (about 2.8 standard errors at 10 members): the weakest of these
      // checks, and the one that needs the member floor of study/scale.ts.
      const f = Object.values(fills);
      expect(mean(f.map((x) => x.bump.adjacent))).to.be.greaterThan(mean(f.map((x) => x.bump.opposite)));
    });
  });
});
