import { env } from "cloudflare:workers";
import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { rateLimit } from "../../src/middleware/rate-limit";

/**
 * An app behind the rate-limit middleware: GET /ping and POST /write, each counting the calls that reached it.
 * The limiter is the test binding (3 requests a minute per X-Caller) unless one is given.
 */
function limitedApp(limiter?: RateLimit) {
  const reached = { reads: 0, writes: 0 };
  const app = createApp();
  app.use(
    rateLimit(
      (c) => limiter ?? (c.env as typeof env).TEST_RATE_LIMITER,
      (c) => c.req.header("X-Caller") ?? "anon",
    ),
  );
  app.get("/ping", (c) => {
    reached.reads++;
    return c.json({ ok: true });
  });
  app.post("/write", (c) => {
    reached.writes++;
    return c.json({ ok: true }, 201);
  });
  const read = (caller: string) => app.request("/ping", { headers: { "X-Caller": caller } }, env);
  const write = (caller: string) =>
    app.request(
      "/write",
      { method: "POST", headers: { "X-Caller": caller, "Content-Type": "application/json" }, body: "{}" },
      env,
    );
  return { app, reached, read, write };
}

const statusesOf = async (n: number, request: () => Response | Promise<Response>) => {
  const statuses = [];
  for (let i = 0; i < n; i++) statuses.push((await request()).status);
  return statuses;
};

describe("rate limiting", () => {
  it("answers 429 rate_limited with Retry-After once a caller's budget is spent, per caller", async () => {
    const { read } = limitedApp();
    expect(await statusesOf(4, () => read("a"))).toEqual([200, 200, 200, 429]);
    const limited = await read("a");
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(await limited.json()).toMatchObject({ code: "rate_limited" });
    // Another caller has its own budget.
    expect((await read("b")).status).toBe(200);
  });

  it("a refused write never reaches its handler", async () => {
    const { write, reached } = limitedApp();
    const caller = `writer-${crypto.randomUUID()}`;
    expect(await statusesOf(5, () => write(caller))).toEqual([201, 201, 201, 429, 429]);
    expect(reached.writes).toBe(3);
  });

  it("a read's handler starts before the limiter answers (it runs beside the verdict); a write's only after", async () => {
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
    const handler = (c: Context) => {
      log.push("handler");
      handlerStarted();
      return c.json({ ok: true });
    };
    app.get("/read", handler);
    app.post("/write", handler);
    expect((await app.request("/read", {}, env)).status).toBe(200);
    expect(log).toEqual(["handler", "verdict"]);
    log.length = 0;
    const write = await app.request(
      "/write",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" },
      env,
    );
    expect(write.status).toBe(200);
    expect(log).toEqual(["verdict", "handler"]);
  });

  it("once a caller is refused, its next reads wait for the verdict: a flood's reads are shed, not only refused", async () => {
    const { read, reached } = limitedApp();
    const caller = `flood-${crypto.randomUUID()}`;
    expect(await statusesOf(6, () => read(caller))).toEqual([200, 200, 200, 429, 429, 429]);
    // The 4th read ran beside its verdict (refused after running); the 5th and 6th waited and never ran.
    expect(reached.reads).toBe(4);
  });
});
