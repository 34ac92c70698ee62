import "server-only";
import nodemailer from "nodemailer";
import { env } from "@/lib/env";
import { errorName, logger } from "@/lib/observe/logger";

/**
 * Invitation emails (docs/product.md §8) through the operator's SMTP server,
 * CONNECTIONS_SMTP_URL (nodemailer). Without it nothing is sent: the admin copies the link.
 * A failure is logged by name only (the URL may hold a password; the link is a credential)
 * and reported as not sent, so the admin still has the link to copy.
 */
/**
 * The admin's "Invite member" waits for the send, and nodemailer's defaults allow minutes
 * (2 min to connect, 10 min of silence). Bounds go in as the URL's query options, the way
 * nodemailer reads a connection URL (options given beside a URL are dropped), unless the
 * operator's URL already sets them.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 };

function boundedSmtpUrl(url: string): string {
  const parsed = new URL(url);
  for (const [name, ms] of Object.entries(SMTP_TIMEOUTS)) {
    if (!parsed.searchParams.has(name)) parsed.searchParams.set(name, String(ms));
  }
  return parsed.toString();
}

export async function sendInvitationEmail(input: {
  to: string;
  orgName: string;
  invitedBy: string;
  link: string;
}): Promise<boolean> {
  const { CONNECTIONS_SMTP_URL, CONNECTIONS_SMTP_FROM } = env();
  if (!CONNECTIONS_SMTP_URL) return false;
  try {
    const transport = nodemailer.createTransport(boundedSmtpUrl(CONNECTIONS_SMTP_URL));
    await transport.sendMail({
      from: CONNECTIONS_SMTP_FROM,
      to: input.to,
      subject: `${input.invitedBy} invited you to ${input.orgName} on Connections`,
      text:
        `${input.invitedBy} invited you to join ${input.orgName} on Connections.\n\n` +
        `Open this link to choose your name and password (it works once, for 7 days):\n${input.link}\n`,
    });
    return true;
  } catch (error) {
    logger().warn({ error: errorName(error) }, "could not send the invitation email");
    return false;
  }
}
