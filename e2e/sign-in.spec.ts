import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "./helpers";
import { recordSecret } from "./secrets";

recordSecret("not-the-password", "carol-password");

test("a signed-out visit to /connections lands on sign-in, and returns there after signing in", async ({ page }) => {
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fconnections/);
  await page.getByLabel("Email").fill("ada@acme.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/connections$/);
});

test("a user signs in and sees the shell and the connections page", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  const header = page.getByRole("banner");
  await expect(header.getByText("Acme", { exact: true })).toBeVisible();
  await expect(header.getByText("Ada Lovelace")).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Connections", "Services", "Settings"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "Add Connection" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Own Connections" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Shared Connections" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a wrong password shows an error and creates no session", async ({ page, context }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("ada@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Incorrect email or password.")).toBeVisible();
  const cookies = await context.cookies();
  expect(cookies.some((c) => c.name.includes("session-token"))).toBe(false);
  await page.goto("/connections");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an admin adds a member who can then sign in; a member cannot add anyone", async ({ page, browser }) => {
  await signIn(page, "ada@acme.test");
  await page.goto("/settings/members");
  await page.getByLabel("Name").fill("Carol Danvers");
  await page.getByLabel("Email").fill("carol@acme.test");
  await page.getByLabel("Initial password").fill("short");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText("The initial password must have at least 8 characters")).toBeVisible();
  await page.getByLabel("Initial password").fill("carol-password");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("cell", { name: "carol@acme.test" })).toBeVisible();

  await page.getByLabel("Name").fill("Carol Again");
  await page.getByLabel("Email").fill("carol@acme.test");
  await page.getByLabel("Initial password").fill("carol-password");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription("A user with this email already exists");

  const carol = await browser.newPage();
  await signIn(carol, "carol@acme.test", "carol-password");
  await carol.goto("/settings/members");
  await expect(carol.getByText("Only an admin can add members.")).toBeVisible();
  await expect(carol.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await carol.close();
});
