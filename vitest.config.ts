import { execFileSync } from "node:child_process";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two kinds of tests, one command (`npm test`):
 * - workers: inside the Workers runtime (Miniflare), through the Worker's own fetch; storage per test file;
 * - node: the Worker started on a loopback port, driven by the official WorkOS SDK and a browser.
 */
export default defineConfig(async () => {
  // Static assets the Worker serves, made even when vitest runs without `npm test`: Scalar's script for /docs
  // (public/docs/), and /openapi.json generated from the routes as they are now (public/openapi.json), which every
  // workers test file checks its answers against.
  for (const script of ["copy-docs-assets.mjs", "build-openapi.mjs"])
    execFileSync(process.execPath, [path.join(import.meta.dirname, "scripts", script)], { stdio: "inherit" });
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      // Both cores: vitest's default leaves one idle (availableParallelism - 1), and the suite must stay under
      // 6 minutes on a 2-core machine (349 s with 2 workers against 405 s with 1, measured).
      maxWorkers: 2,
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
                  // Email is printed, not sent (src/email/outbox.ts); the tests read the messages from the outbox.
                  EMAIL_CONSOLE: "1",
                  SIGNING_KEY_SECRET: "test-signing-key-secret-0123456789abcdef",
                  // The operator's surface (/operator, src/operator): test/workers/environment-move.test.ts.
                  OPERATOR_TOKEN: "test-operator-token",
                  DB_METRICS: "1",
                  // Answers of routes without doc() are mismatches (strict), or skipped while the docs are written
                  // (RESPONSE_CHECK=documented npx vitest …). Every documented route is always checked.
                  RESPONSE_CHECK: process.env.RESPONSE_CHECK ?? "strict",
                },
                // The suite fires thousands of requests a minute as one client: lift the budgets, and give
                // the rate-limit test a tiny one of its own.
                ratelimits: {
                  RATE_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
                  TOKEN_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
                  TEST_RATE_LIMITER: { namespace_id: "1999", simple: { limit: 3, period: 60 } },
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            // A timeout catches a hang, not slowness: on a 2-core machine shared by two suites (or more), a request
            // takes many times its quiet 20-40 ms, and vitest's defaults (5 s a test, 10 s a hook) failed tests of a
            // dozen requests. Tests that measure speed assert their own bound.
            testTimeout: 30_000,
            hookTimeout: 60_000,
            // After each file, every answer it saw is checked against /openapi.json (check-responses.ts); a test of
            // many requests states a timeout long enough for them (request-budget.ts).
            setupFiles: [
              "./test/workers/apply-migrations.ts",
              "./test/workers/check-responses.ts",
              "./test/workers/request-budget.ts",
              "./test/workers/store-sides-check.ts",
            ],
          },
        },
        {
          // The typed client (hc<AppType>) compiles against the real routes: `npm test` fails when a path, a
          // parameter or a body shape no longer matches it (tsc over the file and what it imports; not executed here).
          test: {
            name: "types",
            typecheck: { enabled: true, only: true, include: ["test/workers/typed-client.test.ts"], tsconfig: "./tsconfig.json" },
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
