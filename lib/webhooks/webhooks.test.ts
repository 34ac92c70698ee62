/**
 * Webhooks end to end below the UI, on both databases: an admin adds an endpoint (members
 * may not; private addresses refused by the SSRF guard unless allowed), connection events
 * become deliveries that a test receiver verifies with the `standardwebhooks` package,
 * failed deliveries are retried by the job runner with backoff (same webhook-id) until they
 * succeed or the policy gives up, and no delivery carries a secret.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { createConnection } from "@/lib/connections/create-connection";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { createInProcessRunner } from "@/lib/jobs/in-process";
import { startJobs, stopJobs } from "@/lib/jobs";
import type { DomainError } from "@/lib/errors";
import { emitRefresh } from "@/lib/observe/events";
import {
  createTestDatabase,
  databaseKinds,
  rejection,
  seedPeople,
  setupTestEnv,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";
import { deliverWebhook, deliverWebhookJob } from "./deliver";
import { DELIVER_JOB, emitWebhookEvent, resumeUnfinishedDeliveries } from "./emit";
import { createWebhook, deleteWebhook, listWebhooks, sendTestEvent } from "./manage-webhooks";
import { subscribeRefreshWebhooks } from "./refresh-events";

type Received = { headers: IncomingMessage["headers"]; body: string };
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** The receiver answers 500 to this many requests before answering 204. */
let failFirst = 0;

beforeAll(async () => {
  setupTestEnv();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (failFirst > 0) {
        failFirst -= 1;
        res.writeHead(500).end("busy");
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(() => {
  received = [];
  failFirst = 0;
});

/** Verifies like a receiver would; returns the parsed payload. */
function verify(secret: string, r: Received) {
  const headers = {
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(r.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

describe.each(databaseKinds)("webhooks (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const deliveriesOf = (webhookId: string) =>
    database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));

  it("only admins manage webhooks; a private address is refused unless private networks are allowed", async () => {
    const forbidden = await rejection(
      createWebhook(database.db, people.bob, { url: receiverUrl, events: ["connection.created"] }),
    );
    expect(forbidden.code).toBe("forbidden");
    const blocked = await rejection(
      createWebhook(
        database.db,
        people.ada,
        { url: receiverUrl, events: ["connection.created"] },
        { allowPrivateNetwork: false },
      ),
    );
    expect(blocked.code).toBe("invalid");
    expect((blocked as DomainError).fieldErrors?.url?.[0]).toMatch(/http is not allowed|not a public address/);
    const metadata = await rejection(
      createWebhook(
        database.db,
        people.ada,
        { url: "https://169.254.169.254/latest", events: ["connection.created"] },
        { allowPrivateNetwork: false },
      ),
    );
    expect((metadata as DomainError).fieldErrors?.url?.[0]).toMatch(/not a public address/);
    expect(await listWebhooks(database.db, people.ada)).toHaveLength(0);
  });

  it("a connection event is delivered signed per Standard Webhooks, verified by the standardwebhooks package, without secrets", async () => {
    const { webhook, secret } = await createWebhook(database.db, people.ada, {
      url: receiverUrl,
      events: ["connection.created", "connection.deleted"],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const [stored] = await database.db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(stored.secretSealed).not.toContain(secret.slice(6));

    const created = await createConnection(database.db, people.ada, {
      name: "Hooked",
      linkName: "hooked",
      service: { kind: "catalog", linkName: "github" },
      scopes: [],
      scopeDelimiter: "comma",
      useLoginUserCredentials: false,
    });
    const [pending] = await deliveriesOf(webhook.id);
    expect(pending).toMatchObject({ eventType: "connection.created", status: "pending", attempts: 0 });

    await deliverWebhookJob(database.db, { deliveryId: pending.id });
    expect(received).toHaveLength(1);
    const event = verify(secret, received[0]);
    expect(event).toMatchObject({ type: "connection.created", data: { connectionId: created.id, linkName: "hooked" } });
    expect(received[0].headers["webhook-id"]).toBe(pending.id);
    expect(received[0].headers["content-type"]).toBe("application/json");
    expect(received[0].body).not.toContain(secret);
    // Another secret does not verify it.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(received[0].body, received[0].headers as never),
    ).toThrow();

    const [done] = await deliveriesOf(webhook.id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, lastStatus: 204 });
    // A duplicate run of a settled delivery sends nothing.
    await deliverWebhookJob(database.db, { deliveryId: pending.id });
    expect(received).toHaveLength(1);

    // Events the webhook did not ask for are not recorded.
    await emitWebhookEvent(database.db, people.ada.orgId, "connection.revoked", { connectionId: created.id });
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
    await deleteConnection(database.db, people.ada, created.id);
    expect((await deliveriesOf(webhook.id)).map((d) => d.eventType).sort()).toEqual(["connection.created", "connection.deleted"]);

    // The list shows the delivery log to admins of the organization only.
    const [listed] = await listWebhooks(database.db, people.ada);
    expect(listed.deliveries.map((d) => d.status)).toContain("succeeded");
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await rejection(listWebhooks(database.db, people.bob))).toMatchObject({ code: "forbidden" });
    expect(await rejection(deleteWebhook(database.db, people.eve, webhook.id))).toMatchObject({ code: "not_found" }); // another organization's
    await deleteWebhook(database.db, people.ada, webhook.id);
  });

  it("each webhook's delivery log keeps its own last 20: a busy webhook does not push a quiet one's off the page", async () => {
    const { webhook: quiet } = await createWebhook(database.db, people.ada, {
      url: `${receiverUrl}/quiet`,
      events: ["connection.created"],
    });
    const { webhook: busy } = await createWebhook(database.db, people.ada, {
      url: `${receiverUrl}/busy`,
      events: ["connection.created"],
    });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const delivery = (webhookId: string, minutesAgo: number) => ({
      orgId: people.ada.orgId,
      webhookId,
      eventType: "connection.created",
      payload: {},
      status: "succeeded" as const,
      attempts: 1,
      lastStatus: 204,
      createdAt: at(minutesAgo),
    });
    // The quiet webhook's two deliveries are older than all 45 of the busy one's.
    await database.db.insert(webhookDeliveries).values([delivery(quiet.id, 120), delivery(quiet.id, 119)]);
    await database.db.insert(webhookDeliveries).values(Array.from({ length: 45 }, (_, i) => delivery(busy.id, 60 - i)));
    const listed = await listWebhooks(database.db, people.ada);
    const of = (id: string) => listed.find((w) => w.id === id)!.deliveries;
    expect(of(quiet.id)).toHaveLength(2);
    expect(of(busy.id)).toHaveLength(20);
    // Newest first: the busy webhook's newest is the one of 16 minutes ago.
    const times = of(busy.id).map((d) => Date.parse(d.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(times[0]).toBeGreaterThan(Date.now() - 17 * 60_000);
    await deleteWebhook(database.db, people.ada, quiet.id);
    await deleteWebhook(database.db, people.ada, busy.id);
  });

  it("failed deliveries are retried by the job runner with backoff, same webhook-id, until the receiver takes them", async () => {
    const { webhook, secret } = await createWebhook(database.db, people.ada, {
      url: receiverUrl,
      events: ["connection.needs_reauth"],
    });
    failFirst = 2;
    const runner = createInProcessRunner(
      database.db,
      [{ name: DELIVER_JOB, run: deliverWebhookJob, retry: { limit: 5, delaySeconds: 1 } }],
      {
        msPerSecond: 20,
        onError: () => undefined,
      },
    );
    await runner.start();
    const [deliveryId] = await emitWebhookEvent(database.db, people.ada.orgId, "connection.needs_reauth", { connectionId: "c1" });
    await runner.enqueue(DELIVER_JOB, { deliveryId });
    while ((await deliveriesOf(webhook.id))[0]?.status !== "succeeded") await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["webhook-id"]))).toEqual(new Set([deliveryId]));
    for (const r of received) expect(verify(secret, r).type).toBe("connection.needs_reauth");
    const [row] = await deliveriesOf(webhook.id);
    expect(row).toMatchObject({ status: "succeeded", attempts: 3, lastStatus: 204, lastError: null });
    await deleteWebhook(database.db, people.ada, webhook.id);
  });

  it("gives up after the last attempt and records why; the SSRF guard refuses at delivery time too", async () => {
    const { webhook } = await createWebhook(database.db, people.ada, { url: receiverUrl, events: ["credential.refresh_failed"] });
    failFirst = 100;
    const [id] = await emitWebhookEvent(database.db, people.ada.orgId, "credential.refresh_failed", { connectionId: "c2" });
    await expect(deliverWebhook(database.db, id, { maxAttempts: 2 })).rejects.toThrow(/answered 500/);
    await deliverWebhook(database.db, id, { maxAttempts: 2 }); // final: recorded, not thrown
    const [row] = await deliveriesOf(webhook.id);
    expect(row).toMatchObject({ status: "failed", attempts: 2, lastStatus: 500, lastError: "The endpoint answered 500." });

    received = [];
    const [blockedId] = await emitWebhookEvent(database.db, people.ada.orgId, "credential.refresh_failed", {
      connectionId: "c3",
    });
    await expect(deliverWebhook(database.db, blockedId, { allowPrivateNetwork: false })).rejects.toThrow();
    expect(received).toHaveLength(0);
    const [blocked] = (await deliveriesOf(webhook.id)).filter((d) => d.id === blockedId);
    expect(blocked).toMatchObject({ status: "retrying", attempts: 1, lastStatus: null });
    expect(blocked.lastError).toMatch(/not allowed|not a public address/);
    await deleteWebhook(database.db, people.ada, webhook.id);
  });

  it("deliveries recorded while no runner ran (or whose in-memory retries a restart lost) are queued again at start", async () => {
    const { webhook, secret } = await createWebhook(database.db, people.ada, {
      url: receiverUrl,
      events: ["connection.deleted"],
    });
    const [id] = await emitWebhookEvent(database.db, people.ada.orgId, "connection.deleted", { connectionId: "c5" });
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ id, status: "pending" });
    await startJobs(database.db, [{ name: DELIVER_JOB, run: deliverWebhookJob, retry: { limit: 1, delaySeconds: 1 } }]);
    try {
      expect(await resumeUnfinishedDeliveries(database.db)).toBe(1);
      while ((await deliveriesOf(webhook.id))[0]?.status !== "succeeded") await new Promise((r) => setTimeout(r, 20));
    } finally {
      await stopJobs();
    }
    expect(received.map((r) => verify(secret, r).type)).toEqual(["connection.deleted"]);
    expect(await resumeUnfinishedDeliveries(database.db)).toBe(0);
    await deleteWebhook(database.db, people.ada, webhook.id);
  });

  it("token renewals that fail become needs_reauth / refresh_failed events; the test event goes to one webhook through the running jobs", async () => {
    const { webhook, secret } = await createWebhook(database.db, people.ada, {
      url: receiverUrl,
      events: ["connection.needs_reauth", "credential.refresh_failed"],
    });
    const off = subscribeRefreshWebhooks(database.db);
    const base = { at: new Date(), orgId: people.ada.orgId, connectionId: "c4", service: "github", userId: people.ada.id };
    emitRefresh({ ...base, outcome: "needs_reauth", providerError: "invalid_grant" });
    emitRefresh({ ...base, outcome: "failed", providerError: null });
    emitRefresh({ ...base, outcome: "refreshed", providerError: null });
    off();
    let rows = await deliveriesOf(webhook.id);
    for (let i = 0; rows.length < 2 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      rows = await deliveriesOf(webhook.id);
    }
    expect(rows.map((d) => d.eventType).sort()).toEqual(["connection.needs_reauth", "credential.refresh_failed"]);

    await startJobs(database.db, [{ name: DELIVER_JOB, run: deliverWebhookJob, retry: { limit: 1, delaySeconds: 1 } }]);
    try {
      const deliveryId = await sendTestEvent(database.db, people.ada, webhook.id);
      while (!received.some((r) => r.headers["webhook-id"] === deliveryId)) await new Promise((r) => setTimeout(r, 20));
      const test = received.find((r) => r.headers["webhook-id"] === deliveryId)!;
      expect(verify(secret, test)).toMatchObject({ type: "webhook.test", data: { webhookId: webhook.id } });
    } finally {
      await stopJobs();
    }
    expect(await rejection(sendTestEvent(database.db, people.bob, webhook.id))).toMatchObject({ code: "forbidden" });
    await deleteWebhook(database.db, people.ada, webhook.id);
  });
});
