/**
 * Starts app instances (test/harness/data-plane-instance.ts) as child processes on one
 * Postgres database, for the tests of what must hold across instances.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export type Instance = { url: string; stop(): Promise<void> };

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "data-plane-instance.ts");

export async function startInstance(databaseUrl: string): Promise<Instance> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", ENTRY], {
    env: { ...process.env, INSTANCE_DATABASE_URL: databaseUrl, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start in time: ${stderr}`)), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited (${code}): ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const message = JSON.parse(line) as { url?: string };
        if (message.url) {
          clearTimeout(timer);
          resolve(message.url);
        }
      } catch {
        // not the line we wait for
      }
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
