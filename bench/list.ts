/**
 * `npm run bench:list`: the server time of a connections list page at 10,000 connections,
 * next to the time of the bare SQL it runs (docs/product.md §4, issue "Connections page").
 *
 * Uses in-memory PGlite, or, when DATABASE_URL is set, a throwaway database on that
 * Postgres server (created and dropped here, like test/harness/db.ts). Seeds 10,000
 * connections for ada (test/harness/bulk-connections.ts), then times BENCH_RUNS (default 200)
 * calls of each case after a warm-up:
 *   - listConnections(...) : lib/connections/list-connections.ts, rows + total, mapped to DTOs;
 *   - bare SQL             : the same two statements (page and count, same joins, filter,
 *                            order, limit), written by hand and sent through the driver.
 */
import { performance } from "node:perf_hooks";
import { listConnections } from "@/lib/connections/list-connections";
import { listQuerySchema } from "@/lib/validation/connections";
import { createAppContext, setupTestEnv } from "@/test/harness";
import { seedBulkConnections } from "@/test/harness/bulk-connections";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = Math.min(20, RUNS);
const COUNT = 10_000;

type Row = Record<string, unknown>;
type RawQuery = (text: string, params: unknown[]) => Promise<Row[]>;

/** A query function on the driver under drizzle (`db.$client`): PGlite or postgres.js. */
function rawQueryOf(kind: "pglite" | "postgres", client: unknown): RawQuery {
  if (kind === "pglite") {
    const pg = client as { query(text: string, params: unknown[]): Promise<{ rows: Row[] }> };
    return async (text, params) => (await pg.query(text, params)).rows;
  }
  const sql = client as { unsafe(text: string, params: unknown[]): Promise<Row[]> };
  return (text, params) => sql.unsafe(text, params as never[]);
}

/**
 * The SQL listConnections runs for the "own" tab, by hand: the same columns (it selects the
 * whole left-joined services row to build custom service definitions), joins, filter, order
 * and limit, and the same count.
 */
function bareSql(opts: { filtered: boolean; orderBy: string }) {
  const joins = `
    from connections c
    left join credentials cr on cr.connection_id = c.id and cr.user_id = $1
    left join services s on s.id = c.service_id`;
  const where = `
    where c.org_id = $2 and c.owner_id = $1${
      opts.filtered ? ` and (c.name ilike $3 or c.link_name ilike $3 or c.catalog_link_name ilike $3 or s.name ilike $3)` : ""
    }`;
  const page = `
    select c.id, c.name, c.link_name, c.catalog_link_name, s.name as custom_name,
      s.id as s_id, s.created_by as s_created_by, s.name as s_name, s.link_name as s_link_name,
      s.auth_type as s_auth_type, s.config as s_config,
      case cr.status when 'connected' then 'connected' when 'needs_reauth' then 'needs_reauth' else 'not_connected' end as status,
      coalesce(cr.last_used_at, c.last_used_at) as last_used_at, c.created_at, u.name as owner_name, c.owner_id
    ${joins}
    inner join users u on u.id = c.owner_id
    ${where}
    order by ${opts.orderBy}
    limit 20 offset 0`;
  const count = `select count(*)::int as total ${joins} ${where}`;
  return { page, count };
}

type Stats = { median: number; p95: number; mean: number };

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function time(fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

const ms = (n: number) => `${n.toFixed(3)} ms`;

async function main() {
  setupTestEnv();
  const kind = process.env.DATABASE_URL ? "postgres" : "pglite";
  console.log(`Connections list benchmark on ${kind === "postgres" ? "Postgres (a throwaway database)" : "PGlite (in memory)"}`);
  const ctx = await createAppContext(kind);
  try {
    const { ada, bob } = ctx.actors;
    const seedStart = performance.now();
    await seedBulkConnections(ctx.db, { orgId: ada.orgId, ownerId: ada.id, otherId: bob.id, count: COUNT });
    console.log(
      `Seeded ${COUNT.toLocaleString("en")} connections in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; ${RUNS} runs per case after ${WARMUP} warm-up runs.\n`,
    );
    await ctx.db.execute("analyze");

    const raw = rawQueryOf(kind, (ctx.db as unknown as { $client: unknown }).$client);
    const cases = [
      {
        label: "first page (newest first)",
        query: listQuerySchema.parse({}),
        sql: bareSql({ filtered: false, orderBy: "c.created_at desc, c.id desc" }),
        params: [ada.id, ada.orgId],
      },
      {
        label: 'filtered page (q="gamma", name asc)',
        query: listQuerySchema.parse({ q: "gamma", sort: "name", dir: "asc" }),
        sql: bareSql({ filtered: true, orderBy: "lower(c.name) asc, c.id asc" }),
        params: [ada.id, ada.orgId, "%gamma%"],
      },
    ];

    const table: string[][] = [["case", "", "median", "p95", "mean", "rows", "total"]];
    const ratios: string[] = [];
    for (const c of cases) {
      const app = () => listConnections(ctx.db, ada, "own", c.query);
      const bare = () => Promise.all([raw(c.sql.page, c.params), raw(c.sql.count, c.params)]);
      // The hand-written SQL must answer exactly what the function answers.
      const [dto, [rows, [{ total }]]] = await Promise.all([app(), bare()]);
      const same = dto.total === Number(total) && dto.rows.map((r) => r.id).join() === rows.map((r) => r.id).join();
      if (!same) throw new Error(`the bare SQL of "${c.label}" does not return what listConnections returns`);

      const a = await time(app);
      const b = await time(bare);
      table.push([c.label, "listConnections", ms(a.median), ms(a.p95), ms(a.mean), String(dto.rows.length), String(dto.total)]);
      table.push(["", "bare SQL", ms(b.median), ms(b.p95), ms(b.mean), String(rows.length), String(total)]);
      ratios.push(
        `${c.label}: listConnections / bare SQL = ${(a.median / b.median).toFixed(2)}x (median), ${(a.mean / b.mean).toFixed(2)}x (mean)`,
      );
    }
    // The Status column sorts by the health it shows (lib/connections/health.ts): a look-up of
    // the credential's last calls per matching row, so it is timed with calls in the log —
    // six for each connected credential, every other one failing — next to the default order.
    await ctx.db
      .execute(`insert into call_log (org_id, connection_id, credential_user_id, caller_id, method, host, path, status, app_ms, created_at)
      select c.org_id, c.id, cr.user_id, cr.user_id, 'GET', 'api.example.test', '/items', case when g % 2 = 0 then 200 else 503 end, 1,
        now() - g * interval '1 minute'
      from connections c join credentials cr on cr.connection_id = c.id, generate_series(1, 6) g`);
    await ctx.db.execute("analyze");
    const byDate = await time(() => listConnections(ctx.db, ada, "own", listQuerySchema.parse({})));
    for (const dir of ["asc", "desc"] as const) {
      const query = listQuerySchema.parse({ sort: "status", dir });
      const page = await listConnections(ctx.db, ada, "own", query);
      const t = await time(() => listConnections(ctx.db, ada, "own", query));
      table.push([
        `sorted by Status (${dir}), calls in the log`,
        "listConnections",
        ms(t.median),
        ms(t.p95),
        ms(t.mean),
        String(page.rows.length),
        String(page.total),
      ]);
      ratios.push(
        `sorted by Status (${dir}) / newest first, same log: ${(t.median / byDate.median).toFixed(2)}x (median ${ms(t.median)} vs ${ms(byDate.median)})`,
      );
    }

    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    for (const [i, r] of table.entries()) {
      console.log(r.map((cell, j) => (j >= 2 ? cell.padStart(widths[j]) : cell.padEnd(widths[j]))).join("  "));
      if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
    }
    console.log("");
    for (const r of ratios) console.log(r);
  } finally {
    await ctx.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
