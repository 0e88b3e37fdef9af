import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_MARK, sweepTemporaries, writeDirAtomic, writeFileAtomic } from '../../study/atomic.js';
import { toCsv } from '../../study/csv.js';

describe('study/atomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes and replaces a file, leaving no temporary behind', () => {
    const f = path.join(dir, 'sub', 'a.json');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, new Uint8Array([116, 119, 111]));
    expect(fs.readFileSync(f, 'utf8')).to.equal('two');
    expect(fs.readdirSync(path.dirname(f))).to.deep.equal(['a.json']);
  });

  it('leaves the old file intact and no temporary when the write fails', () => {
    const f = path.join(dir, 'a.txt');
    writeFileAtomic(f, 'old');
    fs.mkdirSync(path.join(dir, 'blocked'));
    // Renaming a file over a non-empty directory fails after the temporary was written.
    fs.writeFileSync(path.join(dir, 'blocked', 'x'), '');
    expect(() => writeFileAtomic(path.join(dir, 'blocked'), 'new')).to.throw();
    expect(fs.readFileSync(f, 'utf8')).to.equal('old');
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['a.txt', 'blocked']);
  });

  it('swaps in a whole folder, or nothing when filling throws', () => {
    const d = path.join(dir, 'cell');
    writeDirAtomic(d, (tmp) => fs.writeFileSync(path.join(tmp, 'v1'), ''));
    expect(() =>
      writeDirAtomic(d, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'v2'), '');
        throw new Error('interrupted');
      }),
    ).to.throw('interrupted');
    expect(fs.readdirSync(d)).to.deep.equal(['v1']);
    writeDirAtomic(d, (tmp) => fs.writeFileSync(path.join(tmp, 'v3'), ''));
    expect(fs.readdirSync(d)).to.deep.equal(['v3']);
    expect(fs.readdirSync(dir)).to.deep.equal(['cell']);
  });

  it('keeps a folder that appeared meanwhile when `keep` accepts it, and replaces it otherwise', () => {
    const d = path.join(dir, 'cell');
    writeDirAtomic(d, (tmp) => fs.writeFileSync(path.join(tmp, 'first'), ''));
    writeDirAtomic(
      d,
      (tmp) => fs.writeFileSync(path.join(tmp, 'second'), ''),
      (existing) => fs.existsSync(path.join(existing, 'first')),
    );
    expect(fs.readdirSync(d)).to.deep.equal(['first']);
    writeDirAtomic(
      d,
      (tmp) => fs.writeFileSync(path.join(tmp, 'third'), ''),
      () => false,
    );
    expect(fs.readdirSync(d)).to.deep.equal(['third']);
    expect(fs.readdirSync(dir)).to.deep.equal(['cell']);
  });

  it('keeps the mode of the file it replaces and writes through a symbolic link', () => {
    const real = path.join(dir, 'study.gtv');
    fs.writeFileSync(real, 'old', { mode: 0o640 });
    fs.chmodSync(real, 0o640);
    const link = path.join(dir, 'link.gtv');
    fs.symlinkSync(real, link);
    writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(fs.readFileSync(real, 'utf8')).to.equal('new');
    expect(fs.statSync(real).mode & 0o777).to.equal(0o640);
  });

  it('sweeps temporaries a killed process left', () => {
    fs.writeFileSync(path.join(dir, `m.json${TEMP_MARK}1-ab`), '');
    fs.mkdirSync(path.join(dir, `cell${TEMP_MARK}1-cd`));
    fs.writeFileSync(path.join(dir, 'keep'), '');
    sweepTemporaries(dir);
    expect(fs.readdirSync(dir)).to.deep.equal(['keep']);
  });
});

describe('study/csv', () => {
  it('quotes fields that need it and keeps numbers exact', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 0.1 + 0.2],
          ['say "hi"', null],
        ],
      ),
    ).to.equal('a,b\n"x,y",0.30000000000000004\n"say ""hi""",\n');
  });
});
