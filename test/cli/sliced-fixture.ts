// What the sliced-run tests share: a three-cell study that computes in about a second, the gtv
// CLI as a real process, and the byte-for-byte comparison of a run folder's cells with a
// sequential run's.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Manifest } from '../../study/manifest.js';
import { GTV_BIN } from '../setup/built.js';

export const STUDY = `study tiny {
  seed = 3
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  sweep eps = [1e-2, 3e-2, 1e-1]
  sample exact = pf_ode(true, draws = 300, bins = 40, range = -1.5 .. 1.5, t_min = eps)
  metric gap = gap_mass(exact, radius = 0.2)
  plot density(exact, points = train) by (eps) to "tiny.svg"
}
`;
export const CELLS = ['eps=0.01', 'eps=0.03', 'eps=0.1'];

/** gtv as a real process (bin/gtv.js): it spawns its children, and writes its Slurm script, with
 * the command it was itself started with. */
export function gtvProcess(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GTV_BIN, ...args], {
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const manifest = (dir: string): Manifest =>
  JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** The run folder has exactly CELLS, and each cell's arrays and metrics are byte-identical to
 * those of the sequential run in `seqDir`. */
export function expectSameCells(runDir: string, seqDir: string): void {
  expect(fs.readdirSync(path.join(runDir, 'cells')).sort()).to.deep.equal(CELLS);
  for (const cell of CELLS) {
    const files = fs
      .readdirSync(path.join(seqDir, 'cells', cell))
      .filter((n) => n.endsWith('.npy') || n === 'metrics.json');
    expect(files.length, `${cell}: files to compare`).to.be.greaterThan(1);
    for (const f of files) {
      expect(
        fs
          .readFileSync(path.join(runDir, 'cells', cell, f))
          .equals(fs.readFileSync(path.join(seqDir, 'cells', cell, f))),
        `${cell}/${f}`,
      ).to.equal(true);
    }
  }
}
