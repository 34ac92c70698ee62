import { z } from "zod";

/** The status filter of "Recent calls" (docs/product.md §10): an answer below 400 succeeded; anything else failed. */
export const callOutcomes = ["all", "succeeded", "failed"] as const;
export type CallOutcomeFilter = (typeof callOutcomes)[number];

export const callOutcomeLabels: Record<CallOutcomeFilter, string> = {
  all: "All",
  succeeded: "Succeeded",
  failed: "Failed",
};

export const callLogQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(20),
  outcome: z.enum(callOutcomes).default("all"),
});
export type CallLogQuery = z.infer<typeof callLogQuerySchema>;
