import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { Invalid } from "@/lib/errors";
import { oauthTransport } from "@/lib/http/outbound";
import { clientCredentialsToken } from "@/lib/oauth2";
import { oauth2Endpoints } from "@/lib/services/oauth2-endpoints";
import { authorizationFailure } from "@/lib/services/provider-errors";
import { loadServiceClient } from "@/lib/services/resolve";
import { assertMayUseClientCredentials, loadForAuthorization } from "./authorization-access";
import { saveOAuth2Tokens } from "./save-oauth2-tokens";

/** OAuth 2 client credentials: the token is fetched at once with the service's client, no popup. */
export async function connectClientCredentials(db: Db, actor: Actor, connectionId: string): Promise<void> {
  const { connection, service } = await loadForAuthorization(db, actor, connectionId);
  if (service.authType !== "oauth2" || service.oauth2?.grantType !== "client_credentials") {
    throw new Invalid(`${service.name} does not use the client credentials grant`);
  }
  const client = await loadServiceClient(db, actor, service);
  await assertMayUseClientCredentials(db, actor, { userId: actor.id, role: actor.role, service, client });
  try {
    const tokens = await clientCredentialsToken({
      endpoints: oauth2Endpoints(service),
      client,
      scopes: connection.scopes,
      delimiter: connection.scopeDelimiter,
      transport: oauthTransport(),
    });
    await saveOAuth2Tokens(db, actor, {
      connection,
      service,
      serviceVersion: client.version,
      tokens,
      requested: connection.scopes,
    });
  } catch (error) {
    throw authorizationFailure(service, error, connection.id);
  }
}
