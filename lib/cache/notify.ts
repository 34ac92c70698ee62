import "server-only";
import { randomUUID } from "node:crypto";
import type { PubSub } from "@/db/client";
import { logger } from "@/lib/observe/logger";
import { deliverLocally, setRemotePublisher, type Invalidation } from "./invalidation";

/**
 * Invalidations between instances (docs/architecture.md "Caches and invalidation"): every
 * change published on the bus is sent as a Postgres NOTIFY on one channel, and every
 * instance LISTENs and hands what others sent to its own caches. An instance ignores its
 * own messages (it already forgot). A lost notification is bounded by the caches' TTL.
 */
export const INVALIDATION_CHANNEL = "connections_invalidation";

type Message = { from: string; event: Invalidation };

function parse(payload: string): Message | undefined {
  try {
    const message = JSON.parse(payload) as Message;
    return typeof message?.from === "string" && typeof message.event?.kind === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Connects this process's bus to the others; resolves once listening, to the function that disconnects it. */
export async function connectInstances(pubsub: PubSub): Promise<() => Promise<void>> {
  const instance = randomUUID();
  const stop = await pubsub.listen(INVALIDATION_CHANNEL, (payload) => {
    const message = parse(payload);
    if (message && message.from !== instance) deliverLocally(message.event);
  });
  setRemotePublisher((event) => {
    pubsub.notify(INVALIDATION_CHANNEL, JSON.stringify({ from: instance, event } satisfies Message)).catch(() => {
      logger().warn("could not tell other instances of a change; their caches catch up within their TTL");
    });
  });
  return async () => {
    setRemotePublisher(undefined);
    await stop();
  };
}
