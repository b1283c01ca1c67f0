import { defineConfig } from "drizzle-kit";

// drizzle-kit writes plain SQL migrations into the folder wrangler reads (`migrations_dir`);
// `wrangler d1 migrations apply` is the only migration history (table d1_migrations).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
