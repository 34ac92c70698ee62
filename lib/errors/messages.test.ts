/** The shared refusal wordings: whole minutes rounded up, never "0 minutes", and the clock time when given. */
import { describe, expect, it } from "vitest";
import { lockoutEnd, tooManyAttemptsMessage } from "./messages";

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

describe("lockoutEnd", () => {
  const now = Date.UTC(2026, 11, 4, 12, 0, 0);

  it("reads the end the refusal carries", () => {
    expect(lockoutEnd(String(now + 5 * 60_000), now).getTime()).toBe(now + 5 * 60_000);
  });

  it("falls back to 15 minutes from now for a missing, garbled or out-of-range time", () => {
    for (const at of [undefined, "", "soon", "0", "-5", "1e30", "Infinity"]) {
      expect(lockoutEnd(at, now).getTime(), String(at)).toBe(now + 15 * 60_000);
    }
  });
});
