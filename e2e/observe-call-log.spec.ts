import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./a11y";
import { ECHO_URL, IDP_CLIENT } from "./env";
import { configureTestIdp, consentInPopup, fillConnectionDetails, signIn } from "./helpers";
import { startPeers } from "./peers-fixture";

/**
 * docs/product.md §10 in Chromium: calls through a connection land in its "Recent calls"
 * and its chart; a refresh the IdP refuses (invalid_grant) shows in "Token refreshes" and
 * as a Reconnect banner in the app shell; reconnecting clears it.
 * Named to run after connections.spec.ts, which expects the Test IdP not yet configured.
 */

let peers: Awaited<ReturnType<typeof startPeers>>;
test.beforeAll(async () => {
  peers = await startPeers();
});
test.afterAll(async () => {
  peers?.idp.refuseRefreshes(false);
  await peers?.close();
});

const LINK_NAME = "logged_idp";

/**
 * Finishes the consent popup whatever the provider asks for this time: its login, its
 * consent page, or nothing (an existing grant lets it answer at once and the popup closes).
 */
async function consentIfAsked(popup: Page, account: string) {
  const closed = popup.isClosed() ? Promise.resolve() : popup.waitForEvent("close", { timeout: 20_000 });
  const login = popup.locator('input[name="login"]');
  const consent = popup.getByRole("button", { name: "Continue" });
  const shown = () =>
    Promise.race([
      closed.then(() => false),
      login
        .or(consent)
        .first()
        .waitFor()
        .then(
          () => true,
          () => false,
        ),
    ]);
  if (!(await shown())) return;
  if (await login.isVisible()) {
    await login.fill(account);
    await popup.locator('input[name="password"]').fill("any-password");
    await popup.locator('button[type="submit"]').click();
    if (
      !(await Promise.race([
        closed.then(() => false),
        consent.waitFor().then(
          () => true,
          () => false,
        ),
      ]))
    )
      return;
  }
  await consent.click().catch(() => undefined); // the popup may close as the click lands
  await closed;
}

/** A call through the connection with the browser's session, as the app's own pages make them. */
async function invoke(page: Page, url: string) {
  return page.request.post("/api/v1/invoke", {
    headers: { origin: new URL(page.url()).origin },
    data: { connection: LINK_NAME, url },
  });
}

test("calls show in Recent calls and the chart; a refused refresh asks to Reconnect, and reconnecting clears it", async ({
  page,
}) => {
  await signIn(page, "ada@acme.test");
  await configureTestIdp(page, IDP_CLIENT.client_id, IDP_CLIENT.client_secret);
  await fillConnectionDetails(page, { service: "Test IdP", name: "Logged IdP", scopes: ["read"] });
  const popup = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await consentInPopup(await popup, "ada-calls");
  const details = page.getByRole("region", { name: "Connection summary" });
  await expect(details.getByText("Connected", { exact: true })).toBeVisible();
  const summaryUrl = page.url();

  expect((await invoke(page, `${ECHO_URL}/oauth/protected?page=1`)).status()).toBe(200);
  expect((await invoke(page, `${ECHO_URL}/oauth/protected?page=2`)).status()).toBe(200);
  expect((await invoke(page, `${ECHO_URL}/status/503`)).status()).toBe(503);

  // Written in batches off the call path: the rows appear within a moment.
  const calls = page.getByRole("table", { name: "Recent calls" });
  await expect(async () => {
    await page.goto(summaryUrl);
    await expect(calls.getByRole("row")).toHaveCount(4, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(calls.getByRole("columnheader")).toHaveText(["Time", "Caller", "Method", "URL", "Status", "Duration"]);
  const first = calls.getByRole("row", { name: /oauth\/protected\?page=1/ });
  await expect(first).toContainText("Ada Lovelace");
  await expect(first.getByRole("cell").nth(2)).toHaveText("GET");
  await expect(first.getByRole("cell").nth(4)).toHaveText("200");
  await expect(first.getByRole("cell").nth(5)).toContainText(/\d+ ms \(app \d+ ms, upstream \d+ ms\)/);
  await expect(
    calls
      .getByRole("row", { name: /status\/503/ })
      .getByRole("cell")
      .nth(4),
  ).toHaveText("503");

  // The chart: drawn by recharts, named for assistive technology, with the same figures as text.
  const chart = page.getByRole("img", {
    name: /^Calls over time by outcome\. 3 calls in the last 24 hours: 2 succeeded, 1 failed\.$/,
  });
  await expect(chart).toBeVisible();
  await expect(chart.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
  await expect.poll(() => chart.locator("path.recharts-rectangle").count()).toBeGreaterThan(0);
  await expect(page.getByText("3 calls in the last 24 hours: 2 succeeded, 1 failed.", { exact: true })).toBeVisible();
  await expectAccessible(page, "Connection summary with its call log");

  // The status filter pages on the server, through the URL.
  await page.getByRole("radiogroup", { name: "Call status" }).getByRole("radio", { name: "Failed" }).check();
  await expect(page).toHaveURL(/calls_outcome=failed/);
  await expect(calls.getByRole("row")).toHaveCount(2);
  await expect(calls).toContainText("/status/503");
  await page.getByRole("radio", { name: "Succeeded" }).check();
  await expect(calls.getByRole("row")).toHaveCount(3);
  await expect(calls).not.toContainText("/status/503");

  // The IdP now refuses refreshes: a 401 from the API makes the app try one, which is refused for good.
  peers.idp.refuseRefreshes(true);
  const refused = await invoke(page, `${ECHO_URL}/status/401`);
  expect([401, 409]).toContain(refused.status());
  peers.idp.refuseRefreshes(false);

  await page.goto("/connections");
  const banner = page.getByRole("region", { name: "Needs re-authentication" });
  await expect(banner).toContainText("Logged IdP");
  await expect(page.getByRole("row", { name: /Logged IdP/ }).getByText("Needs re-authentication")).toBeVisible();
  // The list filters by health.
  await page.getByLabel("Health in Own Connections").selectOption({ label: "Needs re-authentication" });
  await expect(page).toHaveURL(/own_health=needs_reauth/);
  const own = page.getByRole("table", { name: "Own Connections" });
  await expect(own).toContainText("Logged IdP");
  await expect(own.getByText("Connected", { exact: true })).toHaveCount(0);

  const refreshes = page.getByRole("table", { name: "Token refreshes" });
  await expect(async () => {
    await page.goto(summaryUrl);
    await expect(refreshes.getByRole("row", { name: /Refused: needs re-authentication/ })).toContainText("invalid_grant", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 15_000 });
  await expect(details.getByText("Needs re-authentication", { exact: true })).toBeVisible();

  // Reconnect from the app shell: consent again for the same connection, same link name and scopes.
  const again = page.waitForEvent("popup");
  await banner.getByRole("listitem").filter({ hasText: "Logged IdP" }).getByRole("button", { name: "Reconnect" }).click();
  await consentIfAsked(await again, "ada-calls");
  await expect(page.getByText("Authorization complete")).toBeVisible();
  await expect(banner.getByText("Logged IdP")).toHaveCount(0);
  await expect(details.getByText("Connected", { exact: true })).toBeVisible();
  await expect(details).toContainText(LINK_NAME);
  await expect(details.getByText(/^openid.*\bread\b/).first()).toBeVisible();
  expect((await invoke(page, `${ECHO_URL}/oauth/protected`)).status()).toBe(200);
});
