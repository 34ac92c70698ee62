import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db";
import { sessionActor } from "@/lib/auth/request-actor";
import { BINDING_COOKIE } from "@/lib/connections/browser-binding";
import { completeAuthorization } from "@/lib/connections/complete-authorization";
import { ACCOUNT_CHANGED_HINT, consentResultPage } from "@/lib/connections/consent-page";
import { env } from "@/lib/env";
import { AuthorizationFailed } from "@/lib/errors";
import { errorName, requestLogger } from "@/lib/observe/logger";
import { linkNameSchema } from "@/lib/validation/names";

/**
 * The redirect URI of one service's OAuth 2 and OAuth 1.0a flows:
 * ${APP_URL}/api/oauth/callback/<service link name> (docs/architecture.md "OAuth flows").
 */
export async function GET(request: NextRequest, context: { params: Promise<{ service: string }> }) {
  const origin = env().APP_URL;
  const { service } = await context.params;
  if (!linkNameSchema.safeParse(service).success) {
    return consentResultPage({ ok: false, message: "This is not the callback URL of any service." }, origin);
  }
  const actor = await sessionActor(request);
  if (!actor) {
    return consentResultPage(
      { ok: false, message: "Your session has ended. Sign in and start the authorization again." },
      origin,
    );
  }
  // The URL as the provider sent it, on our public origin (a proxy in front may rewrite the host).
  const callbackUrl = new URL(`${origin}/api/oauth/callback/${service}${request.nextUrl.search}`);
  try {
    const { connectionId, mode, accountChanged } = await completeAuthorization(await getDb(), actor, {
      callbackUrl,
      browserBinding: request.cookies.get(BINDING_COOKIE)?.value,
      serviceLinkName: service,
    });
    if (mode === "redirect") {
      const back = `/connections/${connectionId}?connected=1${accountChanged ? "&account_changed=1" : ""}`;
      return NextResponse.redirect(new URL(back, origin), 303);
    }
    return consentResultPage(
      {
        ok: true,
        connectionId,
        accountChanged,
        message: accountChanged
          ? `The connection is authorized, but with a different account than before. ${ACCOUNT_CHANGED_HINT}`
          : "The connection is authorized. You can close this window.",
      },
      origin,
    );
  } catch (error) {
    const failure = error instanceof AuthorizationFailed ? error : undefined;
    if (!failure) requestLogger(request.headers).error({ error: errorName(error), service }, "oauth callback failed");
    const message = failure?.message ?? "Could not complete the authorization. Try again.";
    if (failure?.mode === "redirect" && failure.connectionId) {
      const back = new URL(`/connections/${failure.connectionId}`, origin);
      back.searchParams.set("error", failure.reason);
      return NextResponse.redirect(back, 303);
    }
    return consentResultPage({ ok: false, connectionId: failure?.connectionId, message }, origin);
  }
}
