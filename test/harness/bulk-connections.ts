/**
 * Many connections at once, for the list tests at scale and bench/list.ts.
 * Inserted in chunks straight into the tables (not through createConnection), with an
 * in-memory copy of what was inserted so tests can compute the expected pages.
 *
 * Names are built so that their order does not depend on the database collation: every
 * ordinary name is "<five-letter word> <five digits>" (case varies), so lower(name)
 * compares the same bytewise, in C, ICU or glibc locales. The few names with `%` and `_`
 * (to test that the filter takes them literally) sort in the middle, far from either end.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { connections, credentials } from "@/db/schema";
import type { ConnectionStatus } from "@/lib/connections/dto";

export const BULK_WORDS = ["alpha", "bravo", "delta", "gamma", "kappa", "omega", "sigma", "theta"] as const;
export const BULK_SERVICES = ["stripe", "openai", "github", "slack", "google_drive", "notion", "sendgrid", "twilio"] as const;

export type BulkConnection = {
  id: string;
  ownerId: string;
  name: string;
  linkName: string;
  catalogLinkName: string;
  shared: boolean;
  createdAt: Date;
  /** The owner's status for it. */
  status: ConnectionStatus;
};

export type BulkSeed = {
  owner: BulkConnection[];
  other: BulkConnection[];
  /** The owner's shared connections the other user has a credential for. */
  otherAuthorized: Set<string>;
};

const pad = (n: number) => String(n).padStart(5, "0");

function nameOf(i: number): string {
  switch (i % 101) {
    case 1:
      return `Sale 50%off ${pad(i)}`;
    case 2:
      return `Sale 50xoff ${pad(i)}`;
    case 3:
      return `Mix q_z ${pad(i)}`;
    case 4:
      return `Mix qxz ${pad(i)}`;
  }
  const word: string = BULK_WORDS[(i * 5) % BULK_WORDS.length];
  const cased = i % 3 === 0 ? word.toUpperCase() : i % 3 === 1 ? word[0].toUpperCase() + word.slice(1) : word;
  return `${cased} ${pad(i)}`;
}

function statusOf(i: number): ConnectionStatus {
  if (i % 3 === 0) return "connected";
  if (i % 10 === 1) return "needs_reauth";
  return "not_connected";
}

/**
 * Inserts `count` connections owned by `owner` (every 50th shared with "use credentials of
 * login user"; a third connected, some needing re-authentication) and `otherCount` owned by
 * `other`, who also holds a credential for the first `otherAuthorizedCount` shared ones.
 */
export async function seedBulkConnections(
  db: Db,
  opts: {
    orgId: string;
    ownerId: string;
    otherId: string;
    count?: number;
    otherCount?: number;
    otherAuthorizedCount?: number;
    chunkSize?: number;
  },
): Promise<BulkSeed> {
  const count = opts.count ?? 10_000;
  const chunkSize = opts.chunkSize ?? 1000;
  const start = Date.UTC(2024, 0, 1);
  const owner: BulkConnection[] = [];
  for (let i = 0; i < count; i += 1) {
    owner.push({
      id: randomUUID(),
      ownerId: opts.ownerId,
      name: nameOf(i),
      // 7919 is prime and does not divide 10^k: a permutation, so link names sort in another order than names.
      linkName: `lnk_${pad((i * 7919) % Math.max(count, 100_000))}`,
      catalogLinkName: BULK_SERVICES[i % BULK_SERVICES.length],
      shared: i % 50 === 0,
      createdAt: new Date(start + i * 60_000),
      status: statusOf(i),
    });
  }
  const other: BulkConnection[] = [];
  for (let i = 0; i < (opts.otherCount ?? 5); i += 1) {
    other.push({
      id: randomUUID(),
      ownerId: opts.otherId,
      name: `Other ${pad(i)}`,
      linkName: `other_${pad(i)}`,
      catalogLinkName: BULK_SERVICES[i % BULK_SERVICES.length],
      shared: false,
      createdAt: new Date(start + i * 60_000),
      status: "not_connected",
    });
  }
  const otherAuthorized = new Set(
    owner
      .filter((c) => c.shared)
      .slice(0, opts.otherAuthorizedCount ?? 20)
      .map((c) => c.id),
  );

  const all = [...owner, ...other];
  for (let k = 0; k < all.length; k += chunkSize) {
    await db.insert(connections).values(
      all.slice(k, k + chunkSize).map((c) => ({
        id: c.id,
        orgId: opts.orgId,
        ownerId: c.ownerId,
        catalogLinkName: c.catalogLinkName,
        name: c.name,
        linkName: c.linkName,
        useLoginUserCredentials: c.shared,
        createdAt: c.createdAt,
        updatedAt: c.createdAt,
      })),
    );
  }

  // Credentials: the payload is never opened by the list, so a placeholder stands in for a sealed one.
  const creds = [
    ...owner
      .filter((c) => c.status !== "not_connected")
      .map((c, n) => ({
        orgId: opts.orgId,
        connectionId: c.id,
        userId: opts.ownerId,
        status: c.status === "connected" ? ("connected" as const) : ("needs_reauth" as const),
        payloadSealed: "placeholder",
        lastUsedAt: n % 4 === 0 ? new Date(start + n * 1000) : null,
      })),
    ...[...otherAuthorized].map((connectionId) => ({
      orgId: opts.orgId,
      connectionId,
      userId: opts.otherId,
      status: "connected" as const,
      payloadSealed: "placeholder",
      lastUsedAt: null,
    })),
  ];
  for (let k = 0; k < creds.length; k += chunkSize) {
    await db.insert(credentials).values(creds.slice(k, k + chunkSize));
  }
  return { owner, other, otherAuthorized };
}
