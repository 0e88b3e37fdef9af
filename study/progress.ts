// Progress for `gtv run`, implementing the runtime's Progress. On a terminal: one bar per long
// computation with rate and ETA, redrawn in place on stderr. Elsewhere (CI logs, pipes): plain
// lines at every 10% of the work or every 5 s, whichever comes first, so logs stay short but a
// stalled run is still visible. `quiet` silences everything.
import type { Progress } from '../runtime/results.js';

export interface Reporter extends Progress {
  /** A one-line status message (cell started, cached, plots written). */
  info(line: string): void;
}

export interface ReporterOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  quiet?: boolean;
  /** Overrides the stream's isTTY (tests). */
  tty?: boolean;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

const PLAIN_INTERVAL_MS = 5000;
const PLAIN_STEP = 0.1;
const TTY_REDRAW_MS = 100;
const BAR_WIDTH = 24;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10000 ? `${(ms / 1000).toFixed(1)}s` : `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '-/s';
  return perSecond >= 100 ? `${Math.round(perSecond)}/s` : `${perSecond.toPrecision(3)}/s`;
}

interface Task {
  name: string;
  total: number;
  done: number;
  started: number;
  lastDraw: number;
  lastFraction: number;
}

class Silent implements Reporter {
  start(): void {}
  tick(): void {}
  end(): void {}
  info(): void {}
}

class StreamReporter implements Reporter {
  private task: Task | null = null;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly tty: boolean,
    private readonly now: () => number,
  ) {}

  start(name: string, total: number): void {
    if (this.task) this.end();
    const t = this.now();
    this.task = { name, total: Math.max(0, total), done: 0, started: t, lastDraw: t, lastFraction: 0 };
    if (this.tty) this.draw();
    else this.out.write(`${name}: started, ${total} units\n`);
  }

  tick(done: number): void {
    const task = this.task;
    if (!task) return;
    task.done = Math.min(done, task.total);
    const t = this.now();
    if (this.tty) {
      if (t - task.lastDraw >= TTY_REDRAW_MS) {
        task.lastDraw = t;
        this.draw();
      }
      return;
    }
    const fraction = task.total > 0 ? task.done / task.total : 0;
    if (fraction - task.lastFraction >= PLAIN_STEP - 1e-12 || t - task.lastDraw >= PLAIN_INTERVAL_MS) {
      task.lastDraw = t;
      task.lastFraction = fraction;
      this.out.write(`${task.name}: ${this.status(task, t)}\n`);
    }
  }

  end(): void {
    const task = this.task;
    if (!task) return;
    this.task = null;
    const elapsed = this.now() - task.started;
    const summary = `${task.name}: done, ${task.done}/${task.total} in ${formatDuration(elapsed)}`;
    if (this.tty) this.out.write(`\r\x1b[K${summary}\n`);
    else this.out.write(`${summary}\n`);
  }

  info(line: string): void {
    if (this.tty && this.task) {
      this.out.write(`\r\x1b[K${line}\n`);
      this.draw();
    } else {
      this.out.write(`${line}\n`);
    }
  }

  private status(task: Task, t: number): string {
    const elapsed = t - task.started;
    const rate = elapsed > 0 ? (task.done * 1000) / elapsed : NaN;
    const eta = rate > 0 ? ((task.total - task.done) / rate) * 1000 : NaN;
    const pct = task.total > 0 ? Math.floor((100 * task.done) / task.total) : 0;
    return `${task.done}/${task.total} (${pct}%) ${formatRate(rate)} ETA ${formatDuration(eta)}`;
  }

  private draw(): void {
    const task = this.task;
    if (!task) return;
    const fraction = task.total > 0 ? task.done / task.total : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
    let line = `${task.name} [${bar}] ${this.status(task, this.now())}`;
    const columns = this.out.columns ?? 0;
    if (columns > 0 && line.length >= columns) line = line.slice(0, columns - 1);
    this.out.write(`\r\x1b[K${line}`);
  }
}

export function createReporter(opts: ReporterOptions = {}): Reporter {
  if (opts.quiet) return new Silent();
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  return new StreamReporter(stream, tty, opts.now ?? (() => Date.now()));
}
