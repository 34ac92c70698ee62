import { E2E_ECHO_PORT, E2E_IDP_PORT, E2E_OAUTH1_PORT, E2E_PORT, IDP_CC_CLIENT, IDP_CLIENT, OAUTH1_CONSUMER } from "./env";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startIdp, type Idp } from "@/test/peers/idp";
import { startOAuth1Provider, type OAuth1Provider } from "@/test/peers/oauth1-provider";

/** Starts the IdP, the echo API that checks its tokens, and the OAuth 1.0a provider on their fixed ports for one spec file. */
export async function startPeers(): Promise<{ idp: Idp; echo: EchoApi; oauth1: OAuth1Provider; close(): Promise<void> }> {
  const idp = await startIdp({
    port: E2E_IDP_PORT,
    clients: [
      {
        ...IDP_CLIENT,
        redirect_uris: [`http://127.0.0.1:${E2E_PORT}/api/oauth/callback/test_idp`],
        grant_types: ["authorization_code", "refresh_token"],
      },
      { ...IDP_CC_CLIENT, grant_types: ["client_credentials"] },
    ],
  });
  const echo = await startEchoApi({
    port: E2E_ECHO_PORT,
    introspect: { url: idp.endpoints.introspection, clientId: IDP_CLIENT.client_id, clientSecret: IDP_CLIENT.client_secret },
  });
  const oauth1 = await startOAuth1Provider({
    port: E2E_OAUTH1_PORT,
    host: "127.0.0.1",
    consumerKey: OAUTH1_CONSUMER.key,
    consumerSecret: OAUTH1_CONSUMER.secret,
  });
  return {
    idp,
    echo,
    oauth1,
    async close() {
      await oauth1.close();
      await echo.close();
      await idp.close();
    },
  };
}
