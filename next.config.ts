import type { NextConfig } from "next";
import { PERMISSIONS_POLICY } from "./lib/server/security-headers";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly from its own package folder; bundling it breaks that. prom-client stays one
  // Node module so Next's bundle and the custom server share it (pino and pino-pretty are external by default).
  // rate-limiter-flexible loads drizzle-orm with a computed import() that a bundler cannot follow.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "oidc-provider",
    "prom-client",
    "pg-boss",
    "pg",
    "rate-limiter-flexible",
    "nodemailer",
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole tree once with tsc; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
    ];
  },
};

export default nextConfig;
