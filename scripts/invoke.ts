/**
 * `npm run invoke -- --connection <link> --url <url> [--method GET] [--param k=v ...]
 * [--header k:v ...] [--data <body>] [--detailed]`: calls an API through a connection
 * with lib/sdk, and prints the response body (pretty JSON when it is JSON).
 * CONNECTIONS_URL (default http://localhost:3000) and CONNECTIONS_TOKEN (a personal access token).
 * Exit codes: 0 success, 1 Connections error, 2 usage error, 3 upstream answered non-2xx.
 */
import { ConnectionsApiError, ConnectionsClient, UpstreamHttpError } from "../lib/sdk";
import { cliConfigFromEnv, formatBody, parseCliArgs, USAGE, UsageError } from "../lib/sdk/cli-args";

function print(stream: NodeJS.WriteStream, text: string): void {
  if (text === "") return;
  stream.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function main(): Promise<number> {
  let command;
  let config;
  try {
    command = parseCliArgs(process.argv.slice(2));
    if (command.kind === "help") {
      print(process.stdout, USAGE);
      return 0;
    }
    config = cliConfigFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    print(process.stderr, `invoke: ${error.message}\n\n${USAGE}`);
    return 2;
  }

  const client = new ConnectionsClient(config);
  try {
    const body = await client.invoke(command.request);
    print(process.stdout, formatBody(body));
    return 0;
  } catch (error) {
    if (error instanceof UpstreamHttpError) {
      print(process.stdout, formatBody(error.data));
      print(process.stderr, `invoke: the upstream API answered HTTP ${error.status}`);
      return 3;
    }
    if (error instanceof ConnectionsApiError) {
      print(process.stderr, `invoke: ${error.message} (${error.code}${error.status ? `, HTTP ${error.status}` : ""})`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    print(process.stderr, `invoke: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
