import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `npm start` (scripts/start.mjs) serves the build `npm run build` made (docs/architecture.md
 * "The data plane"); e2e/ runs the whole suite against that start. Here: the start without a
 * build, which must say what to do rather than print a module-resolution stack.
 */
describe("npm start", () => {
  it("without a build refuses with the command that makes one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-start-"));
    try {
      fs.mkdirSync(path.join(dir, "scripts"));
      fs.copyFileSync(path.resolve("scripts/start.mjs"), path.join(dir, "scripts/start.mjs"));
      const run = spawnSync(process.execPath, ["scripts/start.mjs"], { cwd: dir, encoding: "utf8", timeout: 20_000 });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe("[connections] cannot start: there is no production build here; run `npm run build` first");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
