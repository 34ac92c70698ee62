// Creates (create) or drops (drop) the end-to-end suite's throwaway Postgres database,
// so that the suite never writes into the database DATABASE_URL names.
import postgres from "postgres";

const [action] = process.argv.slice(2);
const adminUrl = process.env.E2E_ADMIN_DATABASE_URL;
const name = process.env.E2E_DATABASE_NAME;
if (!adminUrl || !name) process.exit(0); // PGlite run: nothing to do
if (!/^[a-z0-9_]+$/.test(name)) throw new Error("E2E_DATABASE_NAME must be a plain identifier");
const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
try {
  if (action === "create") await sql.unsafe(`create database ${name}`);
  else await sql.unsafe(`drop database if exists ${name} with (force)`);
} finally {
  await sql.end();
}
