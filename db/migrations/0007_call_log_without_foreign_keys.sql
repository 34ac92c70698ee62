ALTER TABLE "call_log" DROP CONSTRAINT "call_log_org_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "call_log" DROP CONSTRAINT "call_log_connection_id_connections_id_fk";
--> statement-breakpoint
ALTER TABLE "call_log" DROP CONSTRAINT "call_log_caller_id_users_id_fk";
--> statement-breakpoint
-- The rules the foreign keys kept, kept on the parents' side (docs/architecture.md "Call log"):
-- one statement per deleted parent instead of a check and a lock per inserted call.
CREATE FUNCTION "call_log_forget_connection"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "call_log" WHERE "connection_id" = OLD."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "call_log_forget_connection" AFTER DELETE ON "connections"
  FOR EACH ROW EXECUTE FUNCTION "call_log_forget_connection"();
--> statement-breakpoint
CREATE FUNCTION "call_log_forget_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "call_log" WHERE "org_id" = OLD."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "call_log_forget_organization" AFTER DELETE ON "organizations"
  FOR EACH ROW EXECUTE FUNCTION "call_log_forget_organization"();
--> statement-breakpoint
CREATE FUNCTION "call_log_forget_caller"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "call_log" SET "caller_id" = NULL WHERE "org_id" = OLD."org_id" AND "caller_id" = OLD."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "call_log_forget_caller" AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "call_log_forget_caller"();
