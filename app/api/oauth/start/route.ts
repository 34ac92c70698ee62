import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { sessionActor } from "@/lib/auth/request-actor";
import { startAuthorization } from "@/lib/connections/authorize";
import { BINDING_COOKIE, bindingCookie, newBinding } from "@/lib/connections/browser-binding";
import { consentResultPage } from "@/lib/connections/consent-page";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";

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
    const response = NextResponse.redirect(redirectTo, 303);
    response.cookies.set(bindingCookie(binding));
    return response;
  } catch (error) {
    const message = error instanceof DomainError ? error.message : "Could not start the authorization. Try again.";
    if (!(error instanceof DomainError))
      console.error("[connections] oauth start failed:", error instanceof Error ? error.name : "error");
    if (mode === "redirect") {
      const back = new URL(`/connections/${encodeURIComponent(connectionId)}`, origin);
      back.searchParams.set("error", message);
      return NextResponse.redirect(back, 303);
    }
    return consentResultPage({ ok: false, connectionId, message }, origin);
  }
}
