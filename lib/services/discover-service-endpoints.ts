import "server-only";
import { oauthTransport } from "@/lib/http/outbound";
import { discover } from "@/lib/oauth2";
import { checkUrls } from "./custom-service-access";
import { discoveryFailure } from "./provider-errors";

export type DiscoveredEndpoints = {
  issuer: string;
  authorizeUrl?: string;
  tokenUrl: string;
  revocationUrl?: string;
};

/** "Discover endpoints": RFC 8414, then OpenID Connect discovery, through the outbound guard. */
export async function discoverServiceEndpoints(issuer: string): Promise<DiscoveredEndpoints> {
  checkUrls({ issuer });
  try {
    const endpoints = await discover(issuer, oauthTransport());
    return {
      issuer: endpoints.issuer ?? issuer,
      authorizeUrl: endpoints.authorizeUrl,
      tokenUrl: endpoints.tokenUrl,
      revocationUrl: endpoints.revocationUrl,
    };
  } catch (error) {
    throw discoveryFailure(error) ?? error;
  }
}
