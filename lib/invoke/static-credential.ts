import "server-only";
import type { CredentialPayload } from "@/lib/credentials/credentials";
import { Invalid, NotConnected } from "@/lib/errors";
import type { ServiceDefinition } from "@/lib/services/definition";
import type { ServiceClient } from "@/lib/services/resolve";
import type { InjectableCredential } from "./inject";
import { notConnectedMessage } from "./messages";

/** API key, Basic and OAuth 1 credentials (already opened), shaped for injection. */
export async function staticCredential(
  service: ServiceDefinition,
  payload: CredentialPayload | undefined,
  subject: Parameters<typeof notConnectedMessage>[0],
  client: () => Promise<ServiceClient>,
): Promise<InjectableCredential> {
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
      const { clientId, clientSecret } = await client();
      return {
        type: "oauth1",
        consumerKey: clientId,
        consumerSecret: clientSecret,
        token: payload.token,
        tokenSecret: payload.tokenSecret,
        paramType: service.oauth1?.paramType ?? "header",
      };
    }
    default:
      throw new Invalid(`${service.name} has an unsupported authentication type`);
  }
}
