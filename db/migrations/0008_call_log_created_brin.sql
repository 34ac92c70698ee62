DROP INDEX "call_log_created_idx";--> statement-breakpoint
CREATE INDEX "call_log_created_idx" ON "call_log" USING brin ("created_at");