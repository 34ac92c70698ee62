import { describe, expect, it } from "vitest";
import { EMAIL_MAX, inviteMemberSchema } from "./accounts";

describe("account forms' email field", () => {
  it("takes an address up to RFC 5321's length, lower-cased and trimmed, and refuses a longer one with a clear message", () => {
    const fits = `${"a".repeat(EMAIL_MAX - "@acme.test".length)}@acme.test`;
    expect(inviteMemberSchema.parse({ email: ` ${fits.toUpperCase()} `, role: "member" }).email).toBe(fits);
    const result = inviteMemberSchema.safeParse({ email: `a${fits}`, role: "member" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(`An email address has at most ${EMAIL_MAX} characters`);
  });
});
