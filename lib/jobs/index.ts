import "server-only";
import type { Db } from "@/db";
import { createInProcessRunner, type InProcessOptions } from "./in-process";
import { createPgBossRunner } from "./pg-boss";
import type { EnqueueOptions, JobDefinition, JobRunner } from "./runner";

export type { JobDefinition, JobFn, JobRunner, RetryPolicy, EnqueueOptions } from "./runner";

/**
 * The process's job runner (docs/architecture.md "Background jobs"), kept on globalThis
 * so the instrumentation hook and Next's route bundles (two module graphs in one process)
 * share it. Before `startJobs`, or with CONNECTIONS_JOBS=false, `enqueueJob` does nothing:
 * whatever a job would do stays recorded (a delivery stays pending) and tests run the job
 * functions themselves.
 */
const KEY = Symbol.for("connections.jobs.runner");

type Holder = { runner?: JobRunner; stopping?: Promise<void> };

function holder(): Holder {
  const g = globalThis as unknown as Record<symbol, Holder | undefined>;
  return (g[KEY] ??= {});
}

export type StartJobsOptions = {
  /** The Postgres URL when the app runs on Postgres (pg-boss); absent: in-process scheduler (PGlite). */
  postgresUrl?: string;
  pollingIntervalSeconds?: number;
  inProcess?: InProcessOptions;
};

/** Builds the runner for this database and starts it; a second call returns the running one. */
export async function startJobs(db: Db, jobs: JobDefinition[], options: StartJobsOptions = {}): Promise<JobRunner> {
  const h = holder();
  if (h.runner) return h.runner;
  const runner = options.postgresUrl
    ? createPgBossRunner(db, jobs, {
        connectionString: options.postgresUrl,
        pollingIntervalSeconds: options.pollingIntervalSeconds,
      })
    : createInProcessRunner(db, jobs, options.inProcess);
  await runner.start();
  h.runner = runner;
  return runner;
}

export async function stopJobs(): Promise<void> {
  const h = holder();
  const runner = h.runner;
  h.runner = undefined;
  // A second call (the server's stop after the signal's) waits for the same stop.
  if (runner) h.stopping = runner.stop();
  await h.stopping;
}

/** Queues one run of a job by name; a no-op while no runner is started. */
export async function enqueueJob(name: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void> {
  await holder().runner?.enqueue(name, payload, options);
}

export function jobsRunning(): boolean {
  return holder().runner !== undefined;
}
