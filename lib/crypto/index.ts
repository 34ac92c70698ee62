import "server-only";

// The one import path for secrets at rest (docs/architecture.md "Secrets", docs/product.md §9).
export {
  generateKey,
  isValidKid,
  KEY_BYTES,
  KeyRingError,
  loadOrCreateDevKeyRing,
  newKid,
  parseKeyRing,
  type KeyRing,
} from "./keyring";
export {
  DecryptError,
  isLegacySealed,
  openSecret,
  openSecretText,
  rewrapSecret,
  sealedKid,
  sealSecret,
  type DecryptFailure,
  type SecretContext,
} from "./envelope";
export {
  RotationError,
  rotateSecrets,
  type RotateSecretsOptions,
  type RotateSecretsResult,
  type SealedSecretRow,
} from "./rotate";
