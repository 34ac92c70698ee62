// Deluge script subset for the Script console (pure TypeScript, browser- or server-safe).
//
// Language choices, beyond what the issue fixes:
// - Strings may not contain a raw line break (use \n); unknown escapes such as \d are kept as typed.
// - `{}` is an empty map; `{a, b}` is a list; `[` only follows `invokeurl`.
// - `+` concatenates when either side is text, else adds numbers; `-` subtracts numbers.
// - `type:` takes a bare GET|POST|PUT|PATCH|DELETE (any case) or a text expression; another bare
//   identifier is a parse error. Keys are case-insensitive; `content-type` must be written without spaces.
// - A null invokeurl value leaves the key out of the InvokeTask; "url" missing/null/"" is a runtime error.
// - info: text as is, numbers as JavaScript prints them (1.50 → "1.5"), true/false, null → "" (empty
//   line), maps/lists as compact JSON. Map keys are text (numbers converted); `.get` of a missing key is null.
// - Methods: get, put, add (lists), toString, toMap, keys, size; unknown methods/functions are parse errors.
// - Columns are 1-based UTF-16 code units; \r\n, \r and \n end lines.
export * from "./ast";
export { DelugeParseError, MAX_NESTING, parseScript } from "./parse";
export {
  DEFAULT_MAX_STEPS,
  MAX_TEXT_LENGTH,
  runScript,
  type InvokeTask,
  type ScriptError,
  type ScriptHost,
  type ScriptResult,
} from "./run";
export { delugeInvokeSnippet, delugeString, type DelugeInvokeSnippetInput } from "./snippet";
export { fromJs, toJson, toText, type DelugeList, type DelugeMap, type Value } from "./values";
