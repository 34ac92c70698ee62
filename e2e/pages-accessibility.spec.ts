import { expect, test } from "@playwright/test";
import { expectAccessible } from "./a11y";
import { signIn } from "./helpers";
import { recordSecret } from "./secrets";

recordSecret("a11y-key-value");

test.describe.configure({ mode: "serial" });
// Toasts then appear without a fade, so what axe measures is what a user reads.
test.use({ reducedMotion: "reduce" });

/** Every page of the app, as a signed-in member and admin sees it, has no serious or critical axe violation. */
test("every page passes axe with no serious or critical violation", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/sign-in");
  await expectAccessible(page, "/sign-in");

  await signIn(page, "eve@globex.test");
  await expectAccessible(page, "/connections");

  // A custom API key service and a connection of it, so the detail, summary and edit pages exist.
  await page.goto("/connections/new");
  await expectAccessible(page, "/connections/new (Pick your Service)");
  await page.getByRole("link", { name: "Create Your Own" }).click();
  await expect(page.getByRole("heading", { name: "Create Your Own" })).toBeVisible();
  await expectAccessible(page, "/services/new");
  await page.getByLabel("Service Name").fill("A11y Keys");
  await page.getByLabel("Authentication Type").selectOption({ label: "API Key" });
  await page.getByLabel("Actual Parameter").first().fill("X-Api-Key");
  await page.getByLabel("Parameter Display Name").first().fill("Your API key");
  await page.getByLabel("Allowed hosts").fill("api.example.com");
  for (const type of ["OAuth 1", "OAuth 2", "Basic", "API Key"]) {
    await page.getByLabel("Authentication Type").selectOption({ label: type });
    await expectAccessible(page, `/services/new with ${type}`);
  }
  await page.getByRole("button", { name: "Create Service" }).click();

  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await expectAccessible(page, "Connection Details");
  await page.getByLabel("Connection Name").fill("A11y connection");
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, "the User Permissions dialog");
  await dialog.getByLabel("Your API key").fill("a11y-key-value");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("region", { name: "Connection summary" })).toBeVisible();
  await expectAccessible(page, "the connection summary");
  const summaryUrl = page.url();

  await page.goto(`${summaryUrl}/edit`);
  await expectAccessible(page, "the connection's Edit page");

  await page.goto("/services");
  await expectAccessible(page, "/services");
  await page.getByRole("listitem").filter({ hasText: "A11y Keys" }).getByRole("link", { name: "Edit service" }).click();
  await expect(page.getByRole("heading", { name: "Edit service" })).toBeVisible();
  await expectAccessible(page, "the service editor on edit");

  await page.goto("/connections");
  await page.getByRole("row", { name: /A11y connection/ }).hover();
  await expectAccessible(page, "/connections with a row's actions shown");

  await page.goto("/console");
  await expectAccessible(page, "/console");

  await page.goto("/calls");
  await expect(page.getByRole("heading", { name: "My calls", level: 1 })).toBeVisible();
  await expectAccessible(page, "/calls");

  for (const path of [
    "/settings",
    "/settings/account",
    "/settings/members",
    "/settings/oauth-apps",
    "/settings/tokens",
    "/settings/webhooks",
  ]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }
});
