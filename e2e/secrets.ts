import fs from "node:fs";
import path from "node:path";
import { E2E_DIR, IDP_CC_CLIENT, IDP_CLIENT, METRICS_TOKEN, OAUTH1_CONSUMER, e2eEnv } from "./env";
import { SECRET_FIELDS } from "@/lib/observe/secret-fields";

/**
 * The suite's secrets and the check that none reached the server's log (docs/architecture.md
 * "Operating it"). The web server's output is captured to SERVER_LOG (playwright.config.ts);
 * the global teardown runs findSecretsInLog over it.
 */
export const SERVER_LOG = path.join(E2E_DIR, "server.log");
const RECORDED = path.join(E2E_DIR, "secrets.txt");

/** Specs record each secret they type or receive (passwords, API keys, issued tokens). */
export function recordSecret(...values: string[]): void {
  fs.mkdirSync(E2E_DIR, { recursive: true });
  fs.appendFileSync(RECORDED, values.map((v) => JSON.stringify(v) + "\n").join(""));
}

function recordedSecrets(): string[] {
  if (!fs.existsSync(RECORDED)) return [];
  return fs
    .readFileSync(RECORDED, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string);
}

/** Every secret value the suite knows: the peers' client secrets, the server's keys, and what specs recorded. */
export function suiteSecrets(): Array<{ label: string; value: string }> {
  const env = e2eEnv();
  const keys = Object.entries(JSON.parse(env.CONNECTIONS_KEYS!) as Record<string, string>);
  return [
    { label: "IdP client secret", value: IDP_CLIENT.client_secret },
    { label: "IdP client-credentials secret", value: IDP_CC_CLIENT.client_secret },
    { label: "OAuth 1.0a consumer secret", value: OAUTH1_CONSUMER.secret },
    { label: "NEXTAUTH_SECRET", value: env.NEXTAUTH_SECRET! },
    { label: "CONNECTIONS_METRICS_TOKEN", value: METRICS_TOKEN },
    ...keys.map(([kid, key]) => ({ label: `key ${kid} of CONNECTIONS_KEYS`, value: key })),
    ...recordedSecrets().map((value, i) => ({ label: `secret #${i + 1} recorded by a spec`, value })),
  ];
}

/** Shapes no log line may hold whatever the spec: our tokens, signing secrets, JWTs/JWEs, credentials in headers. */
const SECRET_SHAPES: Array<{ label: string; pattern: RegExp }> = [
  { label: "a personal access token (cxn_…)", pattern: /\bcxn_[A-Za-z0-9_-]{16,}/ },
  { label: "a webhook signing secret (whsec_…)", pattern: /\bwhsec_[A-Za-z0-9+/=_-]{16,}/ },
  { label: "a JWT or JWE (an ID token, a session cookie)", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_.-]{10,}/ },
  { label: "a bearer credential", pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{12,}/i },
  { label: "a Basic credential", pattern: /\bBasic\s+[A-Za-z0-9+/]{8,}={0,2}/ },
];

const SECRET_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/** Fields of a JSON log line named like a secret whose value is not the logger's "[redacted]". */
function unredactedFields(value: unknown, trail: string[] = []): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    const here = [...trail, key];
    if (SECRET_KEYS.has(key.toLowerCase()) && inner !== "[redacted]" && inner !== null && inner !== undefined) {
      return [here.join(".")];
    }
    return unredactedFields(inner, here);
  });
}

/** What in the log is a secret, named by what it is and where (never the secret itself). */
export function findSecretsInLog(log: string, secrets = suiteSecrets()): string[] {
  const findings: string[] = [];
  log.split("\n").forEach((line, index) => {
    const where = `line ${index + 1}`;
    for (const { label, value } of secrets) if (value && line.includes(value)) findings.push(`${label} at ${where}`);
    for (const { label, pattern } of SECRET_SHAPES) if (pattern.test(line)) findings.push(`${label} at ${where}`);
    if (line.startsWith("{")) {
      try {
        for (const field of unredactedFields(JSON.parse(line))) findings.push(`unredacted field ${field} at ${where}`);
      } catch {
        // not a JSON log line (Next's own output)
      }
    }
  });
  return findings;
}

/** The web server command, with its output also written to SERVER_LOG (whatever the command is). */
export function capturingServerLog(command: string, logFile = SERVER_LOG): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `node scripts/e2e-log-capture.mjs ${quote(logFile)} ${quote(command)}`;
}
