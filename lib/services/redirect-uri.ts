import "server-only";
import { env } from "@/lib/env";

/**
 * The redirect (callback) URI of a service (docs/product.md §6): one per service, so an
 * authorization response can only ever complete a flow of the service it was registered
 * for (RFC 9700 §4.4, mix-up). Default services use their catalogue link name.
 */
export function redirectUriFor(serviceLinkName: string): string {
  return `${callbackBase()}${serviceLinkName}`;
}

/** `${APP_URL}/api/oauth/callback/`: the editor shows it with the link name being typed. */
export function callbackBase(): string {
  return `${env().APP_URL}/api/oauth/callback/`;
}
