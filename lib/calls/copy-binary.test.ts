/**
 * The binary COPY encoder against a real PGlite: every kind of value the call log writes
 * (uuids, nulls, text in any script, integers at and past their bounds, timestamps before and
 * after 2000) comes back as it went in, a payload larger than the first buffer is whole, and
 * malformed input is refused before it reaches the database.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryCopyEncoder } from "./copy-binary";

let pg: PGlite;
beforeAll(async () => {
  pg = new PGlite();
  await pg.exec(
    "create table t (n serial primary key, u uuid, label text, amount integer, at timestamptz not null default now())",
  );
});
afterAll(async () => {
  await pg?.close();
});

async function load(encoder: BinaryCopyEncoder) {
  await pg.exec("truncate t");
  await pg.query("copy t (u, label, amount, at) from '/dev/blob' with (format binary)", [], {
    blob: new Blob([encoder.finish()]),
  });
  const { rows } = await pg.query<{ u: string | null; label: string | null; amount: number | null; at: Date }>(
    "select u, label, amount, at from t order by n",
  );
  return rows;
}

describe("BinaryCopyEncoder", () => {
  it("round-trips every value the call log writes", async () => {
    const values = [
      {
        u: "0190a5b4-7c3e-7def-8abc-0123456789AB",
        label: "/日本語/ü?q=…\t\\N\n",
        amount: 0,
        at: new Date("2026-12-06T18:20:31.123Z"),
      },
      { u: null, label: null, amount: null, at: new Date("1999-12-31T23:59:59.999Z") },
      { u: "ffffffff-ffff-ffff-ffff-ffffffffffff", label: "", amount: -42, at: new Date(0) },
      { u: "00000000-0000-0000-0000-000000000000", label: "😀", amount: 2 ** 31 - 1, at: new Date("2000-01-01T00:00:00Z") },
      // A lone surrogate (JavaScript strings may hold one; UTF-8 cannot) is stored as U+FFFD.
      { u: null, label: "a\uD800b", amount: 1, at: new Date("2026-01-01T00:00:00Z") },
    ];
    const encoder = new BinaryCopyEncoder(4);
    for (const v of values) encoder.row().uuid(v.u).text(v.label).int4(v.amount).timestamptz(v.at);
    expect(encoder.rowCount).toBe(5);
    const rows = await load(encoder);
    expect(rows).toEqual(
      values.map((v) => ({ ...v, u: v.u?.toLowerCase() ?? null, label: v.label?.replace("\uD800", "\uFFFD") ?? null })),
    );
  });

  it("rounds integers and holds them within 32 bits", async () => {
    const encoder = new BinaryCopyEncoder(4);
    for (const amount of [1.6, -1.4, 2 ** 40, -(2 ** 40)])
      encoder.row().uuid(null).text("x").int4(amount).timestamptz(new Date());
    expect((await load(encoder)).map((r) => r.amount)).toEqual([2, -1, 2 ** 31 - 1, -(2 ** 31)]);
  });

  it("grows past its first buffer without losing a byte", async () => {
    const encoder = new BinaryCopyEncoder(4);
    const long = "ß".repeat(40_000); // 80,000 bytes of UTF-8
    for (let i = 0; i < 3; i += 1) encoder.row().uuid(null).text(`${i}${long}`).int4(i).timestamptz(new Date());
    const rows = await load(encoder);
    expect(rows.map((r) => r.label)).toEqual([0, 1, 2].map((i) => `${i}${long}`));
  });

  it("refuses what is not a uuid, and rows with the wrong number of fields", () => {
    for (const bad of ["not-a-uuid", "0190a5b4-7c3e-7def-8abc-0123456789az", "0190a5b47c3e7def8abc0123456789abcdef"]) {
      expect(() => new BinaryCopyEncoder(1).row().uuid(bad)).toThrow(/not a uuid/);
    }
    expect(() => new BinaryCopyEncoder(2).row().int4(1).row()).toThrow(/short/);
    expect(() => new BinaryCopyEncoder(2).row().int4(1).finish()).toThrow(/short/);
    expect(() => new BinaryCopyEncoder(1).row().int4(1).int4(2)).toThrow(/more fields/);
    // Nothing is written as a plausible value it is not: NaN is not 0.
    for (const bad of [Number.NaN, Infinity, -Infinity]) expect(() => new BinaryCopyEncoder(1).row().int4(bad)).toThrow(/finite/);
    expect(() => new BinaryCopyEncoder(1).row().timestamptz(new Date("not a date"))).toThrow(/valid date/);
  });
});
