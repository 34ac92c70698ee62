/**
 * `npm start`: the app's production server (docs/architecture.md "Memory"), as
 * `npm run build` compiled it from server.ts into .next/connections-server.cjs. Started with
 * plain `node`, no TypeScript loader: a loader costs a second V8 isolate and compiles every
 * module Next loads, well over 100 MiB of resident memory for the process's life.
 */
import { existsSync } from "node:fs";

const server = new URL("../.next/connections-server.cjs", import.meta.url);
if (!existsSync(server)) {
  console.error("[connections] cannot start: there is no production build here; run `npm run build` first");
  process.exit(1);
}
await import(server.href);
