import { expect, test, type Page, type Response } from "@playwright/test";
import { ECHO_URL, IDP_CC_CLIENT, IDP_ISSUER, OAUTH1_CONSUMER, OAUTH1_URL } from "./env";
import { signIn } from "./helpers";
import { recordSecret } from "./secrets";
import { startPeers } from "./peers-fixture";

let peers: Awaited<ReturnType<typeof startPeers>>;
test.beforeAll(async () => {
  peers = await startPeers();
});
test.afterAll(async () => {
  await peers?.close();
});

test.describe.configure({ mode: "serial" });

const API_KEY_VALUE = "e2e-api-key-value-5f1e";
const BASIC_PASSWORD = "p@ss:word";
recordSecret(API_KEY_VALUE, BASIC_PASSWORD);

async function openCreateYourOwn(page: Page) {
  await page.goto("/connections/new");
  await page.getByRole("link", { name: "Create Your Own" }).click();
  await expect(page.getByRole("heading", { name: "Create Your Own" })).toBeVisible();
}

async function runInConsole(page: Page, script: string) {
  await page.goto("/console");
  await page.getByLabel("Script", { exact: true }).fill(script);
  await page.getByRole("button", { name: "Run" }).click();
  return page.getByRole("region", { name: "Output" });
}

test("OAuth 1: the editor's fields, then the three-legged flow in the consent popup, then a signed call", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await openCreateYourOwn(page);
  await page.getByLabel("Service Name").fill("Test OAuth1");
  await expect(page.getByLabel("Service LinkName")).toHaveValue("test_oauth1");
  await page.getByLabel("Authentication Type").selectOption({ label: "OAuth 1" });
  await page.getByLabel("Consumer Key").fill(OAUTH1_CONSUMER.key);
  await page.getByLabel("Consumer Secret").fill(OAUTH1_CONSUMER.secret);
  await page.getByLabel("Request Token URL").fill(`${OAUTH1_URL}/oauth/request_token`);
  await page.getByLabel("Authorize URL").fill(`${OAUTH1_URL}/oauth/authorize`);
  await page.getByLabel("Access Token URL").fill(`${OAUTH1_URL}/oauth/access_token`);
  await page.getByLabel("Param Type").selectOption({ label: "Header" });
  await page.getByRole("button", { name: "Create Service" }).click();

  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await page.getByLabel("Connection Name").fill("My OAuth1");
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const popup = await popupPromise;
  await expect(popup.getByText("Authorize test app?")).toBeVisible();
  const closed = popup.waitForEvent("close");
  await popup.getByRole("button", { name: "Allow" }).click();
  await closed;
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();

  const output = await runInConsole(
    page,
    `r = invokeurl [ url: "${OAUTH1_URL}/api/echo?q=a b!*'()" type: POST parameters: {"note": "it's (fine)!"} connection: "my_oauth1" ];\ninfo r;`,
  );
  await expect(output).toContainText('"ok":true');
  // The provider checked every signature with an independent implementation.
  const signed = peers.oauth1.requests.filter((r) =>
    r.path.startsWith("/oauth/") ? r.path !== "/oauth/authorize" : r.path.startsWith("/api/"),
  );
  expect(signed.map((r) => r.path)).toEqual(["/oauth/request_token", "/oauth/access_token", "/api/echo"]);
  expect(signed.every((r) => r.verified)).toBe(true);
});

test("OAuth 2 client credentials: the token is fetched at once, no popup", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await openCreateYourOwn(page);
  await page.getByLabel("Service Name").fill("Test CC");
  await page.getByLabel("Authentication Type").selectOption({ label: "OAuth 2" });
  await page.getByLabel("Grant Type").selectOption({ label: "Client Credentials" });
  // Listed with the other OAuth 2 fields, as the spec lists it; Client Credentials does not use it.
  await expect(page.getByLabel("Authorize URL")).toBeVisible();
  await expect(page.getByText("Not used by Client Credentials")).toBeVisible();
  await page.getByLabel("Client Id").fill(IDP_CC_CLIENT.client_id);
  await page.getByLabel("Client Secret").fill(IDP_CC_CLIENT.client_secret);
  await page.getByLabel("Access Token URL").fill(`${IDP_ISSUER}/token`);
  await page.getByLabel("Param Type").selectOption({ label: "Header" });
  await page.getByLabel("Allowed hosts").fill("127.0.0.1");
  await page.getByRole("button", { name: "Create Service" }).click();

  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await page.getByLabel("Connection Name").fill("Machine access");
  await page.getByLabel("Scope", { exact: true }).fill("read");
  let popups = 0;
  page.on("popup", () => popups++);
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  expect(popups).toBe(0);
  expect(peers.idp.counters.byGrant.client_credentials).toBeGreaterThanOrEqual(1);

  const output = await runInConsole(
    page,
    `r = invokeurl [ url: "${ECHO_URL}/oauth/protected" type: GET connection: "machine_access" ];\ninfo r;`,
  );
  await expect(output).toContainText(`"client_id":"${IDP_CC_CLIENT.client_id}"`);
});

test("API key: parameters by display name in User Permissions; editing the service revokes its connections after saying how many", async ({
  page,
  browser,
}) => {
  await signIn(page, "ada@acme.test");
  await openCreateYourOwn(page);
  await page.getByLabel("Service Name").fill("Test Keys");
  await page.getByLabel("Authentication Type").selectOption({ label: "API Key" });
  await page.getByLabel("Actual Parameter").first().fill("X-Api-Key");
  await page.getByLabel("Parameter Display Name").first().fill("Your API key");
  await page.getByLabel("Param Type").first().selectOption({ label: "Header" });
  await page.getByRole("button", { name: "Add Parameter" }).click();
  await page.getByLabel("Actual Parameter").nth(1).fill("tenant");
  await page.getByLabel("Parameter Display Name").nth(1).fill("Tenant");
  await page.getByLabel("Param Type").nth(1).selectOption({ label: "Query String" });
  await page.getByLabel("Allowed hosts").fill("127.0.0.1");
  await page.getByRole("button", { name: "Create Service" }).click();

  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await page.getByLabel("Connection Name").fill("Keyed echo");
  // The dialog is rendered from inside the Connection Details form: its submit must not send
  // that form again (a second create, answered "already used").
  const refusals: string[] = [];
  const watch = async (response: Response) => {
    if (response.request().method() !== "POST") return;
    const text = await response.text().catch(() => "");
    if (text.includes("already used")) refusals.push(response.url());
  };
  page.on("response", watch);
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await dialog.getByLabel("Your API key").fill(API_KEY_VALUE);
  await dialog.getByLabel("Tenant").fill("acme");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  page.off("response", watch);
  expect(refusals).toEqual([]);

  const output = await runInConsole(
    page,
    `r = invokeurl [ url: "${ECHO_URL}/anything" type: GET connection: "keyed_echo" ];\ninfo r.get("headers").get("x-api-key");\ninfo r.get("query");`,
  );
  await expect(output).toContainText(API_KEY_VALUE);
  await expect(output).toContainText('"tenant":"acme"');

  // Secrets never reach a page: not the summary, the lists, the editor, nor the OAuth apps page.
  for (const path of ["/connections", "/connections/new", "/settings/oauth-apps"]) {
    const html = await (await page.request.get(path)).text();
    for (const secret of [API_KEY_VALUE, OAUTH1_CONSUMER.secret, IDP_CC_CLIENT.client_secret]) expect(html).not.toContain(secret);
  }

  // Bob sees the service in Pick your Service but cannot edit it.
  const bob = await browser.newPage();
  await signIn(bob, "bob@acme.test");
  await bob.goto("/connections/new");
  await expect(bob.getByRole("link", { name: /Test Keys/ })).toBeVisible();
  const tile = (on: Page) => on.getByRole("listitem").filter({ hasText: "Test Keys" });
  await expect(tile(bob).getByRole("link", { name: "Edit service" })).toHaveCount(0);
  await bob.close();

  // The creator edits: non-editable fields are read-only, and saving revokes the service's connections.
  await page.goto("/connections/new");
  await tile(page).getByRole("link", { name: "Edit service" }).click();
  await expect(page.getByRole("heading", { name: "Edit service" })).toBeVisible();
  const editorHtml = await page.content();
  for (const secret of [API_KEY_VALUE, OAUTH1_CONSUMER.secret, IDP_CC_CLIENT.client_secret])
    expect(editorHtml).not.toContain(secret);
  await expect(page.getByLabel("Service LinkName")).toBeDisabled();
  await expect(page.getByLabel("Authentication Type")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Remove parameter 1" })).toHaveCount(0);
  await page.getByLabel("Service Name").fill("Test Keys v2");
  await page.getByRole("button", { name: "Update" }).click();
  await expect(page.getByRole("dialog")).toContainText("Saving revokes 1 connection(s) that use this service.");
  await page.getByRole("dialog").getByRole("button", { name: "Update" }).click();
  await expect(page.getByRole("heading", { name: "Pick your Service" })).toBeVisible();
  await page.goto("/connections");
  await expect(page.getByRole("row", { name: /Keyed echo/ }).getByText("Not connected")).toBeVisible();
});

test("Basic: username and password in User Permissions, sent as Authorization: Basic", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await openCreateYourOwn(page);
  await page.getByLabel("Service Name").fill("Test Basic");
  await page.getByLabel("Authentication Type").selectOption({ label: "Basic" });
  await page.getByRole("button", { name: "Create Service" }).click();
  // Basic has no URLs to take hosts from: the editor asks for them.
  await expect(page.getByText("List the host(s) of the service's API")).toBeVisible();
  await page.getByLabel("Allowed hosts").fill("127.0.0.1");
  await page.getByRole("button", { name: "Create Service" }).click();

  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await page.getByLabel("Connection Name").fill("Basic echo");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await dialog.getByLabel("Username").fill("ada");
  await dialog.getByLabel("Password").fill(BASIC_PASSWORD);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();

  const output = await runInConsole(
    page,
    `r = invokeurl [ url: "${ECHO_URL}/whoami" type: GET connection: "basic_echo" ];\ninfo r.get("headers").get("authorization");`,
  );
  await expect(output).toContainText(`Basic ${Buffer.from(`ada:${BASIC_PASSWORD}`).toString("base64")}`);
});
