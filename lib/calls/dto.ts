/** One call as every list of calls shows it (docs/product.md §10): never a header, body or secret. */
export type CallDto = {
  id: number;
  at: string;
  method: string;
  /** Host and path, the credential's own query values already replaced by "…". */
  url: string;
  status: number | null;
  errorCode: string | null;
  appMs: number;
  upstreamMs: number | null;
};

/** A row of a connection's "Recent calls" on its summary page. */
export type CallRowDto = CallDto & { callerName: string };

export type CallLogPageDto = {
  rows: CallRowDto[];
  total: number;
  page: number;
  pageSize: number;
  /** True when the asking user sees only their own calls (not the connection's owner). */
  onlyOwnCalls: boolean;
};

/** One of the signed-in user's own calls on "My calls" (docs/product.md §10): the connection instead of the caller. */
export type OwnCallRowDto = CallDto & {
  linkName: string;
  /** Set only where the user may open the connection's summary page (their own, or shared); else null. */
  connectionId: string | null;
};

export type OwnCallsPageDto = {
  rows: OwnCallRowDto[];
  total: number;
  page: number;
  pageSize: number;
};

export type TokenRefreshDto = {
  id: number;
  at: string;
  outcome: "refreshed" | "failed" | "needs_reauth";
  providerError: string | null;
};

/** Calls per hour by outcome, oldest first. */
export type CallSeriesPointDto = { hour: string; succeeded: number; failed: number };

export const refreshOutcomeLabels: Record<TokenRefreshDto["outcome"], string> = {
  refreshed: "Refreshed",
  failed: "Failed (will retry)",
  needs_reauth: "Refused: needs re-authentication",
};
