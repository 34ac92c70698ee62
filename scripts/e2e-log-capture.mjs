// Runs the e2e suite's web server command (any shell command) and copies everything it writes
// to stdout and stderr into a file as well, so the global teardown can check the server's log
// for the suite's secrets (docs/architecture.md "Operating it").
//   node scripts/e2e-log-capture.mjs <log file> <shell command>
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const [logFile, command] = process.argv.slice(2);
if (!logFile || !command) {
  console.error("usage: node scripts/e2e-log-capture.mjs <log file> <shell command>");
  process.exit(2);
}
fs.mkdirSync(path.dirname(logFile), { recursive: true });
const fd = fs.openSync(logFile, "a");

const child = spawn("sh", ["-c", command], { stdio: ["inherit", "pipe", "pipe"], env: process.env });
// Written synchronously: the teardown reads the file while the server still runs.
child.stdout.on("data", (chunk) => {
  fs.writeSync(fd, chunk);
  process.stdout.write(chunk);
});
child.stderr.on("data", (chunk) => {
  fs.writeSync(fd, chunk);
  process.stderr.write(chunk);
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  fs.closeSync(fd);
  process.exit(code ?? (signal ? 1 : 0));
});
