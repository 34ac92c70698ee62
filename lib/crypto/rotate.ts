import "server-only";
import { isLegacySealed, rewrapSecret, sealedKid, type SecretContext } from "./envelope";
import type { KeyRing } from "./keyring";

/** One stored secret as rotation sees it; the store decides what `id` means. */
export type SealedSecretRow = { id: string; sealed: string; ctx: SecretContext };

export type RotateSecretsOptions = {
  ring: KeyRing;
  /** Rows with id greater than `afterId` (all rows when null), ascending by id, at most `limit`. */
  nextBatch: (afterId: string | null, limit: number) => Promise<SealedSecretRow[]>;
  /** Compare-and-swap: writes `newSealed` only if the row still holds `expectedSealed`. */
  replace: (id: string, expectedSealed: string, newSealed: string) => Promise<boolean>;
  batchSize?: number;
  /** Called after each batch with the number of rows examined so far in this run. */
  onProgress?: (examined: number) => void;
};

export type RotateSecretsResult = {
  /** Rows moved to the active kid by this run. */
  rewrapped: number;
  /** Rows that changed while being re-wrapped; their writer already used a current key. */
  skipped: number;
};

/** A row that rotation cannot re-wrap (malformed, unknown kid, or altered); names the row, never the secret. */
export class RotationError extends Error {
  override name = "RotationError";
  constructor(
    readonly rowId: string,
    override readonly cause: unknown,
  ) {
    super(`Secret in row "${rowId}" could not be re-wrapped: ${cause instanceof Error ? cause.message : "unknown error"}`);
  }
}

const DEFAULT_BATCH_SIZE = 100;

/**
 * Re-wraps every secret not on the ring's active kid, and re-seals every v1 value to the v2 binding (docs/architecture.md "Secrets": "Rotation
 * re-wraps data keys, resumably"). Rows already on the active kid are left alone, so a
 * run interrupted by any exception is finished by simply running again.
 * @throws RotationError for a row whose data key cannot be unwrapped; fix or remove it, then re-run.
 */
export async function rotateSecrets(opts: RotateSecretsOptions): Promise<RotateSecretsResult> {
  const { ring, nextBatch, replace, onProgress } = opts;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");

  const result: RotateSecretsResult = { rewrapped: 0, skipped: 0 };
  let examined = 0;
  let afterId: string | null = null;
  for (;;) {
    const batch = await nextBatch(afterId, batchSize);
    if (batch.length === 0) return result;
    for (const row of batch) {
      const next = rewrapIfStale(row, ring);
      if (next === null) continue;
      if (await replace(row.id, row.sealed, next)) result.rewrapped += 1;
      else result.skipped += 1;
    }
    examined += batch.length;
    onProgress?.(examined);
    const lastId = batch[batch.length - 1].id;
    // A store that ignores afterId would loop forever.
    if (lastId === afterId) throw new Error("nextBatch returned rows it was asked to skip");
    afterId = lastId;
  }
}

/** The row re-wrapped with the active key, or null when it is already on it. */
function rewrapIfStale(row: SealedSecretRow, ring: KeyRing): string | null {
  try {
    // Stale: wrapped with another key, or sealed before the v2 binding (org, connection).
    if (sealedKid(row.sealed) === ring.activeKid && !isLegacySealed(row.sealed)) return null;
    return rewrapSecret(row.sealed, row.ctx, ring);
  } catch (error) {
    throw new RotationError(row.id, error);
  }
}
