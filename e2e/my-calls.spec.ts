import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./a11y";
import { E2E_PORT, ECHO_URL } from "./env";
import { createApiKeyService, signIn } from "./helpers";
import { startPeers } from "./peers-fixture";
import { recordSecret } from "./secrets";

/**
 * "My calls" (docs/product.md §10) in Chromium: Bob calls Ada's "Everyone in my
 * organization" connection, finds his calls (and only his) under "My calls", filters them
 * by status, and still cannot open the connection's summary page, which stays hidden from
 * him (§5). Ada finds her own call there, linked to her connection's summary page.
 */

const APP = `http://127.0.0.1:${E2E_PORT}`;
const TEAM_KEY = "e2e-my-calls-team-key-41d7";
recordSecret(TEAM_KEY);
const LINK_NAME = "my_calls_team";

let peers: Awaited<ReturnType<typeof startPeers>>;
test.beforeAll(async () => {
  peers = await startPeers();
});
test.afterAll(async () => {
  await peers?.close();
});

/** A call to the invoke API with the page's session cookie, from our own origin, as our pages would send it. */
async function invokeAs(page: Page, path: string) {
  const response = await page.request.post(`${APP}/api/v1/invoke`, {
    headers: { origin: APP },
    data: { connection: LINK_NAME, url: `${ECHO_URL}${path}`, method: "GET" },
  });
  return response.status();
}

test("a member sees his own calls of a colleague's team connection under My calls, filters them, and still cannot open it", async ({
  page,
  browser,
}) => {
  // Ada: a custom API-key service of the echo API, and a connection of it open to everyone in Acme.
  await signIn(page, "ada@acme.test");
  await createApiKeyService(page, "My Calls Keys");
  await page.getByLabel("Connection Name").fill("My calls team");
  await page
    .getByRole("radiogroup", { name: "Who can use it" })
    .getByRole("radio", { name: "Everyone in my organization" })
    .check();
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await dialog.getByLabel("Your API key").fill(TEAM_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  const summaryPath = new URL(page.url()).pathname;
  expect(await invokeAs(page, "/my-calls/ada")).toBe(200);

  // Bob calls it with Ada's credential: one answer succeeds, one fails.
  // A context of its own (not browser.newPage()), which axe needs.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, "bob@acme.test");
  expect(await invokeAs(bob, "/my-calls/bob")).toBe(200);
  expect(await invokeAs(bob, "/status/503")).toBe(503);

  // Written in batches off the call path: the rows appear within a moment.
  await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My calls" }).click();
  await expect(bob.getByRole("heading", { name: "My calls", level: 1 })).toBeVisible();
  await expect(bob).toHaveURL(/\/calls$/);
  await expect(bob).toHaveTitle("My calls · Connections");
  await expect(bob.getByRole("link", { name: "My calls" })).toHaveAttribute("aria-current", "page");
  const calls = bob.getByRole("table", { name: "My calls" });
  await expect(async () => {
    await bob.goto("/calls");
    await expect(calls.getByRole("row")).toHaveCount(3, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(calls.getByRole("columnheader")).toHaveText(["Time", "Connection", "Method", "URL", "Status", "Duration"]);
  const own = calls.getByRole("row", { name: /my-calls\/bob/ });
  await expect(own.getByRole("cell").nth(1)).toHaveText(LINK_NAME);
  await expect(own.getByRole("cell").nth(2)).toHaveText("GET");
  await expect(own.getByRole("cell").nth(4)).toHaveText("200");
  await expect(own.getByRole("cell").nth(5)).toContainText(/\d+ ms \(app \d+ ms, upstream \d+ ms\)/);
  // The connection is not listed for Bob, so its name leads nowhere; Ada's call is not his to see.
  await expect(calls.getByRole("link")).toHaveCount(0);
  await expect(calls).not.toContainText("/my-calls/ada");
  await expectAccessible(bob, "/calls with calls");

  // The status filter pages on the server, through the URL.
  await bob.getByRole("radiogroup", { name: "Call status" }).getByRole("radio", { name: "Failed" }).check();
  await expect(bob).toHaveURL(/calls_outcome=failed/);
  await expect(calls.getByRole("row")).toHaveCount(2);
  await expect(calls).toContainText("/status/503");
  await bob.getByRole("radio", { name: "Succeeded" }).check();
  await expect(bob).toHaveURL(/calls_outcome=succeeded/);
  await expect(calls.getByRole("row")).toHaveCount(2);
  await expect(calls).toContainText("/my-calls/bob");
  await expect(calls).not.toContainText("/status/503");

  // The summary page still answers as if the connection did not exist.
  const summary = await bob.goto(summaryPath);
  expect(summary?.status()).toBe(404);
  await bobContext.close();

  // Ada sees her own call, and only hers, linked to her connection's summary page.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My calls" }).click();
  await expect(page.getByRole("heading", { name: "My calls", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/calls$/);
  const adaCalls = page.getByRole("table", { name: "My calls" });
  await expect(async () => {
    await page.goto("/calls");
    await expect(adaCalls.getByRole("row", { name: /my-calls\/ada/ })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(adaCalls).not.toContainText("/my-calls/bob");
  await adaCalls
    .getByRole("row", { name: /my-calls\/ada/ })
    .getByRole("link", { name: LINK_NAME })
    .click();
  await expect(page).toHaveURL(new RegExp(`${summaryPath}$`));
  await expect(page.getByRole("heading", { name: "My calls team", level: 1 })).toBeVisible();
});
