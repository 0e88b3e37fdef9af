import { expect } from 'chai';
import { createReporter, formatDuration } from '../../study/progress.js';

function sink(): { write: (t: string) => void; text: () => string } {
  let out = '';
  return { write: (t) => void (out += t), text: () => out };
}

describe('study/progress', () => {
  it('on a terminal redraws one bar in place with rate and ETA', () => {
    const s = sink();
    let now = 0;
    const r = createReporter({ write: s.write, tty: true, now: () => now });
    r.start('trained: 100 members', 100);
    for (let i = 1; i <= 50; i++) {
      now += 100; // 10 members per second
      r.tick(i);
    }
    const text = s.text();
    expect(text).to.not.contain('\n'); // redrawn in place, no scrolling
    const last = text.split('\r\x1b[K').pop()!;
    expect(last).to.contain('[############------------]');
    expect(last).to.contain('50/100 (50%) 10.0/s ETA 5.0s');
    r.end();
    expect(s.text().endsWith('trained: 100 members: done, 50/100 in 5.0s\n')).to.equal(true);
  });

  it('keeps status lines above the bar on a terminal', () => {
    const s = sink();
    const r = createReporter({ write: s.write, tty: true, now: () => 0 });
    r.start('task', 10);
    r.info('[1/2] cell a: done');
    expect(s.text()).to.contain('\r\x1b[K[1/2] cell a: done\n\r\x1b[Ktask [');
  });

  it('elsewhere prints a plain line per 10% of the work', () => {
    const s = sink();
    let now = 0;
    const r = createReporter({ write: s.write, tty: false, now: () => now });
    r.start('ode', 1000);
    for (let i = 1; i <= 1000; i++) {
      now += 10;
      r.tick(i);
    }
    r.end();
    const lines = s.text().trimEnd().split('\n');
    expect(lines[0]).to.equal('ode: started, 1000 units');
    expect(lines.slice(1, -1)).to.have.length(10);
    expect(lines[1]).to.equal('ode: 100/1000 (10%) 100/s ETA 9.0s');
    expect(lines.at(-1)).to.equal('ode: done, 1000/1000 in 10s');
    expect(s.text()).to.not.contain('\r');
  });

  it('elsewhere logs only start and end of a task shorter than a second', () => {
    const s = sink();
    let now = 0;
    const r = createReporter({ write: s.write, tty: false, now: () => now });
    r.start('quick', 100);
    for (let i = 1; i <= 100; i++) {
      now += 5;
      r.tick(i);
    }
    r.end();
    expect(s.text()).to.equal('quick: started, 100 units\nquick: done, 100/100 in 0.5s\n');
  });

  it('elsewhere also prints every 5 s when progress is slow', () => {
    const s = sink();
    let now = 0;
    const r = createReporter({ write: s.write, tty: false, now: () => now });
    r.start('slow', 1000);
    for (let i = 1; i <= 30; i++) {
      now += 1000;
      r.tick(i); // 3% after 30 s: no 10% step, but six 5-second marks
    }
    expect(s.text().trimEnd().split('\n').slice(1)).to.have.length(6);
  });

  it('is silent when quiet', () => {
    const s = sink();
    const r = createReporter({ write: s.write, quiet: true });
    r.start('x', 10);
    r.tick(5);
    r.info('hello');
    r.end();
    expect(s.text()).to.equal('');
  });

  it('formats durations compactly', () => {
    expect(formatDuration(1234)).to.equal('1.2s');
    expect(formatDuration(75000)).to.equal('1m15s');
    expect(formatDuration(3 * 3600e3 + 60e3)).to.equal('3h01m');
    expect(formatDuration(NaN)).to.equal('?');
  });
});
