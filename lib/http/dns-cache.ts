import "server-only";
import { TtlMap } from "@/lib/cache/ttl-map";

/** Resolves a host name to every address it has, like `dns.lookup(name, { all: true })`. */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

/**
 * DNS answers kept for a short while (docs/architecture.md "Caches and invalidation"), so a
 * burst of new upstream connections to one host asks the system resolver once. Concurrent
 * lookups of one name share one question; failures are not kept. The cache holds raw
 * answers only: the SSRF policy is applied to them on every connection (lib/http/dispatcher.ts),
 * so a cached answer is never a way around it.
 */
export function cachingResolver(resolve: Resolver, options: { ttlMs?: number; maxEntries?: number } = {}): Resolver {
  const answers = new TtlMap<string, Awaited<ReturnType<Resolver>>>({
    ttlMs: Math.min(options.ttlMs ?? 30_000, 60_000),
    maxEntries: options.maxEntries ?? 1_000,
  });
  const pending = new Map<string, ReturnType<Resolver>>();
  return (hostname) => {
    const key = hostname.toLowerCase();
    const known = answers.get(key);
    if (known) return Promise.resolve(known);
    let question = pending.get(key);
    if (!question) {
      question = resolve(hostname).then(
        (answer) => {
          pending.delete(key);
          if (answer.length) answers.set(key, answer);
          return answer;
        },
        (error: unknown) => {
          pending.delete(key);
          throw error;
        },
      );
      pending.set(key, question);
    }
    return question;
  };
}
