import "server-only";
import PgBoss from "pg-boss";
import type { Db } from "@/db";
import { failureMessage } from "@/lib/observe/logger";
import {
  cronEvery,
  describeFailure,
  NO_RETRY,
  storableFailure,
  type EnqueueOptions,
  type JobDefinition,
  type JobRunner,
} from "./runner";

/**
 * Jobs on Postgres through pg-boss 10 (its tables in the `pgboss` schema of the app's
 * database): one queue per job with the job's retry policy (retryBackoff: the n-th retry
 * waits between delay·2^(n-1) and delay·2^n seconds), periodic jobs as pg-boss schedules
 * (so one instance runs them, not every one), and one worker per queue on every instance.
 */
export type PgBossOptions = {
  connectionString: string;
  /** How often an idle worker looks for work; pg-boss's minimum is 0.5 s. Default 2 s. */
  pollingIntervalSeconds?: number;
  /** pg-boss's own pool; small, besides the app's. Default 3. */
  maxConnections?: number;
  onError?: (line: string) => void;
};

export function createPgBossRunner(db: Db, jobs: JobDefinition[], options: PgBossOptions): JobRunner {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const onError = options.onError ?? ((line: string) => console.error(line));
  let boss: PgBoss | undefined;

  return {
    kind: "pg-boss",
    async start() {
      if (boss) return;
      const instance = new PgBoss({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 3,
        application_name: "connections-jobs",
      });
      // pg-boss reports its own failures (a lost connection, a failed maintenance) here; the job's own errors come below.
      instance.on("error", (error) => onError(`[connections] job runner: ${failureMessage(error)}`));
      await instance.start();
      for (const job of jobs) {
        const retry = job.retry ?? NO_RETRY;
        await instance.createQueue(job.name, {
          name: job.name,
          retryLimit: retry.limit,
          retryDelay: retry.delaySeconds,
          retryBackoff: retry.limit > 0,
        });
        await instance.work<Record<string, unknown>>(
          job.name,
          { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
          async ([next]) => {
            if (!next) return;
            try {
              await job.run(db, next.data ?? {});
            } catch (error) {
              onError(describeFailure(job.name, error));
              throw storableFailure(error); // pg-boss records the failure and schedules the retry
            }
          },
        );
        if (job.everyMinutes) await instance.schedule(job.name, cronEvery(job.everyMinutes), {});
        else await instance.unschedule(job.name).catch(() => undefined);
      }
      boss = instance;
    },
    async enqueue(name: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}) {
      if (!byName.has(name)) throw new Error(`No job named ${name}`);
      if (!boss) return;
      await boss.send(name, payload, opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {});
    },
    async stop() {
      const instance = boss;
      boss = undefined;
      if (!instance) return;
      await instance.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
