import { E2E_ECHO_PORT, E2E_IDP_PORT, E2E_PORT, IDP_CLIENT } from "./env";
import { startEchoApi } from "./peers/echo-api";
import { startIdp, type Idp } from "./peers/idp";

/** Starts the IdP (and the echo API that checks its tokens) on their fixed ports for one spec file. */
export async function startPeers(): Promise<{ idp: Idp; close(): Promise<void> }> {
  const idp = await startIdp({
    port: E2E_IDP_PORT,
    clients: [
      {
        ...IDP_CLIENT,
        redirect_uris: [`http://127.0.0.1:${E2E_PORT}/api/oauth/callback`],
        grant_types: ["authorization_code", "refresh_token"],
      },
    ],
  });
  const echo = await startEchoApi({
    port: E2E_ECHO_PORT,
    introspect: { url: idp.endpoints.introspection, clientId: IDP_CLIENT.client_id, clientSecret: IDP_CLIENT.client_secret },
  });
  return {
    idp,
    async close() {
      await echo.close();
      await idp.close();
    },
  };
}
