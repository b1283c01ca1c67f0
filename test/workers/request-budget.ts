/**
 * Setup file (vitest.config.ts): a test's timeout leaves REQUEST_MS for each request it makes. On a 2-core machine
 * shared by two suites (or more) a request can take that long, so a test of many requests under a timeout meant
 * for a few fails for the machine's sake, not the code's: it must state a longer timeout (with its reason in a
 * comment) or make fewer requests. Counted: every request through `worker()` (helpers.ts) from the test's start.
 */
import { afterEach, beforeEach } from "vitest";
import { requests } from "./helpers";

const REQUEST_MS = 500;

beforeEach(() => {
  requests.count = 0;
});

afterEach(({ task }) => {
  if (requests.count * REQUEST_MS > task.timeout)
    throw new Error(
      `${requests.count} requests under a ${task.timeout} ms timeout, less than ${REQUEST_MS} ms each: state a timeout ` +
        `of at least ${requests.count * REQUEST_MS} ms and why (\`it("…", { timeout: … }, …)\`), or make fewer requests ` +
        "(test/workers/request-budget.ts)",
    );
});
