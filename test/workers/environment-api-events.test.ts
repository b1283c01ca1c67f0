import { encodeTime } from "ulid";
import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import type { Event } from "./types";

describe("GET /events", () => {
  it("lists the environment's events newest first, with WorkOS's shape and the SDK's filters", async () => {
    const { api } = await stagingApi();
    const a = (await api.post("/organizations", { name: "A" })).body;
    const b = (await api.post("/organizations", { name: "B" })).body;
    const user = (await api.post("/user_management/users", { email: "u@x.test" })).body;
    await api.put(`/organizations/${a.id}`, { name: "A2" });

    const all = await api.get("/events");
    expect(all.status).toBe(200);
    expect(all.body.object).toBe("list");
    expect(all.body.data.map((e: Event) => e.event)).toEqual([
      "organization.updated",
      "user.created",
      "organization.created",
      "organization.created",
    ]);
    const [latest] = all.body.data;
    expect(latest).toMatchObject({
      object: "event",
      event: "organization.updated",
      data: { object: "organization", id: a.id, name: "A2" },
      context: {},
    });
    expect(latest.id).toMatch(/^event_[0-9A-Z]{26}$/);
    expect(all.body.data[1].data).toEqual(user);

    const names = (q: string) =>
      api.get(`/events?${q}`).then((r) => r.body.data.map((e: Event) => `${e.event}:${"id" in e.data ? e.data.id : ""}`));
    expect(await names("events=organization.created")).toEqual([`organization.created:${b.id}`, `organization.created:${a.id}`]);
    expect(await names("events=user.created,organization.updated")).toEqual([
      `organization.updated:${a.id}`,
      `user.created:${user.id}`,
    ]);
    expect(await names("events=user.created&events=organization.updated")).toHaveLength(2);
    expect(await names("events[]=user.created")).toEqual([`user.created:${user.id}`]);
    expect(await names(`organization_id=${a.id}`)).toEqual([`organization.updated:${a.id}`, `organization.created:${a.id}`]);
    expect(await names("order=asc&limit=1")).toEqual([`organization.created:${a.id}`]);

    const page1 = await api.get("/events?limit=3");
    expect(page1.body.list_metadata.after).toBe(page1.body.data[2].id);
    const page2 = await api.get(`/events?limit=3&after=${page1.body.list_metadata.after}`);
    expect(page2.body.data.map((e: Event) => e.id)).toEqual([all.body.data[3].id]);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await names(`range_start=${future}`)).toEqual([]);
    expect(await names(`range_end=${new Date(Date.now() - 60_000).toISOString()}`)).toEqual([]);
    expect(await names(`range_start=${new Date(Date.now() - 60_000).toISOString()}&range_end=${future}`)).toHaveLength(4);
  });

  it("keeps 30 days: older events are not listed, even with an older range_start", async () => {
    const { api, staging } = await stagingApi();
    const old = Date.now() - 31 * 86_400_000;
    await sql(
      "INSERT INTO events (id, environment_id, event, data, organization_id, created_at) VALUES (?, ?, 'user.created', '{}', NULL, ?)",
      `event_${encodeTime(old, 10)}0000000000000000`,
      staging.id,
      new Date(old).toISOString(),
    );
    await api.post("/user_management/users", { email: "u@x.test" });
    expect((await api.get("/events")).body.data).toHaveLength(1);
    expect((await api.get(`/events?range_start=${new Date(old - 1000).toISOString()}`)).body.data).toHaveLength(1);
  });

  it("400 for unknown event names, bad timestamps, a reversed range and unknown parameters", async () => {
    const { api } = await stagingApi();
    for (const [q, field] of [
      ["events=user.exploded", "events"],
      ["range_start=yesterday", "range_start"],
      [`range_start=${new Date().toISOString()}&range_end=${new Date(Date.now() - 1000).toISOString()}`, "range_end"],
      ["organization_id=nope", "organization_id"],
      ["limit=0", "limit"],
      ["color=blue", "color"],
    ]) {
      const r = await api.get(`/events?${q}`);
      expectError(r, 400, "invalid_parameters");
      expect(r.body.errors[0].field).toBe(field);
    }
  });

  it("isolation: another environment's key sees none of them", async () => {
    const { s, team, project, api } = await stagingApi();
    await api.post("/organizations", { name: "A" });
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const other = envApi(await mintKey(s, team.id, sibling.body.id));
    expect((await other.get("/events")).body.data).toEqual([]);
    expect((await (await stagingApi("Other")).api.get("/events")).body.data).toEqual([]);
  });
});

describe("events are written with their change, or not at all", () => {
  it("a failed guard writes neither the change nor its event (404)", async () => {
    const { drizzle } = await import("drizzle-orm/d1");
    const { sql: q } = await import("drizzle-orm");
    const schema = await import("../../src/db/schema");
    const { writeWithEvents } = await import("../../src/services/environment-events");
    const { env } = await import("cloudflare:workers");
    const { notFound } = await import("../../src/lib/errors");
    const { staging } = await stagingApi();
    const db = drizzle(env.DB, { schema });
    const [environment] = await db.select().from(schema.environments).where(q`id = ${staging.id}`);
    const scope = { db, environment, onDeliveriesQueued: () => {} };
    const now = new Date().toISOString();
    const org = {
      id: "org_01K4BN3VKH8AFZC5J334QZY3PM",
      environmentId: staging.id,
      name: "Ghost",
      createdAt: now,
      updatedAt: now,
    };
    await expect(
      writeWithEvents(scope, [db.insert(schema.organizations).values(org)], [{ event: "organization.created", data: {} }], {
        guard: { exists: q`0`, missing: () => notFound("organization", org.id) },
      }),
    ).rejects.toMatchObject({ status: 404, code: "organization_not_found" });
    expect(await sql("SELECT id FROM organizations WHERE id = ?", org.id)).toEqual([]);
    expect(await sql("SELECT id FROM events WHERE environment_id = ?", staging.id)).toEqual([]);
  });

  it("a delete with many events queues all their deliveries (D1's 100-parameter limit is respected)", async () => {
    const { s, team, staging, api } = await stagingApi();
    const domains = Array.from({ length: 50 }, (_, i) => ({ domain: `d${i}.test`, state: "pending" }));
    const org = (await api.post("/organizations", { name: "Big", domain_data: domains })).body;
    for (let i = 0; i < 45; i++)
      await s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
        organization_id: org.id,
        connection_type: "GenericSAML",
        name: `C${i}`,
      });
    // (One subscription keeps the failing attempts few; the queueing statements bind every event id all the same.)
    await api.post("/webhook_endpoints", { endpoint_url: "http://127.0.0.1:9/h", events: ["organization.deleted"] });
    expect((await api.del(`/organizations/${org.id}`)).status).toBe(204);
    const deleted = "('organization.deleted', 'organization_domain.deleted', 'connection.deleted')";
    expect(await sql(`SELECT count(*) AS n FROM events WHERE environment_id = ? AND event IN ${deleted}`, staging.id)).toEqual([
      { n: 96 },
    ]);
    expect(await sql("SELECT count(*) AS n FROM webhook_deliveries WHERE environment_id = ?", staging.id)).toEqual([{ n: 1 }]);
  });
});
