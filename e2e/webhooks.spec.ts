import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { expectAccessible } from "./a11y";
import { signIn } from "./helpers";

/**
 * Settings → Webhooks in Chromium: an admin adds an endpoint (a receiver on loopback; the
 * suite allows private networks), sees the signing secret once, sends a test event that
 * the receiver verifies with the `standardwebhooks` package, and reads it in the delivery log.
 */
type Received = { headers: IncomingHttpHeaders; body: string };
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

test.beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

test.afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

test.describe.configure({ mode: "serial" });

test("an admin adds a webhook, sees its secret once, sends a signed test event and finds it in the delivery log", async ({
  page,
}) => {
  await signIn(page, "ada@acme.test");
  await page.goto("/settings");
  await page.getByRole("link", { name: /Webhooks/ }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

  // A scheme the SSRF guard refuses is a field error, not a webhook.
  await page.getByLabel("Endpoint URL").fill("ftp://127.0.0.1/hooks");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByText(/scheme "ftp:" is not allowed/)).toBeVisible();

  await page.getByLabel("Endpoint URL").fill(receiverUrl);
  await page.getByRole("checkbox", { name: /credential\.refresh_failed/ }).uncheck();
  await page.getByRole("button", { name: "Add webhook" }).click();
  const secretBox = page.getByLabel("Signing secret");
  await expect(secretBox).toHaveText(/^whsec_[A-Za-z0-9+/=]+$/);
  const secret = (await secretBox.textContent())!;

  const hook = page.getByRole("region", { name: `Webhook ${receiverUrl}` });
  await expect(hook).toContainText("connection.created, connection.revoked, connection.deleted, connection.needs_reauth");
  await expectAccessible(page, "the webhooks settings page");

  await hook.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event sent")).toBeVisible();
  await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(0);
  const delivery = received[0];
  const verified = new Webhook(secret).verify(delivery.body, {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  }) as { type: string; data: Record<string, unknown> };
  expect(verified.type).toBe("webhook.test");
  expect(delivery.body).not.toContain(secret);

  // The delivery log follows the delivery without a reload: queued, then delivered.
  const testRow = () => page.getByRole("region", { name: `Webhook ${receiverUrl}` }).getByRole("row", { name: /webhook\.test/ });
  await expect(testRow()).toContainText("Delivered", { timeout: 20_000 });
  await expect(testRow()).toContainText("HTTP 204");
  // The secret is not shown again; the log is still there after a reload.
  await page.reload();
  await expect(testRow()).toContainText("Delivered");
  await expect(page.getByLabel("Signing secret")).toHaveCount(0);

  await page
    .getByRole("region", { name: `Webhook ${receiverUrl}` })
    .getByRole("button", { name: "Delete" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("No webhooks yet.")).toBeVisible();
});

test("a member cannot manage webhooks", async ({ page }) => {
  await signIn(page, "bob@acme.test");
  await page.goto("/settings");
  await expect(page.getByRole("link", { name: /Webhooks/ })).toHaveCount(0);
  await page.goto("/settings/webhooks");
  await expect(page.getByText("Only an admin can manage webhooks.")).toBeVisible();
  await expect(page.getByLabel("Endpoint URL")).toHaveCount(0);
});
