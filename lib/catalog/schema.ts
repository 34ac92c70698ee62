// Long on purpose: the whole catalogue entry schema, each rule beside the field it checks.
import { z } from "zod";
import { authTypes, grantTypes, oauth2ParamTypes, paramTypes, scopeDelimiters, tokenAuthMethods } from "@/lib/validation/enums";
import { hostPatternProblem, isHostAllowed } from "@/lib/validation/hosts";

/**
 * The shape of one default service ("catalogue entry"). Built-in entries are
 * data in `./entries/`, an operator may add more from a JSON file (`./load.ts`).
 * Both go through the same schema; the only difference is that a file loaded
 * with `allowInsecure` may use plain `http://` URLs (development and tests).
 *
 * Every message names the field it is about and the rule that failed, so the
 * loader can show it to an operator as is.
 */

/** Categories of the "Pick your Service" grid, in display order. */
export const catalogCategoryNames = [
  "Storage",
  "Email",
  "Productivity",
  "Communication",
  "Developer",
  "CRM",
  "Marketing",
  "Payments",
  "AI",
  "Social",
  "Media",
  "Forms & Surveys",
  "Events",
  "Documents",
  "Identity",
] as const;
export type CatalogCategory = (typeof catalogCategoryNames)[number];

/**
 * lucide-react icon names a tile may use. lucide-react 1.x has no brand logos
 * (no Github, Gitlab, Trello, Twitter...), so entries pick a generic glyph and
 * a brand `color`. The test suite checks every name against lucide-react.
 */
export const catalogIcons = [
  "AtSign",
  "Bot",
  "Box",
  "Building2",
  "Calendar",
  "CalendarCheck",
  "CalendarDays",
  "CheckSquare",
  "ClipboardList",
  "Cloud",
  "Contact",
  "CreditCard",
  "Database",
  "FileSignature",
  "FileText",
  "Folder",
  "GitBranch",
  "GitMerge",
  "GitPullRequest",
  "Globe",
  "HardDrive",
  "Handshake",
  "Headset",
  "Inbox",
  "Kanban",
  "KeyRound",
  "LayoutGrid",
  "Mail",
  "Megaphone",
  "MessageSquare",
  "MessagesSquare",
  "Music",
  "Phone",
  "Send",
  "Sheet",
  "Sparkles",
  "SquareKanban",
  "Table",
  "Ticket",
  "Users",
  "Video",
  "Wallet",
] as const;
export type CatalogIcon = (typeof catalogIcons)[number];

export const LINK_NAME_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;
const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

export interface CatalogSchemaOptions {
  /** Accept plain `http://` URLs (only for an extra catalogue file in development/tests). */
  allowInsecure: boolean;
}

// ---------------------------------------------------------------- field helpers

type Issue = { code: string; input?: unknown; keys?: string[] };

function requiredMessage(field: string, expected: string) {
  return (iss: Issue) => (iss.input === undefined ? `${field} is required` : `${field} must be ${expected}`);
}

function text(field: string, max: number) {
  return z
    .string({ error: requiredMessage(field, "a string") })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(max, { error: `${field} must be at most ${max} characters` });
}

function bool(field: string) {
  return z.boolean({ error: requiredMessage(field, "true or false") });
}

function oneOf<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  const list = values.map((v) => `"${v}"`).join(", ");
  return z.enum(values, { error: requiredMessage(field, `one of ${list}`) });
}

function object<S extends z.core.$ZodLooseShape>(field: string, shape: S) {
  return z.strictObject(shape, {
    error: (iss: Issue) => {
      if (iss.code === "unrecognized_keys") {
        const keys = (iss.keys ?? []).map((k) => `"${k}"`).join(", ");
        return `${field} has unknown field(s) ${keys}`;
      }
      return iss.input === undefined ? `${field} is required` : `${field} must be an object`;
    },
  });
}

function stringMap(field: string) {
  return z.record(z.string({ error: `${field} keys must be strings` }), z.string({ error: `${field} values must be strings` }), {
    error: requiredMessage(field, "an object of string values"),
  });
}

/** Why `value` is not an acceptable endpoint URL, or null. */
export function urlProblem(value: string, allowInsecure: boolean, allowFragment = false): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL (e.g. https://api.example.com/v1)";
  }
  if (url.protocol === "http:") {
    if (!allowInsecure) {
      return "must use https:// (plain http:// is accepted only from an extra catalogue file loaded with allowInsecure)";
    }
  } else if (url.protocol !== "https:") {
    return `must use https:// (got "${url.protocol}")`;
  }
  if (url.username || url.password) return "must not contain a user name or password";
  if (url.hash && !allowFragment) return "must not contain a #fragment";
  return null;
}

function urlField(field: string, allowInsecure: boolean, allowFragment = false) {
  return z.string({ error: requiredMessage(field, "a URL string") }).superRefine((value, ctx) => {
    const problem = urlProblem(value, allowInsecure, allowFragment);
    if (problem) ctx.addIssue({ code: "custom", message: `${field} ${problem}` });
  });
}

// ---------------------------------------------------------------- the schema

/** Builds the entry schema; `catalogEntrySchema` is the strict (https-only) one. */
export function createCatalogEntrySchema(opts: CatalogSchemaOptions) {
  const url = (field: string) => urlField(field, opts.allowInsecure);
  const docsUrl = urlField("docsUrl", opts.allowInsecure, true); // a page anchor is fine for documentation

  const scope = object("scope", {
    name: text("scope name", 300).regex(/^[^\s,+]+$/, {
      error: "scope name must not contain spaces, commas or plus signs (they delimit scopes)",
    }),
    description: text("scope description", 300),
    default: bool("scope default").default(false),
  });

  const api = object("api", {
    baseUrl: url("api.baseUrl"),
    allowedHosts: z
      .array(
        z.string({ error: "api.allowedHosts entries must be strings" }).superRefine((value, ctx) => {
          const problem = hostPatternProblem(value);
          if (problem) ctx.addIssue({ code: "custom", message: `api.allowedHosts entry "${value}" ${problem}` });
        }),
        { error: requiredMessage("api.allowedHosts", "an array of hostnames") },
      )
      .min(1, { error: "api.allowedHosts must list at least one hostname" }),
  });

  const verify = object("verify", {
    method: oneOf("verify.method", ["GET", "POST"]),
    path: z.string({ error: requiredMessage("verify.path", "a string") }).regex(/^\/(?!\/)\S*$/, {
      error: 'verify.path must start with a single "/" (relative to api.baseUrl) and contain no spaces',
    }),
    headers: stringMap("verify.headers").optional(),
    body: z.string({ error: "verify.body must be a string" }).optional(),
  });

  const oauth2 = object("oauth2", {
    authorizeUrl: url("oauth2.authorizeUrl").optional(),
    tokenUrl: url("oauth2.tokenUrl"),
    refreshUrl: url("oauth2.refreshUrl").optional(),
    revocationUrl: url("oauth2.revocationUrl").optional(),
    issuer: url("oauth2.issuer").optional(),
    /** RFC 9207: the provider always sends `iss` on the authorization response; a missing one is refused. */
    issParameterSupported: bool("oauth2.issParameterSupported").optional(),
    scopes: z.array(scope, { error: requiredMessage("oauth2.scopes", "an array (possibly empty)") }),
    scopeDelimiter: oneOf("oauth2.scopeDelimiter", scopeDelimiters).default("space"),
    pkce: bool("oauth2.pkce"),
    tokenAuthMethod: oneOf("oauth2.tokenAuthMethod", tokenAuthMethods),
    extraAuthorizeParams: stringMap("oauth2.extraAuthorizeParams").default({}),
    grantType: oneOf("oauth2.grantType", grantTypes).default("authorization_code"),
    paramType: oneOf("oauth2.paramType", oauth2ParamTypes).default("header"),
  }).transform((o) => ({ ...o, refreshUrl: o.refreshUrl ?? o.tokenUrl }));

  const oauth1 = object("oauth1", {
    requestTokenUrl: url("oauth1.requestTokenUrl"),
    authorizeUrl: url("oauth1.authorizeUrl"),
    accessTokenUrl: url("oauth1.accessTokenUrl"),
    paramType: oneOf("oauth1.paramType", paramTypes).default("header"),
    signatureMethod: oneOf("oauth1.signatureMethod", ["HMAC-SHA1"]).default("HMAC-SHA1"),
    extraAuthorizeParams: stringMap("oauth1.extraAuthorizeParams").default({}),
  });

  const apiKeyParam = object("apiKey parameter", {
    name: text("apiKey parameter name", 100).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, {
      error: "apiKey parameter name must be a plain token (letters, digits and -_.~ etc.; no spaces or colons)",
    }),
    displayName: text("apiKey parameter displayName", 50),
    paramType: oneOf("apiKey parameter paramType", paramTypes),
    prefix: z
      .string({ error: "apiKey parameter prefix must be a string" })
      .max(50, { error: "apiKey parameter prefix must be at most 50 characters" })
      .optional(),
  });

  const apiKey = object("apiKey", {
    params: z
      .array(apiKeyParam, { error: requiredMessage("apiKey.params", "an array of parameters") })
      .min(1, { error: "apiKey.params must list at least one parameter" }),
  });

  const basic = object("basic", {
    usernameLabel: text("basic.usernameLabel", 50).default("Username"),
    passwordLabel: text("basic.passwordLabel", 50).default("Password"),
  });

  const blocks = { oauth2: "oauth2", oauth1: "oauth1", api_key: "apiKey", basic: "basic" } as const;

  return object("catalog entry", {
    name: text("name", 50),
    linkName: z.string({ error: requiredMessage("linkName", "a string") }).regex(LINK_NAME_PATTERN, {
      error:
        "linkName must match ^[a-z][a-z0-9_]{0,49}$ (start with a lower-case letter; only lower-case letters, digits and underscores; at most 50 characters)",
    }),
    category: oneOf("category", catalogCategoryNames),
    description: text("description", 160),
    icon: oneOf("icon", catalogIcons),
    color: z
      .string({ error: "color must be a string" })
      .regex(HEX_COLOR, { error: 'color must be a hex colour such as "#1a2b3c"' })
      .optional(),
    authType: oneOf("authType", authTypes),
    docsUrl,
    api,
    verify: verify.optional(),
    oauth2: oauth2.optional(),
    oauth1: oauth1.optional(),
    apiKey: apiKey.optional(),
    basic: basic.optional(),
  })
    .superRefine((entry, ctx) => {
      // Exactly the block of the entry's authType (basic may be left out: it has defaults).
      for (const [type, key] of Object.entries(blocks)) {
        const present = entry[key] !== undefined;
        if (type === entry.authType) {
          if (!present && key !== "basic") {
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `authType "${entry.authType}" requires an "${key}" block`,
            });
          }
        } else if (present) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" block is only allowed when authType is "${type}" (this entry's authType is "${entry.authType}")`,
          });
        }
      }

      // The API itself must be a host a credential may be sent to.
      try {
        const host = new URL(entry.api.baseUrl).hostname;
        if (!isHostAllowed(entry.api.allowedHosts, host)) {
          ctx.addIssue({
            code: "custom",
            path: ["api", "baseUrl"],
            message: `api.baseUrl host "${host}" must match one of api.allowedHosts (${entry.api.allowedHosts.join(", ")})`,
          });
        }
      } catch {
        // already reported by the URL check
      }

      const o2 = entry.oauth2;
      if (o2 && entry.authType === "oauth2") {
        if (o2.grantType === "authorization_code" && !o2.authorizeUrl) {
          ctx.addIssue({
            code: "custom",
            path: ["oauth2", "authorizeUrl"],
            message: 'oauth2.authorizeUrl is required when oauth2.grantType is "authorization_code"',
          });
        }
        if (o2.grantType === "client_credentials" && o2.pkce) {
          ctx.addIssue({
            code: "custom",
            path: ["oauth2", "pkce"],
            message:
              'oauth2.pkce must be false when oauth2.grantType is "client_credentials" (PKCE applies to the authorization code grant only)',
          });
        }
        const seen = new Set<string>();
        o2.scopes.forEach((s, i) => {
          if (seen.has(s.name)) {
            ctx.addIssue({
              code: "custom",
              path: ["oauth2", "scopes", i, "name"],
              message: `oauth2.scopes lists "${s.name}" more than once; scope names must be unique`,
            });
          }
          seen.add(s.name);
        });
      }

      const key = entry.apiKey;
      if (key && entry.authType === "api_key") {
        const seen = new Set<string>();
        key.params.forEach((p, i) => {
          const id = `${p.paramType}:${p.paramType === "header" ? p.name.toLowerCase() : p.name}`;
          if (seen.has(id)) {
            ctx.addIssue({
              code: "custom",
              path: ["apiKey", "params", i, "name"],
              message: `apiKey.params has "${p.name}" (${p.paramType}) more than once; each parameter must be unique`,
            });
          }
          seen.add(id);
        });
      }
    })
    .transform((entry) =>
      entry.authType === "basic" && !entry.basic
        ? { ...entry, basic: { usernameLabel: "Username", passwordLabel: "Password" } }
        : entry,
    );
}

/** The schema for built-in entries: https only. */
export const catalogEntrySchema = createCatalogEntrySchema({ allowInsecure: false });

/** A validated entry, defaults filled (refreshUrl = tokenUrl when not given, basic labels...). */
export type CatalogEntry = z.output<typeof catalogEntrySchema>;
/** An entry as written in source or in a JSON file, before defaults. */
export type CatalogEntryInput = z.input<typeof catalogEntrySchema>;
export type CatalogScope = NonNullable<CatalogEntry["oauth2"]>["scopes"][number];
export type CatalogApiKeyParam = NonNullable<CatalogEntry["apiKey"]>["params"][number];

/** The scopes pre-selected in "Connection Details" for an entry (empty when it has none). */
export function defaultScopes(entry: CatalogEntry): string[] {
  return entry.oauth2?.scopes.filter((s) => s.default).map((s) => s.name) ?? [];
}
