// Plain JavaScript, not next.config.ts: Next compiles a TypeScript config with its native SWC
// module at every start, and the production server would keep that module (~26 MiB) for its
// whole life (docs/architecture.md "Memory").
import { STATIC_SECURITY_HEADERS } from "./lib/server/static-headers.mjs";

/** @type {import("next").NextConfig} */
const nextConfig = {
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
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
