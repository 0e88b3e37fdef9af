import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cellDirProblem, readCellFiles, writeCellFiles } from '../../study/cellio.js';
import type { CellResult } from '../../runtime/results.js';
import { gapStudy } from './fixtures.js';

describe('study/cellio (cell folder round trip)', () => {
  it('reads back the arrays, scalars (NaN kept), labels, notes and timings it wrote', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-cellio-'));
    try {
      const cell = gapStudy().cells[0];
      const result: CellResult = {
        cellId: cell.id,
        backend: 'wasm',
        timings: { exact: 12.5 },
        nodes: {
          exact: {
            arrays: {
              density: {
                shape: [2, 2],
                dtype: 'float32',
                data: Float32Array.from([1, 2, 3, 4.5]),
                doc: 'd [2, 2]',
                dims: ['bin_x', 'bin_y'],
              },
              edges_x: {
                shape: [3],
                dtype: 'float64',
                data: Float64Array.from([0, 0.1, 0.2]),
                doc: 'e',
                dims: ['edge_x'],
              },
            },
            scalars: { n: 100, broken: NaN },
            notes: ['a note'],
          },
          gap: { arrays: {}, scalars: { value: 0.3, standard_error: 0.02 }, labels: { se_over: 'members' }, notes: [] },
        },
      };
      writeCellFiles(dir, cell, result);
      expect(fs.readdirSync(dir).sort()).to.deep.equal([
        'SHA256SUMS',
        'exact.density.npy',
        'exact.edges_x.npy',
        'metrics.csv',
        'metrics.json',
        'result.json',
      ]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'))).to.deep.equal({
        exact: { n: 100, broken: null },
        gap: { value: 0.3, standard_error: 0.02, se_over: 'members' },
      });
      expect(fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8')).to.contain('gap,se_over,members');
      const back = readCellFiles(dir);
      expect(back.cellId).to.equal(cell.id);
      expect(back.backend).to.equal('wasm');
      expect(back.timings).to.deep.equal({ exact: 12.5 });
      expect(back.nodes.exact.notes).to.deep.equal(['a note']);
      expect(back.nodes.exact.scalars.n).to.equal(100);
      expect(back.nodes.gap.labels).to.deep.equal({ se_over: 'members' });
      expect(Number.isNaN(back.nodes.exact.scalars.broken)).to.equal(true);
      expect(Object.keys(back.nodes.exact.arrays)).to.deep.equal(['density', 'edges_x']);
      const d = back.nodes.exact.arrays.density;
      expect([d.shape, d.dtype, Array.from(d.data), d.doc, d.dims]).to.deep.equal([
        [2, 2],
        'float32',
        [1, 2, 3, 4.5],
        'd [2, 2]',
        ['bin_x', 'bin_y'],
      ]);
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8'));
      expect(meta.cell.id).to.equal(cell.id);
      expect(meta.arrays.map((e: { dims: string[] }) => e.dims)).to.deep.equal([['bin_x', 'bin_y'], ['edge_x']]);
      expect(cellDirProblem(dir)).to.equal(null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an array whose dims do not name every axis of its shape', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-cellio-'));
    try {
      const cell = gapStudy().cells[0];
      const density = {
        shape: [2, 2],
        dtype: 'float64' as const,
        data: new Float64Array(4),
        doc: 'd',
        dims: ['bin_x'],
      };
      const result: CellResult = {
        cellId: cell.id,
        backend: 'cpu',
        timings: {},
        nodes: { exact: { arrays: { density }, scalars: {}, notes: [] } },
      };
      expect(() => writeCellFiles(dir, cell, result)).to.throw(
        'internal: array exact.density has dims [bin_x] for shape [2, 2]',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
