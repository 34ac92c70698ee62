import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "./helpers";
import { recordSecret } from "./secrets";

recordSecret("not-the-password");

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
