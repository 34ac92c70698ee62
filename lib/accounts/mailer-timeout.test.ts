/**
 * An SMTP server that accepts the connection and never greets: the invitation send gives up
 * (nodemailer's greeting timeout, set in ./mailer.ts) instead of holding the admin's
 * "Invite member" for minutes, and reports not sent so the admin copies the link.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { setupTestEnv } from "@/test/harness";
import { sendInvitationEmail } from "./mailer";

let silent: net.Server;
const closed: Array<Promise<void>> = [];

beforeAll(async () => {
  silent = net.createServer((socket) => {
    closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as AddressInfo;
  setupTestEnv({ env: { CONNECTIONS_SMTP_URL: `smtp://127.0.0.1:${port}`, CONNECTIONS_SMTP_FROM: "noreply@acme.test" } });
});
afterAll(async () => {
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

it("gives up on a server that never greets, reports not sent, and closes the connection", async () => {
  const sent = await sendInvitationEmail({
    to: "erin@acme.test",
    orgName: "Acme",
    invitedBy: "Ada",
    link: "http://127.0.0.1:3999/invite?token=silent",
  });
  expect(sent).toBe(false);
  expect(closed).toHaveLength(1);
  await Promise.all(closed);
}, 30_000);
