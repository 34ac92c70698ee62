/**
 * `npm run admin:create -- --org <name> --email <email> --name <name>`: a new organization
 * and its admin from a shell (docs/product.md §8), for the first one or any later one.
 * Prints a one-time link that sets the admin's password (24 hours) and one that signs them in (1 hour).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { getDb } from "@/db";
import { createOrganizationFromShell } from "@/lib/accounts/first-run";
import { configureForScript, env } from "@/lib/env";

const argsSchema = z.object({
  org: z.string({ error: "--org is required" }).trim().min(1, "--org is required").max(100),
  name: z.string({ error: "--name is required" }).trim().min(1, "--name is required").max(100),
  email: z.string({ error: "--email is required" }).trim().toLowerCase().pipe(z.email("--email must be an email address")),
});

async function main() {
  configureForScript(); // a script never seeds the demo unless CONNECTIONS_SEED=true
  const { values } = parseArgs({
    options: { org: { type: "string" }, email: { type: "string" }, name: { type: "string" } },
    strict: true,
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => i.message).join("\n"));
    console.error("Usage: npm run admin:create -- --org <name> --email <email> --name <name>");
    process.exit(2);
  }
  const db = await getDb();
  const { link, setPasswordLink, admin } = await createOrganizationFromShell(
    db,
    { orgName: parsed.data.org, name: parsed.data.name, email: parsed.data.email },
    env().APP_URL,
  );
  console.log(`Created organization "${parsed.data.org}" with admin ${admin.email}.`);
  console.log(`Set the admin's password (one-time link, valid for 24 hours): ${setPasswordLink}`);
  console.log(`Or just sign in (one-time link, valid for 1 hour): ${link}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`admin:create failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
