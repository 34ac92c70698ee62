import "server-only";
import type { Db } from "@/db";
import type { Actor } from "@/lib/auth/users";
import { runScript, type InvokeTask } from "@/lib/deluge";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { detailedResponse } from "@/lib/invoke/detailed";
import { invokeConnection } from "@/lib/invoke/invoke";

/** Most a script may call out in one run, so a console run stays bounded. */
const MAX_CALLS = 20;

/**
 * Runs a Script console script as the actor: each `invokeurl` goes through the same
 * engine as POST /api/v1/invoke. The result is parsed JSON where the answer is JSON,
 * else its text; with `detailed: true`, `{ responseCode, responseHeader, responseText }`.
 */
export async function runConsoleScript(db: Db, actor: Actor, source: string) {
  let calls = 0;
  return runScript(source, {
    async invoke(task: InvokeTask) {
      if (++calls > MAX_CALLS) throw new Error(`A console run may make at most ${MAX_CALLS} calls`);
      if (!task.connection) throw new Error('invokeurl needs connection: "<link name>" in the Script console');
      const headers = { ...(task.headers ?? {}) };
      if (task.contentType) headers["content-type"] = task.contentType;
      try {
        const result = await invokeConnection(db, actor, {
          connection: task.connection,
          url: task.url,
          method: task.method,
          parameters: task.parameters,
          headers,
          body: task.body,
          detailed: task.detailed,
        });
        if (result.kind === "detailed") return result.detailed;
        const detailed = detailedResponse(result, env().CONNECTIONS_INVOKE_MAX_BYTES);
        const type = detailed.responseHeader["content-type"] ?? "";
        if (/\bjson\b/i.test(type)) {
          try {
            return JSON.parse(detailed.responseText);
          } catch {
            return detailed.responseText;
          }
        }
        return detailed.responseText;
      } catch (error) {
        // Domain errors are written for users; anything else is reported without detail.
        throw new Error(error instanceof DomainError ? error.message : "The call failed");
      }
    },
  });
}
