/**
 * The browser-facing security headers of every page (docs/security.md): a strict Content
 * Security Policy with a fresh nonce per response (Next puts it on its own scripts), no
 * framing, and HSTS when the app is served over https. The headers that never change (no
 * sniffing, no framing, the Permissions-Policy) are in static-headers.mjs, sent by next.config.mjs.
 */
export function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  const scripts = [`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`, ...(options.development ? [`'unsafe-eval'`] : [])];
  return [
    `default-src 'self'`,
    `script-src ${scripts.join(" ")}`,
    // Radix and React set style attributes; no script runs from a style.
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join("; ");
}

/** HSTS for a deployment served over https: browsers then never try plain http for it again. */
export function strictTransportSecurity(appUrl: string): string | undefined {
  return appUrl.startsWith("https://") ? "max-age=31536000; includeSubDomains" : undefined;
}

/** A random nonce, base64, from the Web Crypto API (the proxy may run outside Node's crypto module). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
