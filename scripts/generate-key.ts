/** `npm run keys:generate`: prints a new key id and key for CONNECTIONS_KEYS. */
import { generateKey, newKid } from "@/lib/crypto";

const kid = newKid();
const key = generateKey();
console.log(`New key id: ${kid}`);
console.log(`Add it to CONNECTIONS_KEYS, e.g. CONNECTIONS_KEYS='{"${kid}":"${key}"}'`);
console.log(`and set CONNECTIONS_ACTIVE_KEY=${kid}, then run npm run keys:rotate.`);
