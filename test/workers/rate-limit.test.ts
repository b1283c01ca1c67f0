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

describe("rate limiting, reads and writes", () => {
  const appWith = (onWrite: () => void) => {
    const app = createApp();
    app.use(
      rateLimit(
        (c) => (c.env as typeof env).TEST_RATE_LIMITER,
        (c) => c.req.header("X-Caller") ?? "anon",
      ),
    );
    app.get("/ping", (c) => c.json({ ok: true }));
    app.post("/write", (c) => {
      onWrite();
      return c.json({ ok: true }, 201);
    });
    return app;
  };

  it("a read runs beside the limiter's verdict and is still refused past the budget (429, Retry-After)", async () => {
    const app = appWith(() => undefined);
    const caller = `reader-${crypto.randomUUID()}`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request("/ping", { headers: { "X-Caller": caller } }, env)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("a refused write never reaches its handler", async () => {
    let writes = 0;
    const app = appWith(() => writes++);
    const caller = `writer-${crypto.randomUUID()}`;
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (
          await app.request(
            "/write",
            { method: "POST", headers: { "X-Caller": caller, "Content-Type": "application/json" }, body: "{}" },
            env,
          )
        ).status,
      );
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect(writes).toBe(3);
  });
});

describe("rate limiting off the read path", () => {
  it("a read's handler starts before the limiter answers; a write's only after", async () => {
    const log: string[] = [];
    let handlerStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (handlerStarted = r));
    // A limiter that answers once the handler has started (or after 100 ms if it never does).
    const limiter = {
      limit: async () => {
        await Promise.race([started, new Promise((r) => setTimeout(r, 100))]);
        log.push("verdict");
        return { success: true };
      },
    } as unknown as RateLimit;
    const app = createApp();
    app.use(
      rateLimit(
        () => limiter,
        () => "k",
      ),
    );
    const handler = (c: import("hono").Context) => {
      log.push("handler");
      handlerStarted();
      return c.json({ ok: true });
    };
    app.get("/read", handler);
    app.post("/write", handler);
    expect((await app.request("/read", {}, env)).status).toBe(200);
    expect(log).toEqual(["handler", "verdict"]);
    log.length = 0;
    expect(
      (await app.request("/write", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }, env)).status,
    ).toBe(200);
    expect(log).toEqual(["verdict", "handler"]);
  });
});

describe("rate limiting sheds a refused caller's reads", () => {
  it("once a caller is refused, its next reads wait for the verdict: a refused read never reaches its handler", async () => {
    let handled = 0;
    const app = createApp();
    app.use(
      rateLimit(
        (c) => (c.env as typeof env).TEST_RATE_LIMITER,
        (c) => c.req.header("X-Caller") ?? "anon",
      ),
    );
    app.get("/ping", (c) => {
      handled++;
      return c.json({ ok: true });
    });
    const caller = `flood-${crypto.randomUUID()}`;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await app.request("/ping", { headers: { "X-Caller": caller } }, env)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    // The 4th read ran beside its verdict (refused after running); the 5th and 6th waited and never ran.
    expect(handled).toBe(4);
  });
});
