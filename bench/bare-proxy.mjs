/**
 * Reference (b) of `npm run bench:invoke`: the least a Node process can do for this job —
 * forward each request to the upstream (UPSTREAM_URL), add the credential header, stream the
 * answer back. Runs in its own process, as the app does, so that its memory can be read
 * alone. Prints `{"url": …}` once it listens.
 */
import http from "node:http";

const target = new URL(process.env.UPSTREAM_URL);
const token = process.env.UPSTREAM_TOKEN;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const server = http.createServer((req, res) => {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      agent,
      headers: { ...req.headers, host: target.host, authorization: `Bearer ${token}` },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.once("SIGTERM", () => process.exit(0));
