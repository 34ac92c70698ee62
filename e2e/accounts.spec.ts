/**
 * Accounts in Chromium (docs/product.md §8): an admin invites a member who joins through the
 * link and signs in; roles change; a password change signs the member's other browsers out
 * but not this one; removal stops the member's open page and access token at once; ten
 * wrong passwords end in "Too many attempts". The one-time links are recorded as secrets:
 * the suite fails if one shows up in the server log.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { expectAccessible } from "./a11y";
import { signIn } from "./helpers";
import { recordSecret } from "./secrets";

const CAROL = { email: "carol@acme.test", name: "Carol Danvers", password: "carol-first-password" };
const CAROL_NEW_PASSWORD = "carol-second-password";
recordSecret(CAROL.password, CAROL_NEW_PASSWORD);

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.describe.serial("accounts", () => {
  let carolToken = "";

  test("an admin invites a member, who joins through the link once and can then sign in", async ({ page, browser }) => {
    await signIn(page, "ada@acme.test");
    await page.goto("/settings/members");
    await page.getByLabel("Email").fill("bob@acme.test");
    await page.getByRole("button", { name: "Invite member" }).click();
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription("A user with this email already exists");

    await page.getByLabel("Email").fill(CAROL.email);
    await page.getByLabel("Role", { exact: true }).selectOption("member");
    await page.getByRole("button", { name: "Invite member" }).click();
    const link = (await page.getByLabel("Invitation link").textContent())!.trim();
    expect(link).toMatch(/\/invite\?token=/);
    recordSecret(new URL(link).searchParams.get("token")!);
    await expect(page.getByRole("button", { name: "Copy link" })).toBeVisible();
    await expect(
      page.getByRole("table", { name: "Pending invitations" }).getByRole("cell", { name: CAROL.email, exact: true }),
    ).toBeVisible();

    const carol = await newPage(browser);
    await carol.goto(link);
    await expect(carol.getByRole("heading", { name: "Join Acme" })).toBeVisible();
    await expectAccessible(carol, "/invite");
    await carol.getByLabel("Name").fill(CAROL.name);
    await carol.getByLabel("Password").fill(CAROL.password);
    await carol.getByRole("button", { name: "Join" }).click();
    await expect(carol).toHaveURL(/\/connections$/);
    await expect(carol.getByRole("banner").getByText(CAROL.name)).toBeVisible();

    // The link is used up; the invitation is no longer pending.
    const again = await newPage(browser);
    await again.goto(link);
    await expect(again.getByRole("heading", { name: "This invitation does not work" })).toBeVisible();
    await page.reload();
    await expect(page.getByText("No pending invitations.")).toBeVisible();
    await expect(
      page.getByRole("table", { name: "Members" }).getByRole("cell", { name: CAROL.email, exact: true }),
    ).toBeVisible();

    const fresh = await newPage(browser);
    await signIn(fresh, CAROL.email, CAROL.password);
    await fresh.goto("/settings/members");
    await expect(fresh.getByText("Only an admin can invite members or change roles.")).toBeVisible();
    await expect(fresh.getByRole("button", { name: "Invite member" })).toHaveCount(0);
    for (const p of [carol, again, fresh]) await p.context().close();
  });

  test("an admin changes a member's role; the last admin cannot step down", async ({ page, browser }) => {
    await signIn(page, "ada@acme.test");
    const carol = await newPage(browser);
    await signIn(carol, CAROL.email, CAROL.password);
    await carol.goto("/settings");
    await expect(carol.getByRole("link", { name: /Webhooks/ })).toHaveCount(0);

    await page.goto("/settings/members");
    await page.getByLabel(`Role of ${CAROL.name}`).selectOption("admin");
    await expect(page.getByText(`${CAROL.name} is now an admin`)).toBeVisible();
    await carol.reload();
    await expect(carol.getByRole("link", { name: /Webhooks/ })).toBeVisible();

    await page.getByLabel(`Role of ${CAROL.name}`).selectOption("member");
    await expect(page.getByText(`${CAROL.name} is now a member`)).toBeVisible();
    await page.getByLabel("Role of Ada Lovelace").selectOption("member");
    await expect(page.getByText("An organization needs at least one admin")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Role of Ada Lovelace")).toHaveValue("admin");
    await carol.context().close();
  });

  test("a password change keeps this browser signed in and signs the others out", async ({ browser }) => {
    const here = await newPage(browser);
    const elsewhere = await newPage(browser);
    await signIn(here, CAROL.email, CAROL.password);
    await signIn(elsewhere, CAROL.email, CAROL.password);

    await here.goto("/settings/account");
    await here.getByLabel("Current password").fill("not-my-password");
    await here.getByLabel("New password").fill(CAROL_NEW_PASSWORD);
    await here.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByLabel("Current password")).toHaveAccessibleDescription("The current password is not correct");
    await here.getByLabel("Current password").fill(CAROL.password);
    await here.getByLabel("New password").fill(CAROL_NEW_PASSWORD);
    await here.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();

    await here.goto("/connections");
    await expect(here.getByRole("heading", { name: "Connections", level: 1, exact: true })).toBeVisible();
    await elsewhere.goto("/connections");
    await expect(elsewhere).toHaveURL(/\/sign-in/);
    await signIn(elsewhere, CAROL.email, CAROL_NEW_PASSWORD);

    // Sign out everywhere ends both.
    await elsewhere.goto("/settings/account");
    await elsewhere.getByRole("button", { name: "Sign out everywhere" }).click();
    await elsewhere.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(elsewhere).toHaveURL(/\/sign-in/);
    await here.goto("/connections");
    await expect(here).toHaveURL(/\/sign-in/);
    await here.context().close();
    await elsewhere.context().close();
  });

  test("a removed member's open page and access token stop working at once", async ({ page, browser }) => {
    const carol = await newPage(browser);
    await signIn(carol, CAROL.email, CAROL_NEW_PASSWORD);
    await carol.goto("/settings/tokens");
    await carol.getByLabel("Token name").fill("carol script");
    await carol.getByRole("button", { name: "Create token" }).click();
    carolToken = (await carol.getByLabel("New token").textContent())!.trim();
    recordSecret(carolToken);
    const call = () =>
      page.request.post("/api/v1/invoke", {
        headers: { authorization: `Bearer ${carolToken}` },
        data: { connection: "no_such_connection", url: "http://127.0.0.1/" },
      });
    expect((await call()).status()).not.toBe(401);

    await signIn(page, "ada@acme.test");
    await page.goto("/settings/members");
    await page.getByRole("button", { name: `Remove ${CAROL.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Remove ${CAROL.name}?` });
    await expectAccessible(page, "the Remove member dialog");
    await dialog.getByRole("radio", { name: "Delete them" }).check();
    await dialog.getByRole("button", { name: "Remove member" }).click();
    await expect(page.getByText(`${CAROL.name} was removed`)).toBeVisible();
    await expect(page.getByRole("table", { name: "Members" }).getByRole("cell", { name: CAROL.email, exact: true })).toHaveCount(
      0,
    );

    expect((await call()).status()).toBe(401);
    await carol.reload();
    await expect(carol).toHaveURL(/\/sign-in/);
    await carol.context().close();
  });

  test("ten wrong passwords end in Too many attempts, with when to try again", async ({ page, request }) => {
    const email = "mallory@acme.test";
    await page.goto("/sign-in");
    for (let i = 1; i <= 10; i += 1) {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(`wrong-password-${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator("form").getByRole("alert")).toHaveText(
        i < 10 ? "Incorrect email or password." : /Too many attempts/,
      );
    }
    await expect(page.locator("form").getByRole("alert")).toHaveText(/Too many attempts\. Try again in 1[45] minutes/);

    // An API client gets 429 with Retry-After.
    const csrf = await (await request.get("/api/auth/csrf")).json();
    const res = await request.post("/api/auth/callback/credentials", {
      form: { email, password: "wrong-again", csrfToken: csrf.csrfToken, json: "true" },
    });
    expect(res.status()).toBe(429);
    expect(Number(res.headers()["retry-after"])).toBeGreaterThan(800);
    expect((await res.json()).error.code).toBe("too_many_attempts");
  });
});
