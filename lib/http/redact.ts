import { percentEncode } from "./form";

const REDACTED = "[redacted]";
/** Shorter values are not looked for: replacing "a" or "12" everywhere would mangle the text, not protect anything. */
const MIN_SECRET_LENGTH = 4;

/**
 * Provider-supplied text (an error_description, a response body excerpt, a transport
 * message) made safe to put in one of our messages: every given secret is removed in the
 * forms it may take on the wire (raw, RFC 3986/5849 encoded, encodeURIComponent, form
 * encoded with "+", doubly encoded as inside an OAuth 1 base string, lower-case hex),
 * `oauth_token_secret` / `oauth_signature` values are blanked (a PLAINTEXT signature *is*
 * the secrets), markup and control characters are dropped, whitespace collapsed, and the
 * result cut to `max` characters. Non-text and empty text give undefined.
 *
 * The one redaction helper of the app: lib/oauth1 and lib/oauth2 both use it.
 */
export function redactProviderText(
  value: unknown,
  secrets: ReadonlyArray<string | undefined> = [],
  max = 200,
): string | undefined {
  if (typeof value !== "string") return undefined;
  let out = value;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    const encoded = percentEncode(secret);
    forms.add(secret);
    forms.add(encoded);
    forms.add(percentEncode(encoded));
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURIComponent(secret).replace(/%20/g, "+"));
    forms.add(encoded.toLowerCase());
  }
  // Longest first, so a secret that contains another is removed whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join(REDACTED);
  }
  out = out
    .replace(/((?:^|[^a-z_])oauth_(?:token_secret|signature))(=|"\s*:\s*"|%3D)[^&\s"',;]*/gi, `$1$2${REDACTED}`)
    .replace(/((?:^|[^a-z_])oauth_(?:token_secret|signature))\s*=\s*"[^"]*"/gi, `$1="${REDACTED}"`)
    .replace(/<[^>]*>/g, " ")
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!out) return undefined;
  return out.length > max ? out.slice(0, max - 1) + "…" : out;
}
