import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RETRY_DELAYS_MS } from "../../src/webhooks/schedule";
import { signatureHeader } from "../../src/webhooks/signature";
import { envApi, expectError, mintKey, sql, stagingApi, storeObject } from "./helpers";

/** A row of webhook_deliveries, as these tests read it. */
interface Delivery {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
}

// Nothing listens there: every attempt fails fast, which is what the retry tests need.
const DEAD_URL = "http://127.0.0.1:9/hooks";

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("webhook endpoints", () => {
  it("creates, lists, updates and deletes, with WorkOS's shapes", async () => {
    const { api } = await stagingApi();
    const created = await api.post("/webhook_endpoints", {
      endpoint_url: "http://localhost:4000/hooks",
      events: ["user.created", "user.created", "organization.deleted"],
    });
    expect(created.status).toBe(201);
    const we = created.body;
    expect(we).toMatchObject({
      object: "webhook_endpoint",
      endpoint_url: "http://localhost:4000/hooks",
      status: "enabled",
      events: ["user.created", "organization.deleted"],
    });
    expect(we.id).toMatch(/^we_[0-9A-Z]{26}$/);
    expect(we.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect((await api.get("/webhook_endpoints")).body.data).toEqual([we]);
    expect((await api.get(`/webhook_endpoints/${we.id}`)).body).toEqual(we);
    const updated = await api.patch(`/webhook_endpoints/${we.id}`, { status: "disabled", events: ["connection.deleted"] });
    expect(updated.body).toMatchObject({
      status: "disabled",
      events: ["connection.deleted"],
      endpoint_url: we.endpoint_url,
      secret: we.secret,
    });
    expect((await api.del(`/webhook_endpoints/${we.id}`)).status).toBe(204);
    expectError(await api.del(`/webhook_endpoints/${we.id}`), 404, "webhook_endpoint_not_found");
    expectError(await api.patch(`/webhook_endpoints/${we.id}`, { status: "enabled" }), 404, "webhook_endpoint_not_found");
  });

  it("422 for bad URLs and event names, 409 for a URL already used", async () => {
    const { api } = await stagingApi();
    const cases: [unknown, string, string][] = [
      [{ events: ["user.created"] }, "endpoint_url", "required"],
      [{ endpoint_url: "not a url", events: ["user.created"] }, "endpoint_url", "invalid_format"],
      [{ endpoint_url: "ftp://x.test/h", events: ["user.created"] }, "endpoint_url", "invalid"],
      [{ endpoint_url: `https://x.test/${"a".repeat(2048)}`, events: ["user.created"] }, "endpoint_url", "too_long"],
      [{ endpoint_url: "https://x.test/h", events: [] }, "events", "too_short"],
      [{ endpoint_url: "https://x.test/h", events: ["user.exploded"] }, "events.0", "invalid_value"],
      [{ endpoint_url: "https://x.test/h", events: ["user.created"], description: "x" }, "description", "unknown_field"],
    ];
    for (const [body, field, code] of cases) {
      const r = await api.post("/webhook_endpoints", body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    const first = (await api.post("/webhook_endpoints", { endpoint_url: "https://x.test/h", events: ["user.created"] })).body;
    const dup = await api.post("/webhook_endpoints", { endpoint_url: "https://x.test/h", events: ["user.deleted"] });
    expectError(dup, 409, "webhook_endpoint_url_taken");
    expect(dup.body.errors[0].field).toBe("endpoint_url");
    const second = (await api.post("/webhook_endpoints", { endpoint_url: "https://x.test/other", events: ["user.created"] }))
      .body;
    expectError(
      await api.patch(`/webhook_endpoints/${second.id}`, { endpoint_url: first.endpoint_url }),
      409,
      "webhook_endpoint_url_taken",
    );
    expectError(await api.patch(`/webhook_endpoints/${second.id}`, { status: "paused" }), 422, "validation_failed");
  });

  it("production environments accept only https endpoints (422 https_required)", async () => {
    const { s, team, production } = await stagingApi();
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "card_4242" });
    const prod = envApi(await mintKey(s, team.id, production.id));
    const r = await prod.post("/webhook_endpoints", { endpoint_url: "http://hooks.acme.test/h", events: ["user.created"] });
    expectError(r, 422, "validation_failed");
    expect(r.body.errors).toEqual([expect.objectContaining({ field: "endpoint_url", code: "https_required" })]);
    const ok = await prod.post("/webhook_endpoints", { endpoint_url: "https://hooks.acme.test/h", events: ["user.created"] });
    expect(ok.status).toBe(201);
    expectError(
      await prod.patch(`/webhook_endpoints/${ok.body.id}`, { endpoint_url: "http://hooks.acme.test/h" }),
      422,
      "validation_failed",
    );
  });

  it("isolation: another environment's key gets 404 and an empty list", async () => {
    const { s, team, project, api } = await stagingApi();
    const we = (await api.post("/webhook_endpoints", { endpoint_url: "https://x.test/h", events: ["user.created"] })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expectError(await other.get(`/webhook_endpoints/${we.id}`), 404, "webhook_endpoint_not_found");
    expectError(await other.patch(`/webhook_endpoints/${we.id}`, { status: "disabled" }), 404, "webhook_endpoint_not_found");
    expectError(await other.del(`/webhook_endpoints/${we.id}`), 404, "webhook_endpoint_not_found");
    expect((await other.get("/webhook_endpoints")).body.data).toEqual([]);
  });
});

describe("webhook deliveries", () => {
  it("queues one delivery per event for each enabled endpoint subscribed to it, in the event's batch", async () => {
    const { api, staging } = await stagingApi();
    const users = (
      await api.post("/webhook_endpoints", { endpoint_url: `${DEAD_URL}/users`, events: ["user.created", "user.deleted"] })
    ).body;
    const orgs = (await api.post("/webhook_endpoints", { endpoint_url: `${DEAD_URL}/orgs`, events: ["organization.created"] }))
      .body;
    const off = (await api.post("/webhook_endpoints", { endpoint_url: `${DEAD_URL}/off`, events: ["user.created"] })).body;
    await api.patch(`/webhook_endpoints/${off.id}`, { status: "disabled" });
    await api.post("/user_management/users", { email: "a@x.test" });
    const deliveries = await sql<{ endpoint_id: string; event: string }>(
      "SELECT d.endpoint_id, e.event FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.environment_id = ?",
      staging.id,
    );
    expect(deliveries).toEqual([{ endpoint_id: users.id, event: "user.created" }]);
    expect(orgs.id).toBeTruthy();
  });

  it("a failed delivery is recorded and retried with growing delays, then given up after the last attempt", async () => {
    const { api, staging } = await stagingApi();
    await api.post("/webhook_endpoints", { endpoint_url: DEAD_URL, events: ["organization.created"] });
    const started = Date.now();
    await api.post("/organizations", { name: "O" });
    // The API answered before any attempt; the environment object's alarm makes the first one right after.
    const first = await until(
      async () =>
        (await sql<Delivery>("SELECT * FROM webhook_deliveries WHERE environment_id = ? AND attempts = 1", staging.id))[0],
    );
    expect(first.state).toBe("pending");
    const firstRetry = Date.parse(first.next_attempt_at) - started;
    expect(firstRetry).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]);
    expect(firstRetry).toBeLessThan(10_000);
    const [attempt] = await sql<{ attempt: number; status_code: number | null; error: string | null }>(
      "SELECT * FROM webhook_delivery_attempts WHERE delivery_id = ?",
      first.id,
    );
    expect(attempt).toMatchObject({ attempt: 1, status_code: null });
    expect(attempt.error).toBeTruthy();

    // Run the remaining attempts without waiting three days: make each one due, then run the alarm.
    const stub = storeObject(staging.id);
    const gaps: number[] = [];
    for (let n = 2; ; n++) {
      await sql(
        "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?",
        new Date(Date.now() - 1).toISOString(),
        first.id,
      );
      const before = Date.now();
      await runDurableObjectAlarm(stub);
      const [d] = await sql<Delivery>("SELECT * FROM webhook_deliveries WHERE id = ?", first.id);
      expect(d.attempts).toBe(n);
      if (d.state === "failed") break;
      gaps.push(Date.parse(d.next_attempt_at) - before);
    }
    const attempts = await sql<{ attempt: number }>(
      "SELECT attempt FROM webhook_delivery_attempts WHERE delivery_id = ? ORDER BY attempt",
      first.id,
    );
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Growing delays, about three days from the first attempt to the last.
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5 * 86_400_000);
    expect(total).toBeLessThan(3.5 * 86_400_000);
  });

  it("signs like the SDK expects: t=<ms>, v1=<hex HMAC-SHA256 of t.body>", async () => {
    expect(await signatureHeader("whsec_test", '{"a":1}', 1700000000000)).toBe(
      `t=1700000000000, v1=${await hmacHex("whsec_test", '1700000000000.{"a":1}')}`,
    );
  });
});

async function hmacHex(secret: string, data: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}
