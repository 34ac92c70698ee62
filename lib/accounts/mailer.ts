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
export async function sendInvitationEmail(input: {
  to: string;
  orgName: string;
  invitedBy: string;
  link: string;
}): Promise<boolean> {
  const { CONNECTIONS_SMTP_URL, CONNECTIONS_SMTP_FROM } = env();
  if (!CONNECTIONS_SMTP_URL) return false;
  try {
    const transport = nodemailer.createTransport(CONNECTIONS_SMTP_URL);
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
