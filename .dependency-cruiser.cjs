/**
 * The layering of src/, as rules `npm run lint:layers` enforces (dependency-cruiser). From the top:
 *
 *   stores       src/environment-store (one SQLite Durable Object per environment: it serves the environment's
 *                data, and runs the environment API's routes over it, inside the object)
 *   surfaces     src/platform, src/environment-api, src/dashboard, src/sign-in, src/operator (HTTP routes and pages;
 *                none imports another)
 *   http         src/auth, src/middleware (what the surfaces mount: authorization, errors, idempotency, …)
 *   commands     src/commands (every write: `(scope, input)`)
 *   coordinator  src/coordinator (writes serialized per project)
 *   services     src/services, src/webhooks, src/email (reads and the statements of writes; no Hono Context)
 *   db           src/db (the drizzle schema and client)
 *   base         src/lib, src/schemas (helpers, input and object schemas)
 *
 * A module imports from its own layer or those below it, never above. Surfaces may read through services, but
 * write through commands: they never import the coordinator. src/index.ts and src/app.ts wire everything together
 * and are exempt; every other module of src is in a layer (a new folder is placed in one here). src/env.ts holds the types every layer shares (the Worker's bindings, the Database typed by the
 * drizzle schema, the request's variables): any module may import its types, and it imports nothing but the
 * schema's types. Type-only imports count everywhere else: a layer that needs another's types depends on it.
 */
const LAYERS = [
  { name: "stores", path: "^src/environment-store/" },
  { name: "surfaces", path: "^src/(platform|environment-api|dashboard|sign-in|operator)/" },
  { name: "http", path: "^src/(auth|middleware)/" },
  { name: "commands", path: "^src/commands/" },
  { name: "coordinator", path: "^src/coordinator/" },
  { name: "services", path: "^src/(services|webhooks|email)/" },
  { name: "db", path: "^src/db/" },
  { name: "base", path: "^src/(lib|schemas)/" },
];

/** One rule per layer: nothing in it imports from a layer above. */
const noUpwardImports = LAYERS.slice(1).map((layer, i) => {
  const above = LAYERS.slice(0, i + 1);
  return {
    name: `${layer.name}-imports-no-layer-above`,
    comment: `src's layers, top to bottom: ${LAYERS.map((l) => l.name).join(" → ")}. ${layer.name} must not depend on ${above.map((l) => l.name).join(", ")}.`,
    severity: "error",
    from: { path: layer.path },
    to: { path: above.map((l) => l.path) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-surface-imports-another-surface",
      comment:
        "The Platform API, the environment API and the dashboard share code through the layers below them (schemas, commands, services), never by importing each other.",
      severity: "error",
      from: { path: "^src/(platform|environment-api|dashboard|sign-in|operator)/" },
      to: { path: "^src/(platform|environment-api|dashboard|sign-in|operator)/", pathNot: "^src/$1/" },
    },
    ...noUpwardImports,
    {
      name: "every-module-in-a-layer",
      comment: "A module of src outside every layer escapes these rules: place its folder in LAYERS.",
      severity: "error",
      from: { path: "^src/", pathNot: [...LAYERS.map((l) => l.path), "^src/(index|app|env)\\.ts$"] },
      to: {},
    },
    {
      name: "surfaces-write-through-commands",
      comment: "Every write goes through src/commands: a surface never reaches the coordinator itself.",
      severity: "error",
      from: { path: "^src/(platform|environment-api|dashboard|sign-in|operator)/" },
      to: { path: "^src/coordinator/" },
    },
    {
      name: "no-hono-below-http",
      comment: "Commands, the coordinator, services and the database layer take no Hono Context (nor anything else of Hono).",
      severity: "error",
      from: { path: "^src/(commands|coordinator|services|webhooks|email|db)/" },
      to: { path: "^node_modules/hono/" },
    },
    {
      name: "env-ts-holds-only-types",
      comment: "src/env.ts, imported by every layer, depends on nothing but the drizzle schema's types.",
      severity: "error",
      from: { path: "^src/env\\.ts$" },
      to: { path: "^src/", pathNot: "^src/db/schema/" },
    },
    {
      name: "env-ts-imports-schema-types-only",
      comment: "src/env.ts types the Database with the drizzle schema, and takes nothing else from it.",
      severity: "error",
      from: { path: "^src/env\\.ts$" },
      to: { path: "^src/db/schema/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "env-ts-used-for-types-only",
      comment: "src/env.ts is types: importing a value from it would make it a module of some layer.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/env\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-circular",
      comment: "No module depends on itself through others.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "not-to-tests",
      comment: "Source never imports a test or a test helper.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^test/|\\.test\\.tsx?$" },
    // Type-only imports are dependencies too (a layer using another's types depends on it).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
