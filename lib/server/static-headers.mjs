/**
 * The security headers that are the same on every answer of the app (docs/security.md), sent
 * by next.config.mjs's headers(). Plain JavaScript so that the production start reads its
 * configuration without a compiler (docs/architecture.md "Memory": Next compiles a
 * next.config.ts with its native SWC module at every start, ~26 MiB kept for the process's life).
 */

/** Features no page of the app uses, turned off for it and anything it might embed. */
export const PERMISSIONS_POLICY =
  "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), display-capture=(), interest-cohort=()";

/** Sent on every path. */
export const STATIC_SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
];
