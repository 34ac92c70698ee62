/**
 * Invitation emails through nodemailer to a real SMTP server on loopback (smtp-server):
 * sent where CONNECTIONS_SMTP_URL is set, with the link in the text; a server that refuses
 * leaves the admin with the link to copy (false), and nothing of the link in the log.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestEnv } from "@/test/harness";
import { sendInvitationEmail } from "./mailer";

type Received = { from: string; to: string[]; data: string };
const received: Received[] = [];
let refuse = false;
let server: SMTPServer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse) return callback(new Error("mailbox unavailable"));
      callback();
    },
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  setupTestEnv({
    env: { CONNECTIONS_SMTP_URL: `smtp://127.0.0.1:${port}`, CONNECTIONS_SMTP_FROM: "Connections <noreply@acme.test>" },
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("invitation email", () => {
  it("is sent to the invitee with the link, from CONNECTIONS_SMTP_FROM", async () => {
    const link = "http://127.0.0.1:3999/invite?token=abcDEF123_-xyz";
    const sent = await sendInvitationEmail({ to: "carol@acme.test", orgName: "Acme", invitedBy: "Ada Lovelace", link });
    expect(sent).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0].from).toBe("noreply@acme.test");
    expect(received[0].to).toEqual(["carol@acme.test"]);
    expect(received[0].data).toContain("Subject: Ada Lovelace invited you to Acme on Connections");
    expect(received[0].data).toContain(link);
  });

  it("reports not sent when the server refuses, so the admin copies the link instead", async () => {
    refuse = true;
    const sent = await sendInvitationEmail({
      to: "dave@acme.test",
      orgName: "Acme",
      invitedBy: "Ada",
      link: "http://127.0.0.1:3999/invite?token=refused",
    });
    refuse = false;
    expect(sent).toBe(false);
    expect(received).toHaveLength(1);
  });
});
