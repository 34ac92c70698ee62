/**
 * The one-way layers of docs/architecture.md "Layers", checked by `npm run lint`.
 *
 *   app/ → components/ → lib/actions, lib/api, lib/server (edges)
 *     → feature modules (lib/console → lib/invoke, lib/calls, lib/accounts → lib/connections → lib/services
 *        → lib/credentials, lib/catalog, lib/audit → lib/auth)
 *     → protocol (lib/oauth1, lib/oauth2, lib/deluge)
 *     → infrastructure (lib/http, lib/crypto, lib/secrets, lib/errors, lib/env.ts, db/)
 *
 * lib/validation and lib/sdk run in the browser and in scripts too: they import nothing of
 * the server. Test support (test/, e2e/, bench/) is never imported by production code.
 */
const FEATURE = "^lib/(console|invoke|calls|accounts|connections|services|webhooks|credentials|catalog|audit|auth)/";
const PROTOCOL = "^lib/(oauth1|oauth2|deluge)/";
const EDGE = "^lib/(actions|api|server)/";
const INFRA = "^(lib/(http|crypto|secrets|errors|cache|observe|jobs)/|lib/env\\.ts$|db/)";
/** A test may set up or check its subject with modules above it (a service test creates connections; an engine test reads the HTTP answer). */
const TEST_FILE = "\\.test\\.tsx?$";
const PRODUCTION = "^(app|components|lib|db|scripts)/|^(server|proxy|instrumentation)\\.ts$";

/** Feature modules, each allowed to import only those after it in this list. */
const featureOrder = [
  ["console"],
  ["invoke", "calls", "accounts"],
  ["connections"],
  ["services"],
  ["webhooks"],
  ["credentials", "catalog", "audit"],
  ["auth"],
];

const featureRules = featureOrder.flatMap((tier, index) => {
  const above = featureOrder.slice(0, index).flat();
  const peers = tier.length > 1 ? tier : [];
  return tier.flatMap((name) => {
    const forbidden = [...above, ...peers.filter((p) => p !== name)];
    if (forbidden.length === 0) return [];
    return [
      {
        name: `feature-order-${name}`,
        comment: `lib/${name} may not import a feature module above it or beside it (docs/architecture.md "Layers")`,
        severity: "error",
        from: { path: `^lib/${name}/`, pathNot: TEST_FILE },
        to: { path: `^lib/(${forbidden.join("|")})/` },
      },
    ];
  });
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Import cycles make the layers meaningless",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "components-not-app",
      comment: "components/ sits below app/",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "lib-not-ui",
      comment: "lib/ sits below app/ and components/",
      severity: "error",
      from: { path: "^(lib|db)/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "only-ui-imports-edges",
      comment: "Server actions, the HTTP edge and the process start are entries: nothing below imports them",
      severity: "error",
      from: { path: `${FEATURE}|${PROTOCOL}|${INFRA}`, pathNot: TEST_FILE },
      to: { path: EDGE },
    },
    {
      name: "protocol-below-features",
      comment: "Protocol code knows nothing of the product",
      severity: "error",
      from: { path: PROTOCOL, pathNot: TEST_FILE },
      to: { path: `${FEATURE}|${EDGE}` },
    },
    {
      name: "infrastructure-at-the-bottom",
      comment: "Infrastructure imports only infrastructure",
      severity: "error",
      from: { path: INFRA, pathNot: TEST_FILE },
      to: { path: `${FEATURE}|${PROTOCOL}|${EDGE}` },
    },
    {
      name: "browser-safe-modules",
      comment: "lib/validation and lib/sdk run in the browser and in scripts: no server code",
      severity: "error",
      from: { path: "^lib/(validation|sdk)/", pathNot: TEST_FILE },
      to: { path: "^(lib/(?!validation/|sdk/)|db/)" },
    },
    {
      name: "no-test-support-in-production",
      comment: "test/, e2e/ and bench/ are never part of the product",
      severity: "error",
      from: { path: PRODUCTION, pathNot: TEST_FILE },
      to: { path: "^(test|e2e|bench)/" },
    },
    {
      name: "test-support-not-e2e",
      comment: "The harness and peers under test/ serve vitest and Playwright alike; they never import a spec",
      severity: "error",
      from: { path: "^test/" },
      to: { path: "^e2e/" },
    },
    ...featureRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|\\.data|test-results|playwright-report)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
