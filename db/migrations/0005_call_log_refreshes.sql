CREATE TABLE "token_refreshes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"user_id" uuid,
	"outcome" text NOT NULL,
	"provider_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "provider_account_id" text;--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "renewable" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "token_refreshes" ADD CONSTRAINT "token_refreshes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_refreshes" ADD CONSTRAINT "token_refreshes_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_refreshes" ADD CONSTRAINT "token_refreshes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "token_refreshes_connection_idx" ON "token_refreshes" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE INDEX "token_refreshes_created_idx" ON "token_refreshes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "call_log_credential_idx" ON "call_log" USING btree ("connection_id","credential_user_id","created_at");