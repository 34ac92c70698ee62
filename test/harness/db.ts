import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseTarget } from "@/db/client";

/** Integration tests run on embedded PGlite always, and on real Postgres when DATABASE_URL is set. */
export const databaseKinds: Array<DatabaseTarget["kind"]> = process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export type TestDatabase = DatabaseHandle & { target: DatabaseTarget; drop(): Promise<void> };

/** A fresh, empty database of the given kind: in-memory PGlite, or a throwaway Postgres database. */
export async function createTestDatabase(kind: DatabaseTarget["kind"], opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let target: DatabaseTarget;
  let dropDatabase = async () => {};
  if (kind === "postgres") {
    const adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) throw new Error("DATABASE_URL is not set");
    const name = `connections_t_${randomBytes(6).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    target = { kind: "postgres", url: url.toString() };
    dropDatabase = async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    target = { kind: "pglite" };
  }
  const handle = await openDatabase(target);
  if (opts.migrate !== false) await migrateDatabase(target, handle);
  return {
    ...handle,
    target,
    async drop() {
      await handle.close();
      await dropDatabase();
    },
  };
}
