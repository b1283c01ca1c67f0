// Stands in for zod in the Worker bundle (wrangler.toml [alias]): hono-openapi's schema converters import it
// dynamically for zod schemas, and this app's schemas are valibot's, so it is never loaded. Without the alias
// the bundle carried ~400 KiB of zod (over the 150 KiB gzip budget).
throw new Error("zod is not part of this Worker: its schemas are valibot's.");
