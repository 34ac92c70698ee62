import "server-only";
import type { OAuth2Endpoints } from "@/lib/oauth2";
import type { ServiceDefinition } from "./definition";

/** The OAuth 2 endpoints of a service, as lib/oauth2 takes them (authorize, token, refresh, revocation, issuer). */
export function oauth2Endpoints(service: ServiceDefinition): OAuth2Endpoints {
  const o = service.oauth2;
  if (!o) throw new Error(`${service.name} is not an OAuth 2 service`);
  return {
    issuer: o.issuer,
    authorizeUrl: o.authorizeUrl,
    tokenUrl: o.tokenUrl,
    refreshUrl: o.refreshUrl,
    revocationUrl: o.revocationUrl,
    tokenAuthMethod: o.tokenAuthMethod,
    issParameterSupported: o.issParameterSupported,
  };
}
