import "server-only";
import { promises as dns, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { classifyAddress } from "./address";
import { cachingResolver, type Resolver } from "./dns-cache";
import { OutboundBlockedError, OutboundConnectError, OutboundError, OutboundTimeoutError } from "./errors";
import { isAddressAllowed, type OutboundPolicy } from "./url-policy";

export type { Resolver };

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** The system resolver behind a short cache (lib/http/dns-cache.ts): the default of every agent. */
const cachedSystemResolver = cachingResolver(systemResolver);

export interface GuardedDispatcherOptions extends OutboundPolicy {
  /** Injected DNS for tests; defaults to the system resolver, cached for 30 s. */
  resolve?: Resolver;
  /** TCP + TLS handshake limit per connection (undici's default is 10 s). */
  connectTimeoutMs?: number;
}

function wantedFamily(options: LookupOptions): 4 | 6 | null {
  const family = options.family as unknown;
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return null;
}

/**
 * A `net.connect` lookup that resolves through `resolve`, drops every address
 * the policy refuses, and hands the socket only checked addresses: the socket
 * connects to exactly what was checked, so a resolver that changes its answer
 * between a check and a connect (DNS rebinding) has no second answer to give.
 * Mixed answers keep their allowed addresses; an answer with none is refused.
 */
export function createPinnedLookup(policy: OutboundPolicy, resolve: Resolver = cachedSystemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const family = wantedFamily(options);
        const candidates = family === null ? answers : answers.filter((answer) => answer.family === family);
        if (candidates.length === 0) {
          callback(new OutboundConnectError(`Could not resolve ${hostname}.`), "", 0);
          return;
        }
        const allowed = candidates.filter((answer) => isAddressAllowed(policy, answer.address, hostname));
        if (allowed.length === 0) {
          const kinds = [...new Set(candidates.map((answer) => classifyAddress(answer.address)))].join(", ");
          callback(new OutboundBlockedError(`The host ${hostname} resolves only to non-public addresses (${kinds}).`), "", 0);
          return;
        }
        if (options.all) {
          callback(
            null,
            allowed.map<LookupAddress>(({ address, family }) => ({ address, family })),
          );
        } else {
          callback(null, allowed[0].address, allowed[0].family);
        }
      },
      (error: unknown) => {
        const code = errorCode(error);
        callback(new OutboundConnectError(`Could not resolve ${hostname}${code ? ` (${code})` : ""}.`), "", 0);
      },
    );
  };
}

function createGuardedConnector(options: GuardedDispatcherOptions): buildConnector.connector {
  const policy: OutboundPolicy = { allowPrivateNetwork: options.allowPrivateNetwork, isAllowedAddress: options.isAllowedAddress };
  const connect = buildConnector({
    lookup: createPinnedLookup(policy, options.resolve),
    timeout: options.connectTimeoutMs ?? 10_000,
    keepAlive: true,
  });
  return (connectOptions, callback) => {
    // net.connect skips lookup for IP literals, so they are checked here as well
    // as in checkOutboundUrl: a dispatcher must be safe on its own.
    const { hostname } = connectOptions;
    if (isIP(hostname) !== 0 && !isAddressAllowed(policy, hostname, hostname)) {
      callback(new OutboundBlockedError(`The address ${hostname} is not a public address and may not be called.`), null);
      return;
    }
    connect(connectOptions, callback);
  };
}

// One Agent (and so one keep-alive pool) per option set; keys that are functions
// are held weakly so test resolvers do not pin their agents forever.
const NO_FUNCTION = {};
const agents = new WeakMap<object, WeakMap<object, Map<string, Agent>>>();

/** The shared keep-alive Agent that enforces the policy on every connection it opens. */
export function guardedAgent(options: GuardedDispatcherOptions): Agent {
  let byRule = agents.get(options.resolve ?? NO_FUNCTION);
  if (!byRule) agents.set(options.resolve ?? NO_FUNCTION, (byRule = new WeakMap()));
  let byFlags = byRule.get(options.isAllowedAddress ?? NO_FUNCTION);
  if (!byFlags) byRule.set(options.isAllowedAddress ?? NO_FUNCTION, (byFlags = new Map()));
  const key = `${options.allowPrivateNetwork}:${options.connectTimeoutMs ?? ""}`;
  let agent = byFlags.get(key);
  if (!agent) {
    agent = new Agent({ connect: createGuardedConnector(options) });
    byFlags.set(key, agent);
  }
  return agent;
}

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z0-9_]+$/.test(code) ? code : null;
}

/**
 * Maps whatever undici, net or tls threw to an {@link OutboundError}. Only
 * error codes are kept from the original: their messages may quote URLs.
 */
export function toOutboundError(error: unknown, url: URL): OutboundError {
  for (let current = error, depth = 0; current && depth < 5; current = (current as Error).cause, depth++) {
    if (current instanceof OutboundError) return current;
    const code = errorCode(current);
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new OutboundTimeoutError(`${url.host} did not answer in time (${code}).`);
    }
    if (code) {
      return new OutboundConnectError(`Could not reach ${url.host} (${code}).`);
    }
  }
  return new OutboundConnectError(`Could not reach ${url.host}.`);
}
