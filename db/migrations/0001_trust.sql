CREATE TYPE "public"."connection_access" AS ENUM('owner', 'organization');--> statement-breakpoint
CREATE TABLE "call_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"credential_user_id" uuid,
	"caller_id" uuid,
	"method" text NOT NULL,
	"host" text NOT NULL,
	"path" text NOT NULL,
	"status" integer,
	"error_code" text,
	"app_ms" integer NOT NULL,
	"upstream_ms" integer,
	"response_bytes" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD COLUMN "connection_ids" jsonb;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "access" "connection_access" DEFAULT 'owner' NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_transactions" ADD COLUMN "service_link_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_transactions" ADD COLUMN "service_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_apps" ADD COLUMN "members_may_connect" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "service_apps" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "call_log" ADD CONSTRAINT "call_log_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_log" ADD CONSTRAINT "call_log_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_log" ADD CONSTRAINT "call_log_caller_id_users_id_fk" FOREIGN KEY ("caller_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_log_connection_idx" ON "call_log" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE INDEX "call_log_created_idx" ON "call_log" USING btree ("created_at");