import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { E2E_PORT, ECHO_URL, IDP_CLIENT, IDP_ISSUER } from "./env";
import { configureTestIdp, consentInPopup, createApiKeyService, DEMO_PASSWORD, fillConnectionDetails, signIn } from "./helpers";
import { startPeers } from "./peers-fixture";
import { recordSecret } from "./secrets";

/**
 * Trust between members, tried in the browser as an attacker inside the organization would
 * (docs/security.md "Threats and the tests that prove them"). Bob creates a custom API-key
 * service; Ada connects it. What each of them can see and do is checked here; the rules
 * themselves are unit-tested in lib/.
 */

const APP = `http://127.0.0.1:${E2E_PORT}`;
const ADA_KEY = "e2e-trust-ada-key-8c41";
recordSecret(ADA_KEY);

let peers: Awaited<ReturnType<typeof startPeers>>;
/** Another origin on the same site (same host, other port): SameSite=Lax cookies still go along from it. */
let evil: { url: string; close(): Promise<void> };

function startEvilSite(): Promise<typeof evil> {
  const page = (body: string) => `<!doctype html><html><head><title>Evil</title></head><body>${body}</body></html>`;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (path === "/frame") res.end(page(`<iframe title="app" src="${APP}/sign-in"></iframe>`));
    else res.end(page("<h1>Evil</h1>"));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

test.beforeAll(async () => {
  peers = await startPeers();
  evil = await startEvilSite();
});
test.afterAll(async () => {
  await evil?.close();
  await peers?.close();
});

test.describe.configure({ mode: "serial" });

/** Ada's connection of Bob's service, made by the first test and used by the later ones. */
let adaConnectionId = "";
const ADA_LINK = "trust_ada_key";

/** A call to the invoke API with the page's session cookie, from our own origin, as our pages would send it. */
async function invokeAs(page: Page, connection: string) {
  const response = await page.request.post("/api/v1/invoke", {
    headers: { origin: APP },
    data: { connection, url: `${ECHO_URL}/trust`, method: "GET" },
  });
  return { status: response.status(), body: (await response.json()) as Record<string, unknown> };
}

test('"Who can use it" and the hosts a credential goes to are shown before Ada gives her key; Bob cannot call her "Only me" connection', async ({
  page,
  browser,
}) => {
  // Bob defines a service and decides where its credentials may be sent.
  const bob = await browser.newPage();
  await signIn(bob, "bob@acme.test");
  await createApiKeyService(bob, "Trust Bob Keys");
  // Bob's own connection of it runs with everyone's own key: no "Who can use it", on Details nor on Edit.
  await bob.getByLabel("Connection Name").fill("Trust bob shared");
  await bob.getByLabel("use credentials of login user").check();
  await expect(bob.getByRole("radiogroup", { name: "Who can use it" })).toHaveCount(0);
  await bob.getByRole("button", { name: "Create and Connect" }).click();
  const bobDialog = bob.getByRole("dialog", { name: "User Permissions" });
  await bobDialog.getByLabel("Your API key").fill("bob-own-key");
  await bobDialog.getByRole("button", { name: "Connect" }).click();
  await expect(bob).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);
  await bob.goto(`${bob.url()}/edit`);
  await expect(bob.getByLabel("Connection Name")).toHaveValue("Trust bob shared");
  await expect(bob.getByRole("radiogroup", { name: "Who can use it" })).toHaveCount(0);

  // Ada picks it: Connection Details names the hosts and asks who may use the connection, "Only me" first.
  await signIn(page, "ada@acme.test");
  await fillConnectionDetails(page, { service: "Trust Bob Keys", name: "Trust ada key" });
  const hosts = page.getByRole("list", { name: "Your credential is only ever sent to" });
  await expect(hosts.getByRole("listitem")).toHaveText(["127.0.0.1"]);
  const who = page.getByRole("radiogroup", { name: "Who can use it" });
  await expect(who.getByRole("radio")).toHaveCount(2);
  await expect(who.getByRole("radio", { name: "Only me" })).toBeChecked();
  await expect(who.getByRole("radio", { name: "Everyone in my organization" })).not.toBeChecked();
  // With everyone's own credentials the question does not arise; unticked, it is back at its default.
  await page.getByLabel("use credentials of login user").check();
  await expect(who).toHaveCount(0);
  await page.getByLabel("use credentials of login user").uncheck();
  await expect(who.getByRole("radio", { name: "Only me" })).toBeChecked();
  // Keyboard: the radios move with the arrow keys.
  await who.getByRole("radio", { name: "Only me" }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(who.getByRole("radio", { name: "Everyone in my organization" })).toBeChecked();
  await page.keyboard.press("ArrowUp");
  await expect(who.getByRole("radio", { name: "Only me" })).toBeChecked();

  // The User Permissions dialog names the hosts again, next to the field for the key.
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await expect(dialog.getByRole("list", { name: "Your credential is only ever sent to" }).getByRole("listitem")).toHaveText([
    "127.0.0.1",
  ]);
  await dialog.getByLabel("Your API key").fill(ADA_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  adaConnectionId = page.url().split("/").pop()!;

  // Ada's own call works; Bob's call to her "Only me" connection answers as a name that does not exist.
  const own = await invokeAs(page, ADA_LINK);
  expect(own.status).toBe(200);
  expect((own.body.headers as Record<string, string>)["x-api-key"]).toBe(ADA_KEY);
  const echoedBefore = peers.echo.requests.length;
  const refused = await invokeAs(bob, ADA_LINK);
  const unknown = await invokeAs(bob, "trust_no_such_link");
  const shape = ({ status, body }: { status: number; body: Record<string, unknown> }) => {
    const error = body.error as { code: string; message: string };
    return { status, code: error.code, message: error.message.replace(/"[a-z_]+"/, '"…"') };
  };
  expect(shape(refused)).toEqual(shape(unknown));
  expect(shape(refused)).toMatchObject({ status: 404, code: "not_found" });
  expect(JSON.stringify(refused.body)).not.toContain(ADA_KEY);
  expect(peers.echo.requests.length).toBe(echoedBefore); // the key went nowhere

  // Edit shows the same radio group; Ada opens the connection to everyone, and only then Bob's call runs.
  await page.goto(`/connections/${adaConnectionId}/edit`);
  const editWho = page.getByRole("radiogroup", { name: "Who can use it" });
  await expect(editWho.getByRole("radio", { name: "Only me" })).toBeChecked();
  await editWho.getByRole("radio", { name: "Everyone in my organization" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/connections/${adaConnectionId}$`));
  await page.goto(`/connections/${adaConnectionId}/edit`);
  await expect(editWho.getByRole("radio", { name: "Everyone in my organization" })).toBeChecked();
  const team = await invokeAs(bob, ADA_LINK);
  expect(team.status).toBe(200);
  // Back to "Only me": Bob is refused again at once.
  await editWho.getByRole("radio", { name: "Only me" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/connections/${adaConnectionId}$`));
  expect((await invokeAs(bob, ADA_LINK)).status).toBe(404);
  await bob.close();
});

test("a cookie call to /api/v1/invoke from another origin of the same site is refused (403); from our pages, only as JSON (415)", async ({
  page,
}) => {
  await signIn(page, "ada@acme.test");
  const payload = JSON.stringify({ connection: ADA_LINK, url: `${ECHO_URL}/csrf`, method: "GET" });
  const echoedBefore = peers.echo.requests.length;

  // A form on the other origin posts JSON-looking text/plain: a top-level navigation, the Lax cookie goes along.
  await page.goto(`${evil.url}/`);
  const answer = page.waitForResponse((r) => r.url() === `${APP}/api/v1/invoke`);
  await page.evaluate(
    ({ action, body }) => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = action;
      form.enctype = "text/plain";
      const input = document.createElement("input");
      input.name = body.slice(0, -1) + ',"x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { action: `${APP}/api/v1/invoke`, body: payload },
  );
  const formAnswer = await answer;
  // 403, not 401: the session cookie was sent and refused for its origin.
  expect(formAnswer.status()).toBe(403);
  expect(await formAnswer.json()).toMatchObject({ error: { code: "forbidden", message: expect.stringContaining("Origin") } });

  // A script there, with the cookie and without CORS, fares no better.
  await page.goto(`${evil.url}/`);
  const scripted = page.waitForResponse((r) => r.url() === `${APP}/api/v1/invoke`);
  await page.evaluate(
    ({ action, body }) =>
      fetch(action, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body }),
    { action: `${APP}/api/v1/invoke`, body: payload },
  );
  expect((await scripted).status()).toBe(403);

  // On our own origin, a form-encoded body is 415; JSON works.
  await page.goto("/connections");
  const fromOurs = await page.evaluate(async (body) => {
    const send = async (type: string) => {
      const r = await fetch("/api/v1/invoke", { method: "POST", headers: { "content-type": type }, body });
      return { status: r.status, body: await r.json() };
    };
    return { form: await send("application/x-www-form-urlencoded"), json: await send("application/json") };
  }, payload);
  expect(fromOurs.form).toMatchObject({ status: 415, body: { error: { code: "unsupported_media_type" } } });
  expect(fromOurs.json.status).toBe(200);
  // Only the last, legitimate call reached the API.
  expect(peers.echo.requests.length).toBe(echoedBefore + 1);
});

test("a crafted ?error= never puts its text on the page; a known code shows our own words", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  const bait = "Your account is locked. Call +1 555 0100 and read out your API key";
  await page.goto(`/connections/${adaConnectionId}?error=${encodeURIComponent(bait)}`);
  await expect(page.getByRole("region", { name: "Connection summary" })).toBeVisible();
  expect(await page.content()).not.toContain("Your account is locked");
  await expect(page.getByText("Call +1 555 0100")).toHaveCount(0);
  await page.goto(`/connections/${adaConnectionId}?error=denied`);
  await expect(page.getByText("Access was denied at the service. Nothing was stored.")).toBeVisible();
});

test("every page carries a nonce CSP that its scripts follow, frame-ancestors 'none' and a Permissions-Policy", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const check = async (path: string) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `${path}: a nonce in script-src`).toBeTruthy();
    expect(csp).toMatch(/script-src [^;]*'strict-dynamic'/);
    expect(/script-src ([^;]*)/.exec(csp)?.[1]).not.toContain("'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["permissions-policy"]).toContain("geolocation=()");
    expect(headers["x-frame-options"]).toBe("DENY");
    // Served over http here: no HSTS (it is sent when APP_URL is https; lib/server/security-headers.test.ts).
    expect(headers["strict-transport-security"]).toBeUndefined();
    // Every script of the page carries this response's nonce (the browser hides it from the attribute, not the property).
    const nonces = await page.evaluate(() => Array.from(document.scripts, (s) => s.nonce));
    expect(nonces.length).toBeGreaterThan(0);
    expect(new Set(nonces)).toEqual(new Set([nonce]));
    return nonce!;
  };
  const first = await check("/sign-in");
  expect(await check("/sign-in")).not.toBe(first); // a fresh nonce per response
  await signIn(page, "ada@acme.test");
  for (const path of ["/connections", "/connections/new", `/connections/${adaConnectionId}`, "/console", "/settings/tokens"]) {
    await check(path);
  }
  // The pages work under the policy (sign-in and navigation above ran their scripts) and nothing was refused.
  expect(violations).toEqual([]);

  // Another site cannot frame the app.
  await page.goto(`${evil.url}/frame`);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  expect(frame).toBeDefined();
  await expect.poll(() => frame!.url()).not.toBe("about:blank");
  expect(frame!.url()).not.toBe(`${APP}/sign-in`);
});

test("the consent popup has no opener by the time the provider's page shows, and still reports back", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await configureTestIdp(page, IDP_CLIENT.client_id, IDP_CLIENT.client_secret);
  await fillConnectionDetails(page, { service: "Test IdP", name: "Trust opener", scopes: ["read"] });
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const popup = await popupPromise;
  await popup.waitForURL((url) => url.href.startsWith(IDP_ISSUER));
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  await consentInPopup(popup, "ada-opener");
  await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
});

test("sign-in never follows a callbackUrl off-site: /%09/evil.com and its cousins land on the app", async ({ page }) => {
  // As they appear in the link: a tab, a backslash, protocol-relative, absolute, and a tab encoded twice.
  for (const callbackUrl of ["/%09/evil.com", "/%5Cevil.com", "//evil.com", "https://evil.com/", "%2F%2509%2Fevil.com"]) {
    await page.context().clearCookies();
    await page.goto(`/sign-in?callbackUrl=${callbackUrl}`);
    await page.getByLabel("Email").fill("ada@acme.test");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${APP}/connections`);
  }
  // Signed in already, the page redirects on the server: the same rule.
  await page.goto(`/sign-in?callbackUrl=/%09/evil.com`);
  await expect(page).toHaveURL(`${APP}/connections`);
  // A same-origin path is kept.
  await page.context().clearCookies();
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/settings/tokens")}`);
  await page.getByLabel("Email").fill("ada@acme.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${APP}/settings/tokens`);
});

test("the 17 KB console script ends quickly with a bounded error, and the server keeps serving others meanwhile", async ({
  page,
  browser,
}) => {
  const lines = ['t = "' + "x".repeat(1000) + '";'];
  for (let i = 0; i < 13; i++) lines.push("t = t + t;");
  for (let i = 0; i < 2000; i++) lines.push("info t;");
  const script = lines.join("\n");
  expect(script.length).toBeGreaterThan(16_000);
  expect(script.length).toBeLessThan(18_000);

  await signIn(page, "ada@acme.test");
  await page.goto("/console");
  await page.getByLabel("Script", { exact: true }).fill(script);
  const other = await browser.newPage();
  const started = Date.now();
  const actionAnswer = page.waitForResponse(
    (r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]),
  );
  await page.getByRole("button", { name: "Run" }).click();
  // Meanwhile someone else is served at once.
  const probe = Date.now();
  const health = await other.request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(Date.now() - probe).toBeLessThan(2_000);
  expect((await actionAnswer).status()).toBe(200);
  const output = page.getByRole("region", { name: "Output" });
  await expect(output).toContainText("its output is limited to 1048576 bytes in all");
  // What reached the page is bounded as well. Measured on the page, not from the browser's
  // network events: Chromium may drop a large body from its DevTools buffer, and then once
  // never reported that answer finished (answer.body() and answer.finished() both hung).
  const shown = await output.evaluate((element) => element.textContent?.length ?? 0);
  expect(shown).toBeLessThan(1.2 * 1024 * 1024);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(page.getByRole("button", { name: "Run" })).toBeEnabled();
  // And the console still runs the next script.
  await page.getByLabel("Script", { exact: true }).fill('info "still here";');
  await page.getByRole("button", { name: "Run" }).click();
  await expect(output).toContainText("still here");
  await other.close();
});
