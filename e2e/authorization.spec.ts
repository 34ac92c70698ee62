import { expect, test, type Page, type Request } from "@playwright/test";
import { signIn } from "./helpers";
import { recordSecret } from "./secrets";

const STRIPE_KEY = "sk_test_e2e_not_real";
recordSecret(STRIPE_KEY);

/**
 * Server actions are plain POSTs anyone can replay with other arguments. Bob captures the
 * requests of his own actions, then sends them with the id of Ada's connection: each is refused.
 */

async function createKeyConnection(page: Page, name: string, opts: { shared?: boolean } = {}): Promise<string> {
  await page.goto("/connections/new/stripe");
  await page.getByLabel("Connection Name").fill(name);
  if (opts.shared) await page.getByLabel("use credentials of login user").check();
  await page.getByRole("button", { name: "Create and Connect" }).click();
  const dialog = page.getByRole("dialog", { name: "User Permissions" });
  await dialog.getByRole("textbox").first().fill(STRIPE_KEY);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

/** Runs `act` and returns the server action POST it made. */
async function captureAction(page: Page, act: () => Promise<void>): Promise<Request> {
  const captured = page.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await act();
  return captured;
}

async function replay(page: Page, request: Request, fromId: string, toId: string) {
  const body = request.postData()!.replaceAll(fromId, toId);
  const headers = { ...request.headers() };
  delete headers["content-length"];
  const response = await page.request.post(request.url(), { headers, data: body });
  return response.text();
}

test("replayed server actions cannot edit, delete or revoke someone else's connection", async ({ page, browser }) => {
  await signIn(page, "ada@acme.test");
  const adaPrivate = await createKeyConnection(page, "Ada private key");
  const adaShared = await createKeyConnection(page, "Ada shared key", { shared: true });

  const bob = await browser.newPage();
  await signIn(bob, "bob@acme.test");
  const bobOwn = await createKeyConnection(bob, "Bob key");

  // Edit: Bob saves his own connection, then replays it against Ada's.
  await bob.goto(`/connections/${bobOwn}/edit`);
  await bob.getByLabel("Connection Name").fill("Bob key renamed");
  const edit = await captureAction(bob, () => bob.getByRole("button", { name: "Save" }).click());
  await expect(bob.getByRole("heading", { name: "Bob key renamed" })).toBeVisible();
  // The replay reaches the action: on Bob's own connection it succeeds.
  expect(await replay(bob, edit, bobOwn, bobOwn)).toMatch(/"ok":true/);
  for (const target of [adaPrivate, adaShared]) {
    expect(await replay(bob, edit, bobOwn, target)).toMatch(/"ok":false/);
  }

  // Revoke: Bob revokes his own credential, then replays it against Ada's private connection.
  await bob.goto(`/connections/${bobOwn}`);
  await bob.getByRole("button", { name: "Revoke" }).click();
  const revoke = await captureAction(bob, () => bob.getByRole("dialog").getByRole("button", { name: "Revoke" }).click());
  await expect(bob.getByRole("region", { name: "Connection summary" }).getByText("Not connected")).toBeVisible();
  expect(await replay(bob, revoke, bobOwn, adaPrivate)).toMatch(/"ok":false/);

  // Delete: Bob deletes his own connection, then replays it against both of Ada's.
  await bob.goto(`/connections/${bobOwn}`);
  await bob.getByRole("button", { name: "Delete" }).click();
  const del = await captureAction(bob, () => bob.getByRole("dialog").getByRole("button", { name: "Delete" }).click());
  await expect(bob).toHaveURL(/\/connections$/);
  for (const target of [adaPrivate, adaShared]) {
    expect(await replay(bob, del, bobOwn, target)).toMatch(/"ok":false/);
  }
  await bob.close();

  // Ada's connections are untouched and still connected.
  for (const [id, name] of [
    [adaPrivate, "Ada private key"],
    [adaShared, "Ada shared key"],
  ]) {
    await page.goto(`/connections/${id}`);
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByRole("region", { name: "Connection summary" }).getByText("Connected", { exact: true })).toBeVisible();
  }
});
