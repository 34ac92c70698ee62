/**
 * The demo seed's default (docs/product.md §8): only an explicit NODE_ENV of development or
 * test seeds when CONNECTIONS_SEED is unset; shell scripts never seed unless asked.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setupTestEnv } from "@/test/harness";
import { configureForScript, demoSeedByDefault, env } from "./env";

setupTestEnv();
const saved = { NODE_ENV: process.env.NODE_ENV, CONNECTIONS_SEED: process.env.CONNECTIONS_SEED };
const setEnv = (name: "NODE_ENV" | "CONNECTIONS_SEED", value: string | undefined) => {
  if (value === undefined) delete (process.env as Record<string, string | undefined>)[name];
  else (process.env as Record<string, string>)[name] = value;
};

afterEach(() => {
  setEnv("NODE_ENV", saved.NODE_ENV);
  setEnv("CONNECTIONS_SEED", saved.CONNECTIONS_SEED);
  configureForScript(); // forgets the cached env()
});

describe("the demo seed default", () => {
  it("is on only when NODE_ENV is explicitly development or test", () => {
    expect(demoSeedByDefault("development")).toBe(true);
    expect(demoSeedByDefault("test")).toBe(true);
    expect(demoSeedByDefault(undefined)).toBe(false);
    expect(demoSeedByDefault("")).toBe(false);
    expect(demoSeedByDefault("production")).toBe(false);
    expect(demoSeedByDefault("staging")).toBe(false);
  });

  it("a script with no NODE_ENV (npm run admin:create on a fresh production database) does not seed", () => {
    setEnv("NODE_ENV", undefined);
    setEnv("CONNECTIONS_SEED", undefined);
    configureForScript();
    expect(env().CONNECTIONS_SEED).toBe(false);
  });

  it("a script does not seed even under NODE_ENV=development, unless CONNECTIONS_SEED=true", () => {
    setEnv("NODE_ENV", "development");
    setEnv("CONNECTIONS_SEED", "");
    configureForScript();
    expect(env().CONNECTIONS_SEED).toBe(false);
    setEnv("CONNECTIONS_SEED", "true");
    configureForScript();
    expect(env().CONNECTIONS_SEED).toBe(true);
  });
});

describe("CONNECTIONS_PGLITE_SHARED_BUFFERS", () => {
  afterEach(() => {
    delete process.env.CONNECTIONS_PGLITE_SHARED_BUFFERS;
    configureForScript();
  });

  it("takes a Postgres size and refuses anything else with its rule", () => {
    process.env.CONNECTIONS_PGLITE_SHARED_BUFFERS = "64MB";
    configureForScript();
    expect(env().CONNECTIONS_PGLITE_SHARED_BUFFERS).toBe("64MB");
    for (const edge of ["128kB", "1GB", "1024MB"]) {
      process.env.CONNECTIONS_PGLITE_SHARED_BUFFERS = edge;
      configureForScript();
      expect(env().CONNECTIONS_PGLITE_SHARED_BUFFERS).toBe(edge);
    }
    // Postgres refuses under 128kB; PGlite's 32-bit memory cannot hold several GB.
    for (const bad of ["64", "64 MB", "0MB", "-1MB", "64mb", "64MB; drop table users", "127kB", "2GB", "1025MB"]) {
      process.env.CONNECTIONS_PGLITE_SHARED_BUFFERS = bad;
      configureForScript();
      expect(() => env()).toThrow(/CONNECTIONS_PGLITE_SHARED_BUFFERS must be a size from 128kB to 1GB, like 16MB/);
    }
  });
});
