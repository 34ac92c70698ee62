import "server-only";
import type { Db } from "@/db";
import { failureMessage } from "@/lib/observe/logger";

/**
 * The background job runner (docs/architecture.md "Background jobs"). A job is a plain
 * function `(db, payload) => Promise<void>`: tests call it directly. On Postgres the jobs run
 * through pg-boss (one queue per job, one worker pool across instances, retries with
 * backoff stored in the database); on embedded PGlite the same functions run from an
 * in-process scheduler (interval timers, retries with exponential backoff in memory).
 *
 * A job that throws is retried up to `retry.limit` times, `retry.delaySeconds * 2^(n-1)`
 * after its n-th failure.
 */
export type JobFn<P = Record<string, unknown>> = (db: Db, payload: P) => Promise<void>;

export type RetryPolicy = { limit: number; delaySeconds: number };

export type JobDefinition<P = Record<string, unknown>> = {
  /** The queue name: lowercase letters, digits, dots, dashes. */
  name: string;
  run: JobFn<P>;
  /** Runs by itself every so many minutes (with an empty payload), besides any enqueued run. */
  everyMinutes?: number;
  retry?: RetryPolicy;
};

export type EnqueueOptions = {
  /** Delay before the first attempt. */
  startAfterSeconds?: number;
};

export interface JobRunner {
  readonly kind: "pg-boss" | "in-process";
  start(): Promise<void>;
  /** Queues one run of a registered job; resolves once it is stored (pg-boss) or scheduled (in process). */
  enqueue(name: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
  /** Stops taking work and waits (bounded) for runs in progress. */
  stop(): Promise<void>;
}

export const NO_RETRY: RetryPolicy = { limit: 0, delaySeconds: 0 };

/** The wait after the n-th failed attempt (n ≥ 1): delay, 2 × delay, 4 × delay… */
export function backoffSeconds(policy: RetryPolicy, failures: number): number {
  return policy.delaySeconds * 2 ** Math.max(0, failures - 1);
}

/** A five-field cron expression for "every N minutes" (pg-boss schedules by cron). */
export function cronEvery(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`everyMinutes must be a positive integer, got ${minutes}`);
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `0 */${hours} * * *`;
  return `0 0 */${Math.max(1, Math.round(hours / 24))} * *`;
}

/**
 * The error a runner hands on (pg-boss stores its message and stack with the job): a failed
 * database statement is replaced by one that says no more than failureMessage.
 */
export function storableFailure(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(failureMessage(error));
  const told = failureMessage(error);
  return told === error.message ? error : new Error(told);
}

/** Turns the failure of one run into one line for the server log: the job name and what failureMessage tells, never its payload. */
export function describeFailure(name: string, error: unknown): string {
  return `[connections] job ${name} failed: ${failureMessage(error)}`;
}
