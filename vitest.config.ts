import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two kinds of tests, one command (`npm test`):
 * - workers: inside the Workers runtime (Miniflare), through the Worker's own fetch; storage per test file;
 * - node: the Worker started on a loopback port, driven by the official WorkOS SDK and a browser.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  PLATFORM_CLIENT_ID: "client_test",
                  PLATFORM_CLIENT_SECRET: "secret_test",
                  PLATFORM_CLIENTS: "client_other:secret_other",
                  DB_METRICS: "1",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["./test/workers/apply-migrations.ts"],
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
