import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "connections";

/** Signs in through the real form, as a user would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByRole("heading", { name: "Connections", level: 1, exact: true })).toBeVisible();
}

/** Drives oidc-provider's own login and consent pages in the consent popup, then waits for it to close. */
export async function consentInPopup(popup: Page, account: string) {
  await popup.waitForLoadState();
  const login = popup.locator('input[name="login"]');
  const consent = popup.getByRole("button", { name: "Continue" });
  // Signed in at the provider already (an earlier consent in this browser): only the consent page shows.
  await login.or(consent).first().waitFor();
  if (await login.isVisible()) {
    await login.fill(account);
    await popup.locator('input[name="password"]').fill("any-password");
    await popup.locator('button[type="submit"]').click();
  }
  // Listen before clicking: the popup may close before a later listener is attached.
  const closed = popup.isClosed() ? Promise.resolve() : popup.waitForEvent("close", { timeout: 20_000 });
  await consent.click();
  await closed;
}

/** An admin sets the organization's OAuth app of the Test IdP through Settings → OAuth apps. */
export async function configureTestIdp(page: Page, clientId: string, clientSecret: string) {
  await page.goto("/settings/oauth-apps");
  await page.getByRole("button", { name: "Configure Test IdP" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Client ID").fill(clientId);
  await dialog.getByLabel("Client Secret").fill(clientSecret);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Test IdP/ }).getByText("Configured (secret set)")).toBeVisible();
}

/** Add Connection → Pick your Service → Connection Details, up to (not including) "Create and Connect". */
export async function fillConnectionDetails(
  page: Page,
  opts: { service: string; name: string; scopes?: string[]; shared?: boolean },
) {
  await page.goto("/connections");
  await page.getByRole("button", { name: "Add Connection" }).click();
  await expect(page.getByRole("heading", { name: "Pick your Service" })).toBeVisible();
  await page.getByLabel("Search services").fill(opts.service);
  await page
    .getByRole("link", { name: new RegExp(opts.service) })
    .first()
    .click();
  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
  await page.getByLabel("Connection Name").fill(opts.name);
  for (const scope of opts.scopes ?? []) await page.getByRole("checkbox", { name: new RegExp(`^${scope}\\b`) }).check();
  if (opts.shared) await page.getByLabel("use credentials of login user").check();
}

/**
 * "Create Your Own" an API key service whose key goes in the X-Api-Key header ("Your API
 * key" in the User Permissions dialog) and only to 127.0.0.1 (the echo API); ends on the
 * new service's Connection Details.
 */
export async function createApiKeyService(page: Page, name: string) {
  await page.goto("/connections/new");
  await page.getByRole("link", { name: "Create Your Own" }).click();
  await page.getByLabel("Service Name").fill(name);
  await page.getByLabel("Authentication Type").selectOption({ label: "API Key" });
  await page.getByLabel("Actual Parameter").first().fill("X-Api-Key");
  await page.getByLabel("Parameter Display Name").first().fill("Your API key");
  await page.getByLabel("Param Type").first().selectOption({ label: "Header" });
  await page.getByLabel("Allowed hosts").fill("127.0.0.1");
  await page.getByRole("button", { name: "Create Service" }).click();
  await expect(page.getByRole("heading", { name: "Connection Details" })).toBeVisible();
}
