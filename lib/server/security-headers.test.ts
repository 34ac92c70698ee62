import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, PERMISSIONS_POLICY, strictTransportSecurity } from "./security-headers";

/** The browser-facing headers of every page (docs/security.md); e2e/trust.spec.ts checks them on real pages. */
describe("security headers", () => {
  const directives = (csp: string) => new Map(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

  it("scripts run only with the response's nonce: no inline or eval in production", () => {
    const csp = directives(contentSecurityPolicy("abc123==", { development: false }));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    // Next's development server needs eval for its refresh runtime; production never gets it.
    expect(directives(contentSecurityPolicy("n", { development: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  it("a fresh, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("HSTS only when APP_URL is https (a plain-http development URL must stay reachable)", () => {
    expect(strictTransportSecurity("https://connections.example.com")).toMatch(/^max-age=31536000\b/);
    expect(strictTransportSecurity("http://127.0.0.1:3000")).toBeUndefined();
  });

  it("turns off the powerful features no page uses", () => {
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(PERMISSIONS_POLICY).toContain(`${feature}=()`);
    }
  });
});
