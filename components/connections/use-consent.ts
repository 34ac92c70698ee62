"use client";

/** accountChanged: the provider says another account consented than before (a reconnect to warn about). */
export type ConsentOutcome = { ok: true; accountChanged?: boolean; message?: string } | { ok: false; message: string };

const CHANNEL = "connections-oauth";

/**
 * Opens the consent window now, inside the click, so that popup blockers allow it;
 * the URL is set once the connection exists. null means popups are blocked.
 */
export function openConsentWindow(): Window | null {
  const width = 520;
  const height = 680;
  const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
  const popup = window.open(
    "about:blank",
    "connections-consent",
    `popup,width=${width},height=${height},left=${left},top=${top}`,
  );
  if (popup) {
    try {
      popup.document.title = "Connecting…";
      popup.document.body.innerHTML = '<p style="font-family:system-ui;margin:2rem">Opening the service\'s consent page…</p>';
    } catch {
      // a cross-origin window from an earlier flow: it is navigated below anyway
    }
  }
  return popup;
}

export function startUrl(connectionId: string, mode: "popup" | "redirect"): string {
  return `/api/oauth/start?connection=${encodeURIComponent(connectionId)}&mode=${mode}`;
}

/**
 * Runs the consent flow of a connection in the given popup and resolves when the popup
 * reports (BroadcastChannel, or postMessage from our own origin) or is closed.
 */
export function runConsent(connectionId: string, popup: Window): Promise<ConsentOutcome> {
  popup.location.href = startUrl(connectionId, "popup");
  return new Promise((resolve) => {
    let done = false;
    const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
    const finish = (outcome: ConsentOutcome) => {
      if (done) return;
      done = true;
      try {
        popup.close();
      } catch {
        // already closed
      }
      channel?.close();
      window.removeEventListener("message", onMessage);
      clearInterval(timer);
      resolve(outcome);
    };
    const handle = (data: unknown) => {
      const msg = data as { type?: string; ok?: boolean; connectionId?: string; message?: string; accountChanged?: boolean };
      if (msg?.type !== "connections:oauth") return;
      if (msg.connectionId && msg.connectionId !== connectionId) return;
      finish(
        msg.ok
          ? { ok: true, accountChanged: msg.accountChanged === true, message: msg.message }
          : { ok: false, message: msg.message ?? "The authorization failed." },
      );
    };
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin) return; // only our own callback page may report
      handle(event.data);
    };
    if (channel) channel.onmessage = (event) => handle(event.data);
    window.addEventListener("message", onMessage);
    const timer = setInterval(() => {
      if (popup.closed) {
        // Give a message sent just before closing a moment to arrive.
        setTimeout(() => finish({ ok: false, message: "The consent window was closed before the authorization finished." }), 400);
      }
    }, 500);
  });
}
