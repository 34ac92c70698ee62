/**
 * `npm run keys:rotate`: re-wraps every stored data key to CONNECTIONS_ACTIVE_KEY.
 * Keep the old key in CONNECTIONS_KEYS until this has finished; it can be re-run safely.
 */
import { getDb } from "@/db";
import { configureForScript } from "@/lib/env";
import { keyRing } from "@/lib/secrets/key-ring";
import { rotateStoredSecrets } from "@/lib/secrets/rotate-stored";

async function main() {
  configureForScript(); // a script never seeds the demo unless CONNECTIONS_SEED=true
  const ring = keyRing();
  const db = await getDb();
  console.log(`Re-wrapping stored secrets to key "${ring.activeKid}"…`);
  const report = await rotateStoredSecrets(db, ring, {
    onProgress: (table, n) => process.stdout.write(`\r  ${table}: ${n} examined`),
  });
  process.stdout.write("\n");
  for (const r of report)
    console.log(`  ${r.table}: ${r.rewrapped} re-wrapped, ${r.skipped} changed meanwhile (already current)`);
  console.log("Done. Old keys can be removed from CONNECTIONS_KEYS once every instance runs with the new active key.");
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`Rotation stopped: ${error instanceof Error ? error.message : String(error)}`);
  console.error("Fix the cause and run `npm run keys:rotate` again; it continues where it stopped.");
  process.exit(1);
});
