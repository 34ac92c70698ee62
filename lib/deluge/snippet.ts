// The Deluge `invokeurl` text shown on a connection's summary page. The text it produces parses
// and runs with `runScript`, giving back the same request.

import { HTTP_METHODS, type HttpMethod } from "./ast";

export interface DelugeInvokeSnippetInput {
  /** The connection's link name. */
  linkName: string;
  url: string;
  /** Case-insensitive; an unknown method is written as a quoted string (runScript then reports it). */
  method: HttpMethod | string;
  /** A map (omitted when empty) or raw text. */
  parameters?: Record<string, string> | string;
  /** Omitted when empty. */
  headers?: Record<string, string>;
  body?: string;
  detailed?: boolean;
}

/** A double-quoted Deluge string literal. */
export function delugeString(text: string): string {
  let out = '"';
  for (const c of text) {
    if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else out += c;
  }
  return out + '"';
}

function mapLiteral(record: Record<string, string>): string {
  const parts = Object.keys(record).map((k) => `${delugeString(k)}: ${delugeString(String(record[k]))}`);
  return `{${parts.join(", ")}}`;
}

export function delugeInvokeSnippet(input: DelugeInvokeSnippetInput): string {
  const upper = String(input.method ?? "GET").toUpperCase();
  const type = (HTTP_METHODS as readonly string[]).includes(upper) ? upper : delugeString(String(input.method));
  const lines = ["response = invokeurl", "[", `\turl: ${delugeString(input.url)}`, `\ttype: ${type}`];
  const { parameters, headers } = input;
  if (typeof parameters === "string") lines.push(`\tparameters: ${delugeString(parameters)}`);
  else if (parameters && Object.keys(parameters).length > 0) lines.push(`\tparameters: ${mapLiteral(parameters)}`);
  if (headers && Object.keys(headers).length > 0) lines.push(`\theaders: ${mapLiteral(headers)}`);
  if (input.body !== undefined) lines.push(`\tbody: ${delugeString(input.body)}`);
  lines.push(`\tconnection: ${delugeString(input.linkName)}`);
  if (input.detailed !== undefined) lines.push(`\tdetailed: ${input.detailed ? "true" : "false"}`);
  lines.push("];", "info response;");
  return lines.join("\n") + "\n";
}
