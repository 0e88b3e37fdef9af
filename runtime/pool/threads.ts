// How many threads an ensemble uses by default: GTV_THREADS, else every core. Its own file so
// the run folder's manifest can record the number without loading the worker pool.
import os from 'node:os';

export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.GTV_THREADS) || os.availableParallelism();
}
