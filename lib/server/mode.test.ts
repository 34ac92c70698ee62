/** server.ts's mode (docs/product.md §8): `npm start` is production whatever NODE_ENV the shell had. */
import { describe, expect, it } from "vitest";
import { serverNodeEnv } from "./mode";

describe("the server's mode", () => {
  it("is production without --dev, so NODE_ENV=development npm start still refuses the demo password", () => {
    expect(serverNodeEnv(["node", "server.ts"])).toBe("production");
    expect(serverNodeEnv(["node", "server.ts", "--development"])).toBe("production");
  });

  it("is development with --dev (npm run dev)", () => {
    expect(serverNodeEnv(["node", "server.ts", "--dev"])).toBe("development");
  });
});
