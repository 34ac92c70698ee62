import "server-only";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { executedRows, migrationsFolder as defaultMigrationsFolder } from "@/db/client";
import { openSecretText, sealSecret, type KeyRing } from "@/lib/crypto";

/**
 * GET /api/ready (docs/architecture.md "Operating it"): the instance may take traffic when its
 * database answers, every migration of db/migrations is applied, and its key ring seals and
 * opens a probe. Each check has a deadline, so a hung database answers "failed", not never.
 */
export type CheckName = "database" | "migrations" | "keyRing";
export type CheckState = "ok" | "failed" | "skipped";

export type Readiness = {
  ready: boolean;
  checks: Record<CheckName, CheckState>;
  /** Why each failed check failed, for the log only: it may name hosts or files. */
  reasons: Partial<Record<CheckName, string>>;
};

export type ReadinessDeps = {
  db: () => Promise<Db>;
  keyRing: () => KeyRing;
  migrationsFolder?: string;
  timeoutMs?: number;
};

type JournalEntry = { idx: number; when: number; tag: string };

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The migrations db/migrations/meta/_journal.json lists, which drizzle's migrator applies in order. */
export function journalEntries(folder: string): JournalEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/**
 * The journal's migrations the database has not applied. Drizzle records each applied migration
 * in drizzle.__drizzle_migrations with the journal's `when` as created_at and applies only
 * those newer than the latest row, so that comparison is the one that matters.
 */
export async function pendingMigrations(db: Db, folder: string): Promise<string[]> {
  const rows = executedRows(await db.execute(sql`select max(created_at) as latest from drizzle.__drizzle_migrations`));
  const latest = rows[0]?.latest == null ? -Infinity : Number(rows[0].latest);
  return journalEntries(folder)
    .filter((entry) => entry.when > latest)
    .map((entry) => entry.tag);
}

function probeKeyRing(ring: KeyRing): void {
  const ctx = { table: "readiness", rowId: "probe", userId: "probe" };
  const probe = `ready-${Date.now()}`;
  if (openSecretText(sealSecret(probe, ctx, ring), ctx, ring) !== probe) throw new Error("the key ring did not round-trip");
}

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 3_000;
  const folder = deps.migrationsFolder ?? defaultMigrationsFolder;
  const checks: Record<CheckName, CheckState> = { database: "skipped", migrations: "skipped", keyRing: "skipped" };
  const reasons: Readiness["reasons"] = {};

  try {
    probeKeyRing(deps.keyRing());
    checks.keyRing = "ok";
  } catch (error) {
    checks.keyRing = "failed";
    reasons.keyRing = reasonOf(error);
  }

  let db: Db | undefined;
  try {
    db = await withDeadline(
      deps.db().then(async (handle) => {
        await handle.execute(sql`select 1`);
        return handle;
      }),
      timeoutMs,
      "the database",
    );
    checks.database = "ok";
  } catch (error) {
    checks.database = "failed";
    reasons.database = reasonOf(error);
  }

  if (db) {
    try {
      const pending = await withDeadline(pendingMigrations(db, folder), timeoutMs, "the migrations table");
      if (pending.length > 0) throw new Error(`not applied: ${pending.join(", ")}`);
      checks.migrations = "ok";
    } catch (error) {
      checks.migrations = "failed";
      reasons.migrations = reasonOf(error);
    }
  }

  return { ready: Object.values(checks).every((state) => state === "ok"), checks, reasons };
}

/** The answer of GET /api/ready: 200 when ready, else 503 with the failed checks named. */
export function readinessBody(readiness: Readiness): {
  status: number;
  body: { status: "ready" | "not_ready"; checks: Record<CheckName, CheckState>; failed?: CheckName[] };
} {
  if (readiness.ready) return { status: 200, body: { status: "ready", checks: readiness.checks } };
  const failed = (Object.keys(readiness.checks) as CheckName[]).filter((name) => readiness.checks[name] === "failed");
  return { status: 503, body: { status: "not_ready", checks: readiness.checks, failed } };
}
