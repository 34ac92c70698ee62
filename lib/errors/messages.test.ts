/** The shared refusal wordings: whole minutes rounded up, never "0 minutes", and the clock time when given. */
import { describe, expect, it } from "vitest";
import { tooManyAttemptsMessage } from "./messages";

describe("tooManyAttemptsMessage", () => {
  it("rounds up to whole minutes, at least one, singular for one", () => {
    expect(tooManyAttemptsMessage(0)).toBe("Too many attempts. Try again in 1 minute.");
    expect(tooManyAttemptsMessage(60_000)).toBe("Too many attempts. Try again in 1 minute.");
    expect(tooManyAttemptsMessage(60_001)).toBe("Too many attempts. Try again in 2 minutes.");
    expect(tooManyAttemptsMessage(15 * 60_000)).toBe("Too many attempts. Try again in 15 minutes.");
  });

  it("says at what time when the reader's clock time is given", () => {
    expect(tooManyAttemptsMessage(14 * 60_000 + 5_000, "14:05")).toBe("Too many attempts. Try again in 15 minutes (at 14:05).");
  });
});
