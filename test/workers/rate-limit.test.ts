import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { rateLimit } from "../../src/middleware/rate-limit";

describe("rate limiting", () => {
  it("answers 429 rate_limited with Retry-After once a caller's budget is spent, per caller", async () => {
    const app = createApp();
    app.use(
      rateLimit(
        (c) => (c.env as typeof env).TEST_RATE_LIMITER,
        (c) => c.req.header("X-Caller") ?? "anon",
      ),
    );
    app.get("/ping", (c) => c.json({ ok: true }));
    const ping = (caller: string) => app.request("/ping", { headers: { "X-Caller": caller } }, env);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ping("a")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await ping("a");
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(await limited.json()).toMatchObject({ code: "rate_limited" });
    // Another caller has its own budget.
    expect((await ping("b")).status).toBe(200);
  });
});
