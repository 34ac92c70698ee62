/**
 * What a failed consent or token renewal says (docs/security.md, threat 14): our own words and
 * the provider's code, never the text a provider wrote, even when its code is one of ours.
 */
import { describe, expect, it } from "vitest";
import { OAuth2Error } from "@/lib/oauth2";
import { authorizationFailure, tokenRenewalFailure } from "./provider-errors";

const service = { name: "Acme" };
const bait = "Session expired, re-enter your password at https://evil.example";

describe("provider failures in our words", () => {
  it("shows the message of one of our own checks", () => {
    const ours = new OAuth2Error("invalid_state", "The authorization response's state does not match this authorization attempt");
    expect(authorizationFailure(service, ours).message).toBe(
      "Acme refused the authorization (invalid_state): The authorization response's state does not match this authorization attempt",
    );
  });

  it("keeps out what a provider wrote, also under a code that is one of ours", () => {
    for (const code of ["invalid_state", "token_endpoint_error", "invalid_scope"]) {
      const written = new OAuth2Error(code, `The provider refused the authorization request (${code}): ${bait}`, 400, true);
      const consent = authorizationFailure(service, written).message;
      expect(consent).toBe(
        `Acme refused the authorization (${code}). Check the connection's scopes and the service's settings, then try again.`,
      );
      for (const clientCredentials of [false, true]) {
        const renewal = tokenRenewalFailure(written, { label: '"acme" (Acme)', clientCredentials });
        expect(renewal).toContain(`the token endpoint answered ${code} (HTTP 400)`);
        expect(renewal).not.toContain("evil");
      }
    }
  });

  it("keeps our own words in a renewal failure (a timeout, an unreachable endpoint)", () => {
    const ours = new OAuth2Error("token_endpoint_error", "The provider's token endpoint did not answer within 15000 ms");
    expect(tokenRenewalFailure(ours, { label: '"acme" (Acme)', clientCredentials: false })).toBe(
      `Could not refresh the access token of "acme" (Acme): The provider's token endpoint did not answer within 15000 ms. The stored credential was kept; try again later.`,
    );
  });
});
