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
