/**
 * Setup file (vitest.config.ts): after each test file, every answer `call()` saw is checked against the OpenAPI
 * document the Worker serves (test/workers/response-check.ts). Any mismatch fails the file, listed by route,
 * status and problem. Miniflare isolates test files, so each file checks its own answers.
 */
import { env } from "cloudflare:workers";
import { afterAll } from "vitest";
import { recorded } from "./helpers";
import { fetchDocument } from "./openapi-support";
import { createChecker, report } from "./response-check";

afterAll(async () => {
  if (recorded.length === 0) return;
  const check = createChecker(await fetchDocument(), {
    undocumented: env.RESPONSE_CHECK === "documented" ? "documented" : "strict",
  });
  const mismatches = recorded.flatMap(check);
  if (mismatches.length > 0)
    throw new Error(`${mismatches.length} of ${recorded.length} answers do not match /openapi.json:\n${report(mismatches)}`);
});
