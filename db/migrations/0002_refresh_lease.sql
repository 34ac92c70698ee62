CREATE TABLE "credential_leases" (
	"connection_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"holder" text,
	"lease_until" timestamp with time zone,
	CONSTRAINT "credential_leases_connection_id_user_id_pk" PRIMARY KEY("connection_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "credential_leases" ADD CONSTRAINT "credential_leases_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_leases" ADD CONSTRAINT "credential_leases_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;