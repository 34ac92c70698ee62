/** The one test harness of lib/, the benchmarks and (for peers and data) the e2e suite. */
export * from "./catalog";
export * from "./db";
export * from "./env";
export * from "./fixtures";
export * from "./legacy-seal";
export * from "./sessions";
