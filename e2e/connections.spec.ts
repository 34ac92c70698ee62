import { expect, test, type Page } from "@playwright/test";
import { IDP_CLIENT } from "./env";
import { configureTestIdp, consentInPopup, fillConnectionDetails, signIn } from "./helpers";
import { startPeers } from "./peers-fixture";

let peers: Awaited<ReturnType<typeof startPeers>>;
test.beforeAll(async () => {
  peers = await startPeers();
});
test.afterAll(async () => {
  await peers?.close();
});

function row(page: Page, name: string) {
  return page.getByRole("row", { name: new RegExp(name) });
}

test.describe.configure({ mode: "serial" });

test("an OAuth service without an app says so instead of connecting", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await fillConnectionDetails(page, { service: "Test IdP", name: "Too early" });
  await expect(page.getByText("Not configured by your admin")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create and Connect" })).toBeDisabled();
  // Ada is an admin: the notice says where to set the OAuth app up.
  await expect(page.getByRole("link", { name: "Settings → OAuth apps" })).toHaveAttribute("href", "/settings/oauth-apps");
});

test("ada connects through the consent popup, then edits, revokes and deletes from the row menu", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await configureTestIdp(page, IDP_CLIENT.client_id, IDP_CLIENT.client_secret);

  await fillConnectionDetails(page, { service: "Test IdP", name: "Team IdP", scopes: ["read"] });
  await expect(page.getByLabel("Connection Link Name")).toHaveValue("team_idp");
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const popup = await popupPromise;
  await consentInPopup(popup, "ada-account");

  await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Team IdP" })).toBeVisible();
  const summary = page.getByRole("region", { name: "Connection summary" });
  await expect(summary.getByText("Connected", { exact: true })).toBeVisible();
  await expect(summary.getByRole("definition").filter({ hasText: "read" }).first()).toBeVisible();
  await expect(page.getByText("team_idp").first()).toBeVisible();
  await expect(page.getByLabel("Deluge snippet", { exact: true })).toContainText('connection: "team_idp"');

  // Edit from the row's hover menu.
  await page.goto("/connections");
  await row(page, "Team IdP").hover();
  await row(page, "Team IdP").getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Connection Name").fill("Team IdP renamed");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: "Team IdP renamed" })).toBeVisible();

  // Revoke: the provider's revocation endpoint is called, and the connection stays, not connected.
  const revocationsBefore = peers.idp.counters.revocation;
  await page.goto("/connections");
  await row(page, "Team IdP renamed").hover();
  await row(page, "Team IdP renamed").getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row(page, "Team IdP renamed").getByText("Not connected")).toBeVisible();
  expect(peers.idp.counters.revocation).toBe(revocationsBefore + 1);
  await row(page, "Team IdP renamed").hover();
  await expect(row(page, "Team IdP renamed").getByRole("button", { name: "Connect" })).toBeVisible();

  // Delete asks first, then removes the connection.
  await row(page, "Team IdP renamed").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("dialog")).toContainText("Delete Team IdP renamed?");
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(row(page, "Team IdP renamed")).toHaveCount(0);
});

test("a shared connection: bob authorizes it with his own account, sees it under Shared Connections, cannot edit or delete; eve sees nothing", async ({
  page,
  browser,
}) => {
  await signIn(page, "ada@acme.test");
  await fillConnectionDetails(page, { service: "Test IdP", name: "Everyone's IdP", scopes: ["read"], shared: true });
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await consentInPopup(await popupPromise, "ada-account");
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  const connectionUrl = page.url();

  const bob = await browser.newPage();
  await signIn(bob, "bob@acme.test");
  const waiting = bob.getByRole("region", { name: "Waiting for your authorization" });
  await expect(waiting.getByRole("row", { name: /Everyone's IdP/ })).toBeVisible();
  await waiting.getByRole("row", { name: /Everyone's IdP/ }).hover();
  const bobPopup = bob.waitForEvent("popup");
  await waiting
    .getByRole("row", { name: /Everyone's IdP/ })
    .getByRole("button", { name: "Authorize" })
    .click();
  await consentInPopup(await bobPopup, "bob-account");
  await expect(bob.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();

  await bob.goto("/connections");
  const shared = bob.getByRole("region", { name: "Shared Connections" });
  const sharedRow = shared.getByRole("row", { name: /Everyone's IdP/ });
  await sharedRow.hover();
  await expect(sharedRow.getByRole("button", { name: "Revoke" })).toBeVisible();
  await expect(sharedRow.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(sharedRow.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(bob.getByRole("region", { name: "Own Connections" }).getByRole("row", { name: /Everyone's IdP/ })).toHaveCount(0);
  await bob.close();

  const eve = await browser.newPage();
  await signIn(eve, "eve@globex.test");
  await expect(eve.getByText("Everyone's IdP")).toHaveCount(0);
  const response = await eve.goto(connectionUrl);
  expect(response?.status()).toBe(404);
  await eve.close();
});

test("with popups blocked, the consent runs as a full-page redirect and returns to the summary", async ({ page }) => {
  await page.addInitScript(() => {
    window.open = () => null; // what a popup blocker does to window.open
  });
  await signIn(page, "ada@acme.test");
  await fillConnectionDetails(page, { service: "Test IdP", name: "No popups", scopes: ["read"] });
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await expect(page.getByText("Popups are blocked: continuing in this window.")).toBeVisible();
  await page.locator('input[name="login"]').fill("ada-redirect");
  await page.locator('input[name="password"]').fill("any-password");
  await page.locator('button[type="submit"]').click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}\?connected=1$/);
  await expect(page.getByText("Authorization complete.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
});

test("changing a connection's scopes asks for consent again and records the new grant", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await fillConnectionDetails(page, { service: "Test IdP", name: "Scoped", scopes: ["read"] });
  const first = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await consentInPopup(await first, "ada-scopes");
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("checkbox", { name: /^write\b/ }).check();
  await expect(page.getByText("Saving asks you to authorize the connection again with the new scopes.")).toBeVisible();
  const second = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Save" }).click();
  await consentInPopup(await second, "ada-scopes");
  const summary = page.getByRole("region", { name: "Connection summary" });
  await expect(summary.getByText("Connected", { exact: true })).toBeVisible();
  await expect(summary.getByRole("definition").filter({ hasText: "write" }).first()).toBeVisible();
});
