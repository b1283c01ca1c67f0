import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifyPlatformToken } from "../../src/auth/platform-tokens";
import { keyCache } from "../../src/services/api-keys";
import { envApi, expectError, mintKey, newTeam, session, sql } from "./helpers";

/**
 * The per-isolate caches on the request path and their stated delays. The clock is faked (Date only):
 * the caches read the time through Date.now, so nothing sleeps.
 */
describe("environment keys: looked up once per 5 s for reads, at once for writes", () => {
  afterEach(() => vi.useRealTimers());

  const setup = async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const api = envApi(await mintKey(s, team.id, environments[0].id));
    const [key] = await sql<{ id: string }>("SELECT id FROM api_keys WHERE environment_id = ?", environments[0].id);
    return { s, team, staging: environments[0], api, keyId: key.id };
  };

  it("the stated delay is 5 s", () => expect(keyCache.ttlMs).toBe(5_000));

  it("a deleted key stops opening reads within the delay, and writes at once", async () => {
    const { api, keyId } = await setup();
    vi.useFakeTimers({ toFake: ["Date"] });
    expect((await api.get("/organizations")).status).toBe(200); // looked up, cached
    await sql("DELETE FROM api_keys WHERE id = ?", keyId);
    expectError(await api.post("/organizations", { name: "Nope" }), 401, "unauthorized");
    expect((await api.get("/organizations")).status).toBe(200); // within the delay: the cached lookup
    vi.setSystemTime(Date.now() + keyCache.ttlMs - 1);
    expect((await api.get("/organizations")).status).toBe(200);
    vi.setSystemTime(Date.now() + 2);
    expectError(await api.get("/organizations"), 401, "unauthorized");
  });

  it("a key expired early through the Platform API: the same delay", async () => {
    const { s, team, staging, api, keyId } = await setup();
    vi.useFakeTimers({ toFake: ["Date"] });
    expect((await api.get("/user_management/users")).status).toBe(200);
    expect((await s.del(`/teams/${team.id}/environments/${staging.id}/api_keys/${keyId}`)).status).toBe(204);
    expectError(await api.post("/user_management/users", { email: "a@b.test" }), 401, "unauthorized");
    vi.setSystemTime(Date.now() + keyCache.ttlMs + 1);
    expectError(await api.get("/user_management/users"), 401, "unauthorized");
  });

  it("a key's own expires_at is honoured to the millisecond, cached or not", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const r = await s.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, {
      name: "short",
      expires_at: expiresAt,
    });
    expect(r.status).toBe(201);
    const api = envApi(r.body.value);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse(expiresAt) - 1_000);
    expect((await api.get("/organizations")).status).toBe(200);
    vi.setSystemTime(Date.parse(expiresAt)); // within the cache's 5 s, past the key's expiry
    expectError(await api.get("/organizations"), 401, "unauthorized");
  });

  it("an unknown key is never cached into working, and another environment's key opens only its own", async () => {
    const a = await setup();
    const b = await setup();
    expectError(await envApi("sk_test_unknown").get("/organizations"), 401, "unauthorized");
    const org = (await a.api.post("/organizations", { name: "A" })).body;
    expect((await a.api.get(`/organizations/${org.id}`)).status).toBe(200);
    expectError(await b.api.get(`/organizations/${org.id}`), 404, "organization_not_found");
  });
});

describe("platform tokens: verified once per isolate, until exp, against the client's current secret", () => {
  afterEach(() => vi.useRealTimers());

  it("a cached token still fails once its client's secret is rotated or the client removed", async () => {
    const { token } = await session();
    expect(await verifyPlatformToken(env, token)).toEqual({ clientId: "client_test" });
    expect(await verifyPlatformToken(env, token)).toEqual({ clientId: "client_test" }); // from the cache
    await expect(verifyPlatformToken({ ...env, PLATFORM_CLIENT_SECRET: "rotated" }, token)).rejects.toMatchObject({
      code: "unauthorized",
    });
    await expect(
      verifyPlatformToken({ ...env, PLATFORM_CLIENT_ID: undefined, PLATFORM_CLIENT_SECRET: undefined }, token),
    ).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("a cached token fails at its exp", async () => {
    const { token, get } = await session();
    expect((await get("/teams")).status).toBe(200);
    const exp = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp as number;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(exp * 1000 - 1_000);
    expect((await get("/teams")).status).toBe(200);
    vi.setSystemTime(exp * 1000 + 1);
    expectError(await get("/teams"), 401, "unauthorized");
  });

  it("a forged token (another secret) is refused, even for a known client", async () => {
    const { sign } = await import("hono/jwt");
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign({ sub: "client_test", iat: now, exp: now + 3600, scope: "platform" }, "not-the-secret", "HS256");
    await expect(verifyPlatformToken(env, forged)).rejects.toMatchObject({ code: "unauthorized" });
  });
});
