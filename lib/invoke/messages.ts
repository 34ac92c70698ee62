import "server-only";

/** The invoke engine's messages for credentials a call cannot use: each says what to do and where. */

/** Where a user (re-)authenticates a connection: its page in Connections. */
export function connectionPageUrl(appUrl: string, connectionId: string): string {
  return `${appUrl}/connections/${connectionId}`;
}

type CredentialSubject = {
  linkName: string;
  connectionId: string;
  appUrl: string;
  /** The credential is the caller's own (shared connection, or the owner calling). */
  callersOwn: boolean;
};

/** The credential was refused by the provider (invalid_grant) or can no longer be renewed. */
export function needsReauthMessage(s: CredentialSubject, reason?: string): string {
  const page = connectionPageUrl(s.appUrl, s.connectionId);
  const who = s.callersOwn ? "open" : "its owner must open";
  return (
    `The connection "${s.linkName}" needs re-authentication: ${who} the connection in Connections (${page}) and click Connect/Authorize.` +
    (reason ? ` ${reason}` : "")
  );
}

/** The caller has no credential for a shared connection. */
export function notAuthorizedByYouMessage(s: Omit<CredentialSubject, "callersOwn">): string {
  return (
    `The connection "${s.linkName}" uses the credentials of each user and is not authorized by you yet: ` +
    `open ${connectionPageUrl(s.appUrl, s.connectionId)} and click Authorize to authenticate with your own account.`
  );
}

/** The owner's credential is missing or was revoked. */
export function notConnectedMessage(s: CredentialSubject): string {
  const page = connectionPageUrl(s.appUrl, s.connectionId);
  return s.callersOwn
    ? `The connection "${s.linkName}" is not connected: open ${page} and click Connect/Authorize.`
    : `The connection "${s.linkName}" is not connected: its owner must open ${page} and click Connect/Authorize.`;
}
