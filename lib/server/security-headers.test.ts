import { describe, expect, it } from "vitest";
import nextConfig from "../../next.config.mjs";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "./security-headers";
import { PERMISSIONS_POLICY } from "./static-headers.mjs";

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

  it("next.config.mjs sends the fixed headers on every path", async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toHaveLength(1);
    expect(rules[0].source).toBe("/:path*");
    const headers = new Map(rules[0].headers.map((h) => [h.key, h.value]));
    expect(headers.get("Permissions-Policy")).toBe(PERMISSIONS_POLICY);
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Referrer-Policy")).toBe("same-origin");
  });
});
