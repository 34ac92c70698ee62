import "server-only";
import { callLog } from "@/db/schema";
import type { CallDto } from "./dto";

/** The call_log columns every list of calls shows; never a header, body or secret (there are none in the table). */
export const callRowColumns = {
  id: callLog.id,
  createdAt: callLog.createdAt,
  method: callLog.method,
  host: callLog.host,
  path: callLog.path,
  status: callLog.status,
  errorCode: callLog.errorCode,
  appMs: callLog.appMs,
  upstreamMs: callLog.upstreamMs,
};

type CallRowColumns = Pick<typeof callLog.$inferSelect, keyof typeof callRowColumns>;

/** What a list shows of one call, whoever made it. */
export function callRowOf(row: CallRowColumns): CallDto {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    method: row.method,
    url: `${row.host}${row.path}`,
    status: row.status,
    errorCode: row.errorCode,
    appMs: row.appMs,
    upstreamMs: row.upstreamMs,
  };
}
