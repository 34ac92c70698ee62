import "server-only";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { DomainError } from "@/lib/errors";
import type { InvokeDetailedResponse } from "@/lib/validation/invoke";

/** The upstream answer, unchanged: status, headers (lower-cased names, repeats kept) and raw body bytes. */
export type UpstreamResponse = { status: number; headers: Array<[string, string]>; body: Buffer };

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n === name)?.[1];
}

/** The body as text, content encoding undone (bounded like the body itself). */
function decodeText(response: UpstreamResponse, maxBytes: number): string {
  const encoding = (headerValue(response.headers, "content-encoding") ?? "").trim().toLowerCase();
  let bytes = response.body;
  try {
    if (encoding === "gzip" || encoding === "x-gzip") bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    else if (encoding === "deflate") bytes = inflateSync(bytes, { maxOutputLength: maxBytes });
    else if (encoding === "br") bytes = brotliDecompressSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DomainError("response_too_large", `The decoded response is larger than ${maxBytes} bytes.`);
    }
    // Undecodable: show the bytes as they came.
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(headerValue(response.headers, "content-type") ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** Cookies the upstream sets are its session with us, not the caller's to read or replay. */
const NOT_IN_DETAILED = new Set(["set-cookie", "set-cookie2"]);

/** `{ responseCode, responseHeader, responseText }` of Deluge's `detailed: true`, without the upstream's cookies. */
export function detailedResponse(response: UpstreamResponse, maxBytes: number): InvokeDetailedResponse {
  const responseHeader: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (NOT_IN_DETAILED.has(name)) continue;
    responseHeader[name] = name in responseHeader ? `${responseHeader[name]}, ${value}` : value;
  }
  return { responseCode: response.status, responseHeader, responseText: decodeText(response, maxBytes) };
}
