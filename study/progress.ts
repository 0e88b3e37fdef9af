// Progress for `gtv run`, implementing the runtime's Progress. On a terminal: one bar per long
// computation with rate and ETA, redrawn in place on stderr. Elsewhere (CI logs, pipes): plain
// lines at every 10% of the work (at most one a second, so quick tasks only log start and end)
// and at least every 5 s, so logs stay short but a stalled run is still visible. `quiet`
// silences everything.
import type { Progress } from '../runtime/light.js';

export interface Reporter extends Progress {
  /** A one-line status message (cell started, cached, plots written). */
  info(line: string): void;
  /** Something the user should know even with --quiet (a damaged cache entry recomputed). */
  warn(line: string): void;
}

export interface ReporterOptions {
  /** Where progress goes; default stderr. */
  write?: (text: string) => void;
  /** Whether `write` reaches a terminal (bar) or a log (plain lines); default stderr's isTTY. */
  tty?: boolean;
  /** Terminal width, to keep the bar on one line. */
  columns?: number;
  quiet?: boolean;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

const PLAIN_INTERVAL_MS = 5000;
const PLAIN_STEP = 0.1;
const PLAIN_MIN_GAP_MS = 1000;
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

/** `--quiet`: warnings only. */
class Silent implements Reporter {
  constructor(private readonly write: ((text: string) => void) | null) {}
  start(): void {}
  tick(): void {}
  end(): void {}
  info(): void {}
  warn(line: string): void {
    this.write?.(`warning: ${line}\n`);
  }
}

class StreamReporter implements Reporter {
  private task: Task | null = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly columns: number,
    private readonly now: () => number,
  ) {}

  start(name: string, total: number): void {
    if (this.task) this.end();
    const t = this.now();
    this.task = { name, total: Math.max(0, total), done: 0, started: t, lastDraw: t, lastFraction: 0 };
    if (this.tty) this.draw();
    else this.write(`${name}: started, ${total} units\n`);
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
    const gap = t - task.lastDraw;
    if ((fraction - task.lastFraction >= PLAIN_STEP - 1e-12 && gap >= PLAIN_MIN_GAP_MS) || gap >= PLAIN_INTERVAL_MS) {
      task.lastDraw = t;
      task.lastFraction = fraction;
      this.write(`${task.name}: ${this.status(task, t)}\n`);
    }
  }

  end(): void {
    const task = this.task;
    if (!task) return;
    this.task = null;
    const elapsed = this.now() - task.started;
    const summary = `${task.name}: done, ${task.done}/${task.total} in ${formatDuration(elapsed)}`;
    if (this.tty) this.write(`\r\x1b[K${summary}\n`);
    else this.write(`${summary}\n`);
  }

  info(line: string): void {
    if (this.tty && this.task) {
      this.write(`\r\x1b[K${line}\n`);
      this.draw();
    } else {
      this.write(`${line}\n`);
    }
  }

  warn(line: string): void {
    this.info(`warning: ${line}`);
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
    if (this.columns > 0 && line.length >= this.columns) line = line.slice(0, this.columns - 1);
    this.write(`\r\x1b[K${line}`);
  }
}

export function createReporter(opts: ReporterOptions = {}): Reporter {
  // Quiet keeps warnings when given a stream (the CLI passes stderr); without one, silence.
  if (opts.quiet) return new Silent(opts.write ?? null);
  const write = opts.write ?? ((t: string) => void process.stderr.write(t));
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  const columns = opts.columns ?? (opts.write ? 0 : (process.stderr.columns ?? 0));
  return new StreamReporter(write, tty, columns, opts.now ?? (() => Date.now()));
}
