/**
 * `npm start`: the app's production server (docs/architecture.md "Memory"), as
 * `npm run build` compiled it from server.ts into .next/connections-server.cjs. Started with
 * plain `node`, no TypeScript loader: a loader costs a second V8 isolate and compiles every
 * module Next loads, well over 100 MiB of resident memory for the process's life.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";

// From the working directory, as Next, the migrations and the data directory are found.
const server = path.resolve(".next", "connections-server.cjs");
if (!existsSync(server)) {
  console.error("[connections] cannot start: there is no production build here; run `npm run build` first");
  process.exit(1);
}
// V8 grows the heap after each full collection by a factor it picks from the allocation rate, up
// to 4x what survived: under load the app's resident memory then holds mostly garbage. Fixed at
// 1.5x, its peak in `npm run bench:invoke`'s burst fell by ~50 MiB at no measured throughput cost
// (docs/architecture.md "Memory"). V8 reads the factor at each collection, so setting it here holds.
v8.setFlagsFromString("--heap-growing-percent=50");
await import(pathToFileURL(server).href);
