import { delugeInvokeSnippet } from "@/lib/deluge/snippet";

/** How to use a connection, three ways (docs/product.md §4): each calls the same example URL. */
export function connectionSnippets(input: { appUrl: string; linkName: string; exampleUrl: string }) {
  const { appUrl, linkName, exampleUrl } = input;
  const deluge = `${delugeInvokeSnippet({ linkName, url: exampleUrl, method: "GET" })}\ninfo response;`;
  const payload = JSON.stringify({ connection: linkName, url: exampleUrl, method: "GET" });
  const curl = [
    `curl -sS -X POST '${appUrl}/api/v1/invoke' \\`,
    `  -H "Authorization: Bearer $CONNECTIONS_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${payload.replace(/'/g, "'\\''")}'`,
  ].join("\n");
  const typescript = [
    `import { ConnectionsClient } from "./lib/sdk";`,
    ``,
    `const client = new ConnectionsClient({ baseUrl: ${JSON.stringify(appUrl)}, token: process.env.CONNECTIONS_TOKEN! });`,
    `const response = await client.invoke({ connection: ${JSON.stringify(linkName)}, url: ${JSON.stringify(exampleUrl)}, method: "GET" });`,
    `console.log(response);`,
  ].join("\n");
  return { deluge, curl, typescript };
}

/**
 * The URL the snippets call: the service's base URL (and its check path), else the first
 * host its credential may go to (a custom service has only those), else a placeholder.
 */
export function exampleUrlFor(service: { baseUrl?: string; verifyPath?: string; hosts?: readonly string[] }): string {
  if (!service.baseUrl) {
    const host = service.hosts?.find((h) => !h.includes("*"));
    return host ? `https://${host}/` : "https://api.example.com/";
  }
  const base = service.baseUrl.replace(/\/+$/, "");
  return service.verifyPath ? `${base}${service.verifyPath}` : `${base}/`;
}
