import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { sessionActor } from "@/lib/auth/request-actor";
import { AuthorizationFailed, completeAuthorization } from "@/lib/connections/authorize";
import { BINDING_COOKIE } from "@/lib/connections/browser-binding";
import { consentResultPage } from "@/lib/connections/consent-page";
import { env } from "@/lib/env";

/** The redirect URI of every OAuth 2 and OAuth 1.0a flow: ${APP_URL}/api/oauth/callback. */
export async function GET(request: NextRequest) {
  const origin = env().APP_URL;
  const actor = await sessionActor(request);
  if (!actor) {
    return consentResultPage(
      { ok: false, message: "Your session has ended. Sign in and start the authorization again." },
      origin,
    );
  }
  // The URL as the provider sent it, on our public origin (a proxy in front may rewrite the host).
  const callbackUrl = new URL(`${origin}/api/oauth/callback${request.nextUrl.search}`);
  try {
    const { connectionId, mode } = await completeAuthorization(await getDb(), actor, {
      callbackUrl,
      browserBinding: request.cookies.get(BINDING_COOKIE)?.value,
    });
    if (mode === "redirect") return NextResponse.redirect(new URL(`/connections/${connectionId}?connected=1`, origin), 303);
    return consentResultPage(
      { ok: true, connectionId, message: "The connection is authorized. You can close this window." },
      origin,
    );
  } catch (error) {
    const failure = error instanceof AuthorizationFailed ? error : undefined;
    if (!failure) console.error("[connections] oauth callback failed:", error instanceof Error ? error.name : "error");
    const message = failure?.message ?? "Could not complete the authorization. Try again.";
    if (failure?.mode === "redirect" && failure.connectionId) {
      const back = new URL(`/connections/${failure.connectionId}`, origin);
      back.searchParams.set("error", message);
      return NextResponse.redirect(back, 303);
    }
    return consentResultPage({ ok: false, connectionId: failure?.connectionId, message }, origin);
  }
}
