// Waits until a URL answers (any status below 500), for at most the given seconds; exits 1 after.
// The end-to-end suite's second server waits so for the first, which builds the app it serves.
//   node scripts/e2e-wait-for.mjs <url> [seconds]
const [url, seconds = "600"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node scripts/e2e-wait-for.mjs <url> [seconds]");
  process.exit(2);
}
const deadline = Date.now() + Number(seconds) * 1000;
while (Date.now() < deadline) {
  try {
    const res = await fetch(url, { redirect: "manual" });
    if (res.status < 500) process.exit(0);
  } catch {
    // not listening yet
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.error(`${url} did not answer within ${seconds} s`);
process.exit(1);
