/**
 * First run (docs/product.md §8), on a second server of the same build started on an empty
 * database with nothing seeded: its log holds a one-time setup link; "Create organization"
 * signs the new admin in; the link then no longer works; the demo accounts do not exist;
 * the admin invites two colleagues who join, and one of them signs in with a password; then
 * someone of the SSO domain joins with "Sign in with SSO" (oidc-provider on loopback).
 */
import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { startIdp, type Idp } from "@/test/peers/idp";
import { E2E_FRESH_LOG, E2E_FRESH_PORT, E2E_SSO_PORT, SSO_CLIENT, SSO_ORG } from "./env";
import { expectAccessible } from "./a11y";
import { recordSecret } from "./secrets";

const BASE = `http://127.0.0.1:${E2E_FRESH_PORT}`;
const ADMIN = { org: SSO_ORG, name: "Peter Gibbons", email: "peter@initech.test", password: "tps-report-cover-1" };
recordSecret(ADMIN.password, "milton-stapler-2", "samir-nagheenanajar-3", SSO_CLIENT.client_secret);

let idp: Idp;
test.beforeAll(async () => {
  idp = await startIdp({
    port: E2E_SSO_PORT,
    clients: [{ ...SSO_CLIENT, redirect_uris: [`${BASE}/api/auth/callback/oidc`], grant_types: ["authorization_code"] }],
    scopes: ["email", "profile"],
    idTokenClaims: true,
  });
});
test.afterAll(async () => {
  await idp?.close();
});

/** The setup link the fresh server printed at start (its first request starts it, so it may take a moment). */
async function setupLinkFromLog(): Promise<string> {
  const find = () => /https?:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+/.exec(fs.readFileSync(E2E_FRESH_LOG, "utf8"))?.[0];
  await expect.poll(find, { message: `a setup link in ${E2E_FRESH_LOG}`, timeout: 15_000 }).toBeTruthy();
  return find()!;
}

async function join(browser: Browser, admin: Page, person: { email: string; name: string; password: string }) {
  await admin.goto(`${BASE}/settings/members`);
  await admin.getByLabel("Email").fill(person.email);
  await admin.getByRole("button", { name: "Invite member" }).click();
  const link = (await admin.getByLabel("Invitation link", { exact: true }).textContent())!.trim();
  expect(link.startsWith(`${BASE}/invite?token=`)).toBe(true);
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.getByLabel("Name").fill(person.name);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/connections$/);
  return page;
}

test("an empty database is taken from the logged setup link to a team of three", async ({ page, browser }) => {
  // Nothing was seeded: the demo accounts do not exist here.
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel("Email").fill("ada@acme.test");
  await page.getByLabel("Password").fill("connections");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");

  const link = await setupLinkFromLog();
  expect(link.startsWith(`${BASE}/setup?token=`)).toBe(true);
  await page.goto(link);
  await expectAccessible(page, "/setup");
  await page.getByLabel("Organization name").fill(ADMIN.org);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole("banner").getByText(ADMIN.org, { exact: true })).toBeVisible();
  await expect(page.getByRole("banner").getByText(ADMIN.name)).toBeVisible();

  const used = await (await browser.newContext()).newPage();
  await used.goto(link);
  await expect(used.getByRole("heading", { name: "This setup link does not work" })).toBeVisible();

  const milton = await join(browser, page, {
    email: "milton@initech.test",
    name: "Milton Waddams",
    password: "milton-stapler-2",
  });
  await join(browser, page, { email: "samir@initech.test", name: "Samir Nagheenanajar", password: "samir-nagheenanajar-3" });
  await page.goto(`${BASE}/settings/members`);
  const members = page.getByRole("table", { name: "Members" });
  for (const email of [ADMIN.email, "milton@initech.test", "samir@initech.test"]) {
    await expect(members.getByRole("cell", { name: email, exact: true })).toBeVisible();
  }

  // Milton signs in again with his password in a fresh browser.
  await milton.context().close();
  const again = await (await browser.newContext()).newPage();
  await again.goto(`${BASE}/sign-in`);
  await again.getByLabel("Email").fill("milton@initech.test");
  await again.getByLabel("Password").fill("milton-stapler-2");
  await again.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(again).toHaveURL(/\/connections$/);
  await expect(again.getByRole("banner").getByText("Milton Waddams")).toBeVisible();

  // Single sign-on: someone of the configured domain joins the organization as a member.
  const bill = await (await browser.newContext()).newPage();
  await bill.goto(`${BASE}/sign-in`);
  await bill.getByRole("button", { name: "Sign in with SSO" }).click();
  await bill.locator('input[name="login"]').fill("bill");
  await bill.locator('input[name="password"]').fill("any-password");
  await bill.locator('button[type="submit"]').click();
  await bill.getByRole("button", { name: "Continue" }).click();
  await expect(bill).toHaveURL(/\/connections$/);
  await expect(bill.getByRole("banner").getByText(SSO_ORG, { exact: true })).toBeVisible();
  await page.reload();
  await expect(members.getByRole("cell", { name: "bill@idp.test", exact: true })).toBeVisible();
});
