import "server-only";
import { randomBytes } from "node:crypto";

/** Set when a reconnect consented with another provider account than before (docs/product.md §10). */
export type ConsentResult = { ok: boolean; connectionId?: string; message: string; accountChanged?: boolean };

export const ACCOUNT_CHANGED_HINT = "Calls through this connection now act as that account.";

/** JSON inside a <script>: "<" escaped so no value can close the tag. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A strict policy for our own tiny pages: only the one inline script with this nonce, nothing framed, no other source. */
function pageHeaders(nonce: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    "referrer-policy": "no-referrer",
  };
}

/**
 * The first page of the consent popup: it cuts the link back to our window
 * (`window.opener = null`) before it navigates to the provider, so the provider's page —
 * or a custom service's, which its creator controls — cannot reach or redirect our tab.
 * The callback page reports over BroadcastChannel (same origin), which needs no opener.
 */
export function consentStartPage(providerUrl: string): Response {
  const nonce = randomBytes(16).toString("base64");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Connecting… · Connections</title></head>
<body><p style="font-family:system-ui,sans-serif;margin:2rem">Opening the service's consent page…</p>
<script nonce="${nonce}">
(function () {
  try { window.opener = null; } catch (e) {}
  window.location.replace(${scriptJson(providerUrl)});
})();
</script>
</body></html>`;
  return new Response(html, { status: 200, headers: pageHeaders(nonce) });
}

/**
 * The page the consent popup ends on: tells the opener (BroadcastChannel, and postMessage
 * to our exact origin only) and closes. Without an opener it offers the way back.
 */
export function consentResultPage(result: ConsentResult, origin: string): Response {
  const nonce = randomBytes(16).toString("base64");
  const back = result.connectionId ? `/connections/${result.connectionId}` : "/connections";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${result.ok ? "Connected" : "Authorization failed"} · Connections</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:28rem;padding:0 1rem;color:#0f172a}a{color:#1d5fd6}</style>
</head><body>
<h1>${result.ok ? "Connected" : "Authorization failed"}</h1>
<p role="status">${escapeHtml(result.message)}</p>
<p><a href="${escapeHtml(back)}">Back to the connection</a></p>
<script nonce="${nonce}">
(function () {
  var message = Object.assign({ type: "connections:oauth" }, ${scriptJson(result)});
  try { new BroadcastChannel("connections-oauth").postMessage(message); } catch (e) {}
  var opener = null;
  try { opener = window.opener; } catch (e) {}
  if (opener) {
    try { opener.postMessage(message, ${scriptJson(origin)}); } catch (e) {}
  }
  // The opener closes this window when it hears the message; closing here too covers a lost opener.
  setTimeout(function () { window.close(); }, 150);
})();
</script>
</body></html>`;
  return new Response(html, { status: result.ok ? 200 : 400, headers: pageHeaders(nonce) });
}
