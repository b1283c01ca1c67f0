// `npm run docs:errors`: prints the README's error table (Markdown), generated from the error catalog
// (src/lib/errors.ts), so the README never disagrees with what the service answers.
// Runs on Node 22 with --experimental-transform-types (errors.ts has parameter properties) (no build step, no extra dependency).
type Catalog = typeof import("../src/lib/errors").ERROR_CATALOG;

const { ERROR_CATALOG } = (await import(new URL("../src/lib/errors.ts", import.meta.url).href)) as { ERROR_CATALOG: Catalog };
const rows = Object.entries(ERROR_CATALOG as Record<string, { status: number; message: string }>)
  // Stable order: by status, then as the catalog lists them (sort is stable).
  .sort(([, a], [, b]) => a.status - b.status)
  .map(([code, { status, message }]) => `| ${status} | \`${code}\` | ${message.replaceAll("|", "\\|")} |`);
console.log(["| Status | Code | Meaning |", "| --- | --- | --- |", ...rows].join("\n"));
