import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ECHO_URL, IDP_CLIENT } from "./env";
import { configureTestIdp, consentInPopup, fillConnectionDetails, signIn } from "./helpers";
import { startPeers } from "./peers-fixture";
import { recordSecret } from "./secrets";

// Asynchronous on purpose: the peers run in this process, and a blocking call would starve them.
const run = async (file: string, args: string[], env: Record<string, string>) =>
  (await promisify(execFile)(file, args, { env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env }, encoding: "utf8" }))
    .stdout;

let peers: Awaited<ReturnType<typeof startPeers>>;
test.beforeAll(async () => {
  peers = await startPeers();
});
test.afterAll(async () => {
  await peers?.close();
});

test.describe.configure({ mode: "serial" });

let summaryUrl = "";

test("the Deluge snippet of a connection's summary runs in the Script console and shows the API's answer", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "ada@acme.test");
  await configureTestIdp(page, IDP_CLIENT.client_id, IDP_CLIENT.client_secret);
  await fillConnectionDetails(page, { service: "Test IdP", name: "Echo API", scopes: ["read"] });
  const popup = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  await consentInPopup(await popup, "ada-console");
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  summaryUrl = page.url();

  await page.getByRole("button", { name: "Copy Deluge snippet" }).click();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippet).toContain('connection: "echo_api"');

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Script console" }).click();
  await expect(page.getByRole("heading", { name: "Script console" })).toBeVisible();
  await page.getByLabel("Script", { exact: true }).fill(snippet);
  await page.getByRole("button", { name: "Run" }).click();
  const output = page.getByRole("region", { name: "Output" });
  // The echo API introspected the injected token at the IdP: it answers with the account it belongs to.
  await expect(output).toContainText('"sub":"ada-console"');
  await expect(output).toContainText("read");
});

test("the Script console reports parse errors with line and column", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await page.goto("/console");
  await page.getByLabel("Script", { exact: true }).fill('x = "a";\ninfo x\ninfo "b";');
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("region", { name: "Output" })).toContainText(
    /Parse error at line 2, column 7: Expected ";" after statement/,
  );
});

test("the curl snippet runs as shown with a personal access token", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "ada@acme.test");
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("e2e curl");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New token").textContent())!.trim();
  expect(token).toMatch(/^cxn_/);
  recordSecret(token);
  await expect(page.getByRole("cell", { name: "e2e curl" })).toBeVisible();

  await page.goto(summaryUrl);
  await page.getByRole("button", { name: "Copy curl snippet" }).click();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  const answer = await run("bash", ["-c", curl], { CONNECTIONS_TOKEN: token });
  expect(JSON.parse(answer)).toMatchObject({ sub: "ada-console", client_id: IDP_CLIENT.client_id });

  // A revoked token stops working at once.
  await page.goto("/settings/tokens");
  await page
    .getByRole("row", { name: /e2e curl/ })
    .getByRole("button", { name: "Revoke" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /e2e curl/ }).getByText("Revoked")).toBeVisible();
  const refused = await run("bash", ["-c", `${curl} -w ' %{http_code}'`], { CONNECTIONS_TOKEN: token });
  expect(refused.trim().endsWith("401")).toBe(true);
});

test("the TypeScript snippet runs as shown with the SDK", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "ada@acme.test");
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("e2e sdk");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New token").textContent())!.trim();
  await page.goto(summaryUrl);
  await page.getByRole("button", { name: "Copy TypeScript snippet" }).click();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  // The snippet imports "./lib/sdk": run it from the repository root, as a script there would.
  const file = path.resolve(__dirname, "..", `snippet-e2e-${process.pid}.mts`);
  fs.writeFileSync(file, snippet);
  try {
    const out = await run("npx", ["tsx", file], { CONNECTIONS_TOKEN: token });
    expect(out).toContain("sub: 'ada-console'");
  } finally {
    fs.rmSync(file, { force: true });
  }

  // The command line, with the same token: npm run invoke -- --connection … --url …
  const cli = await run("npx", ["tsx", "scripts/invoke.ts", "--connection", "echo_api", "--url", `${ECHO_URL}/oauth/protected`], {
    CONNECTIONS_TOKEN: token,
    CONNECTIONS_URL: new URL(page.url()).origin,
  });
  expect(JSON.parse(cli)).toMatchObject({ sub: "ada-console" });

  // The app's own errors: JSON { error: { code, message } }, marked, with a fitting status.
  const bad = await page.request.post("/api/v1/invoke", {
    headers: { authorization: `Bearer ${token}` },
    data: { connection: "Not A Link Name", url: `${ECHO_URL}/` },
  });
  expect(bad.status()).toBe(400);
  expect(bad.headers()["x-connections-error"]).toBe("1");
  expect((await bad.json()).error).toMatchObject({ code: "invalid", message: expect.stringContaining("connection") });
  const elsewhere = await page.request.post("/api/v1/invoke", {
    headers: { authorization: `Bearer ${token}` },
    data: { connection: "echo_api", url: "https://example.com/" },
  });
  expect(elsewhere.status()).toBe(400);
  expect((await elsewhere.json()).error.code).toBe("host_not_allowed");
});
