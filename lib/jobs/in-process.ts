import "server-only";
import type { Db } from "@/db";
import { backoffSeconds, describeFailure, NO_RETRY, type EnqueueOptions, type JobDefinition, type JobRunner } from "./runner";

/**
 * The in-process scheduler for embedded PGlite (one process owns the database):
 * periodic jobs on interval timers (a run is skipped while the previous one is still going),
 * enqueued runs on timers, failures retried with exponential backoff. Timers are unref'd so
 * they never keep the process alive.
 */
export type InProcessOptions = {
  /** Seconds → milliseconds for retries and delays; tests shrink it. Default 1000. */
  msPerSecond?: number;
  /** Milliseconds → milliseconds for the periodic interval; tests shrink it. Default 60 000 per minute. */
  msPerMinute?: number;
  onError?: (line: string) => void;
};

export function createInProcessRunner(db: Db, jobs: JobDefinition[], options: InProcessOptions = {}): JobRunner {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const msPerSecond = options.msPerSecond ?? 1000;
  const msPerMinute = options.msPerMinute ?? 60_000;
  const onError = options.onError ?? ((line: string) => console.error(line));
  const timers = new Set<NodeJS.Timeout>();
  const intervals: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  const periodicBusy = new Set<string>();
  let stopped = true;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };

  const track = (promise: Promise<void>) => {
    running.add(promise);
    void promise.finally(() => running.delete(promise));
    return promise;
  };

  const attempt = (job: JobDefinition, payload: Record<string, unknown>, failures: number): Promise<void> =>
    track(
      job.run(db, payload).catch((error: unknown) => {
        onError(describeFailure(job.name, error));
        const policy = job.retry ?? NO_RETRY;
        if (stopped || failures >= policy.limit) return;
        later(backoffSeconds(policy, failures + 1) * msPerSecond, () => {
          if (!stopped) void attempt(job, payload, failures + 1);
        });
      }),
    );

  return {
    kind: "in-process",
    async start() {
      if (!stopped) return;
      stopped = false;
      for (const job of jobs) {
        if (!job.everyMinutes) continue;
        const interval = setInterval(() => {
          if (stopped || periodicBusy.has(job.name)) return;
          periodicBusy.add(job.name);
          void attempt(job, {}, 0).finally(() => periodicBusy.delete(job.name));
        }, job.everyMinutes * msPerMinute);
        interval.unref();
        intervals.push(interval);
      }
    },
    async enqueue(name: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}) {
      const job = byName.get(name);
      if (!job) throw new Error(`No job named ${name}`);
      if (stopped) return;
      later((opts.startAfterSeconds ?? 0) * msPerSecond, () => {
        if (!stopped) void attempt(job, payload, 0);
      });
    },
    async stop() {
      stopped = true;
      for (const interval of intervals.splice(0)) clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    },
  };
}
