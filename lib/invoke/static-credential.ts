import "server-only";
import type { Db } from "@/db";
import type { ConnectionRow } from "@/lib/connections/access";
import { openCredential, type CredentialRow } from "@/lib/credentials/credentials";
import { Invalid, NotConnected } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import { loadServiceClient } from "@/lib/services/resolve";
import type { InjectableCredential } from "./inject";
import { notConnectedMessage } from "./messages";

/** API key, Basic and OAuth 1 credentials: decrypted and shaped for injection. */
export async function staticCredential(
  db: Db,
  connection: ConnectionRow,
  service: ServiceDefinition,
  credential: CredentialRow,
  subject: Parameters<typeof notConnectedMessage>[0],
): Promise<InjectableCredential> {
  const payload = openCredential(credential);
  const mismatch = () =>
    new NotConnected(`${notConnectedMessage(subject)} (The stored credential does not match the service's authentication type.)`);
  switch (service.authType) {
    case "api_key":
      if (payload?.type !== "api_key") throw mismatch();
      return { type: "api_key", params: service.apiKey?.params ?? [], values: payload.values };
    case "basic":
      if (payload?.type !== "basic") throw mismatch();
      return { type: "basic", username: payload.username, password: payload.password };
    case "oauth1": {
      if (payload?.type !== "oauth1") throw mismatch();
      const client = await loadServiceClient(db, connection, service);
      return {
        type: "oauth1",
        consumerKey: client.clientId,
        consumerSecret: client.clientSecret,
        token: payload.token,
        tokenSecret: payload.tokenSecret,
        paramType: service.oauth1?.paramType ?? "header",
      };
    }
    default:
      throw new Invalid(`${service.name} has an unsupported authentication type`);
  }
}
