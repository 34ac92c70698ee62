/**
 * The mode of server.ts (docs/architecture.md "The data plane"): `--dev` is development,
 * anything else production, whatever NODE_ENV the shell had. server.ts writes it into
 * NODE_ENV before anything reads it, so `NODE_ENV=development npm start` still gets the
 * production checks (the demo-password refusal, no demo seed by default). Imports nothing:
 * server.ts loads it outside Next's bundle.
 */
export function serverNodeEnv(argv: readonly string[]): "development" | "production" {
  return argv.includes("--dev") ? "development" : "production";
}
