import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { callLog, credentials } from "@/db/schema";
import type { ConnectionHealth } from "@/lib/validation/connections";

/**
 * A credential's health (docs/product.md §10), the one place its rules are written: one SQL
 * expression over the `credentials` row joined for the asking user (null when they have
 * none) and that credential's last calls in `call_log`, so lists can sort, filter and page
 * by it in the database. First rule that holds wins:
 * 1. no credential, or revoked by its user or by an edit of its service → "Not connected";
 * 2. the provider refused a refresh, or a token that cannot be renewed has expired →
 *    "Needs re-authentication";
 * 3. the last REVOKED_AFTER calls were all answered 401 → "Revoked" (the provider no
 *    longer accepts it, although we still hold it);
 * 4. the last FAILING_AFTER calls all failed at the network or with a 5xx → "Failing";
 * 5. a token that cannot be renewed expires within EXPIRES_SOON_HOURS → "Expires soon";
 * 6. otherwise "Connected".
 */
export const FAILING_AFTER = 5;
export const REVOKED_AFTER = 3;
export const EXPIRES_SOON_HOURS = 24;

/** Our error codes that mean the upstream could not be reached or did not answer in time. */
const NETWORK_FAILURES = ["upstream_unreachable", "upstream_timeout"];

/** The calls rules 3 and 4 look at: the most recent of both counts. */
const LOOKED_AT = Math.max(FAILING_AFTER, REVOKED_AFTER);

/**
 * The credential's last LOOKED_AT calls (its own, or the connection's organization token),
 * newest first and numbered, read once for both rules: one index probe per row listed, which
 * matters when a list sorts 10,000 rows by health (bench/list.ts).
 */
const lastCalls = sql`select ${callLog.status} as status, ${callLog.errorCode} as error_code,
      row_number() over (order by ${callLog.createdAt} desc) as n
    from ${callLog}
    where ${callLog.connectionId} = ${credentials.connectionId}
      and (${callLog.credentialUserId} = ${credentials.userId} or ${callLog.credentialUserId} is null)
    order by ${callLog.createdAt} desc limit ${sql.raw(String(LOOKED_AT))}`;

const networkList = sql.raw(NETWORK_FAILURES.map((c) => `'${c}'`).join(", "));

const notConnected = sql`(${credentials.id} is null or ${credentials.status} = 'revoked' or ${credentials.payloadSealed} is null)`;

/**
 * Rule 2 alone, for the app shell (lib/connections/list-needs-reauth.ts): it reads no call
 * log, so it is cheap on every page. Holds exactly when healthSql is 'needs_reauth'.
 */
export const needsReauthSql: SQL = sql`(not ${notConnected} and (${credentials.status} = 'needs_reauth'
  or (not ${credentials.renewable} and ${credentials.expiresAt} <= now())))`;

/** Rules 3 and 4 over the last calls: 'revoked', 'failing', or null when neither holds. */
const lastCallsVerdict = sql`(select case
    when count(*) filter (where l.n <= ${sql.raw(String(REVOKED_AFTER))} and l.status = 401) = ${sql.raw(String(REVOKED_AFTER))}
      then 'revoked'
    when count(*) filter (where l.n <= ${sql.raw(String(FAILING_AFTER))} and (l.status >= 500 or l.error_code in (${networkList})))
      = ${sql.raw(String(FAILING_AFTER))} then 'failing'
  end from (${lastCalls}) l)`;

export const healthSql: SQL<ConnectionHealth> = sql<ConnectionHealth>`(case
  when ${notConnected} then 'not_connected'
  when ${needsReauthSql} then 'needs_reauth'
  else coalesce(${lastCallsVerdict}, case
  when not ${credentials.renewable} and ${credentials.expiresAt} <= now() + interval '${sql.raw(String(EXPIRES_SOON_HOURS))} hours'
    then 'expires_soon'
  else 'connected' end) end)`;
