// Types of `cloudflare:workers`' env and exports inside the Workers test runtime.
type WorkerBindings = import("../../src/env").Env;
type WorkerModule = typeof import("../../src/index");

declare namespace Cloudflare {
  interface Env extends WorkerBindings {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_RATE_LIMITER: RateLimit;
    /** "strict" (default) or "documented": see test/workers/check-responses.ts. */
    RESPONSE_CHECK: string;
  }
  interface GlobalProps {
    mainModule: WorkerModule;
  }
}
