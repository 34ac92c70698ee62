import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { sessionActor } from "@/lib/auth/request-actor";
import { BINDING_COOKIE, bindingCookie, newBinding } from "@/lib/connections/browser-binding";
import { consentResultPage, consentStartPage } from "@/lib/connections/consent-page";
import { startAuthorization } from "@/lib/connections/start-authorization";
import { env } from "@/lib/env";
import { AuthorizationFailed, DomainError } from "@/lib/errors";
import { errorName, requestLogger } from "@/lib/observe/logger";

/** Opens a consent flow: GET /api/oauth/start?connection=<id>&mode=popup|redirect. */
export async function GET(request: NextRequest) {
  const connectionId = request.nextUrl.searchParams.get("connection") ?? "";
  const mode = request.nextUrl.searchParams.get("mode") === "redirect" ? "redirect" : "popup";
  const origin = env().APP_URL;
  const actor = await sessionActor(request);
  if (!actor)
    return NextResponse.redirect(new URL(`/sign-in?callbackUrl=/connections/${encodeURIComponent(connectionId)}`, origin));
  const binding = request.cookies.get(BINDING_COOKIE)?.value || newBinding();
  try {
    const { redirectTo } = await startAuthorization(await getDb(), actor, { connectionId, browserBinding: binding, mode });
    // In the popup, our window's opener is cut before the provider's page loads; a full-page redirect has none.
    const response = mode === "popup" ? consentStartPage(redirectTo) : NextResponse.redirect(redirectTo, 303);
    const cookie = bindingCookie(binding);
    const attributes = [
      `${cookie.name}=${cookie.value}`,
      `Path=${cookie.path}`,
      `Max-Age=${cookie.maxAge}`,
      "HttpOnly",
      "SameSite=Lax",
      ...(cookie.secure ? ["Secure"] : []),
    ];
    response.headers.append("set-cookie", attributes.join("; "));
    return response;
  } catch (error) {
    const message = error instanceof DomainError ? error.message : "Could not start the authorization. Try again.";
    if (!(error instanceof DomainError))
      requestLogger(request.headers).error({ error: errorName(error), connectionId }, "oauth start failed");
    if (mode === "redirect") {
      const back = new URL(`/connections/${encodeURIComponent(connectionId)}`, origin);
      const reason =
        error instanceof AuthorizationFailed
          ? error.reason
          : error instanceof DomainError && error.code === "not_configured"
            ? "not_configured"
            : "failed";
      back.searchParams.set("error", reason);
      return NextResponse.redirect(back, 303);
    }
    return consentResultPage({ ok: false, connectionId, message }, origin);
  }
}
