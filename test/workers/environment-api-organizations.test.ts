import { describe, expect, it } from "vitest";
import { call, envApi, expectError, mintKey, sql, stagingApi } from "./helpers";
import type { Organization, OrganizationDomain } from "./types";

const eventsOf = (environmentId: string) =>
  sql<{ event: string; organization_id: string | null }>(
    "SELECT event, organization_id FROM events WHERE environment_id = ? ORDER BY id",
    environmentId,
  );

describe("organizations", () => {
  it("creates, gets, lists, updates and deletes, with WorkOS's shapes and events", async () => {
    const { api, staging } = await stagingApi();
    const created = await api.post("/organizations", {
      name: "Foo Corp",
      domain_data: [
        { domain: "Foo.com", state: "verified" },
        { domain: "foo.io", state: "pending" },
      ],
      external_id: "ext-1",
      metadata: { tier: "gold" },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("X-Request-ID")).toBeTruthy();
    const org = created.body;
    expect(org).toMatchObject({
      object: "organization",
      name: "Foo Corp",
      allow_profiles_outside_organization: false,
      external_id: "ext-1",
      metadata: { tier: "gold" },
    });
    expect(org.id).toMatch(/^org_[0-9A-Z]{26}$/);
    expect(org.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(
      org.domains.map((d: OrganizationDomain) => [d.object, d.domain, d.state, d.verification_strategy, d.organization_id]),
    ).toEqual([
      ["organization_domain", "foo.com", "verified", "manual", org.id],
      ["organization_domain", "foo.io", "pending", "dns", org.id],
    ]);
    expect(org.domains[0].id).toMatch(/^org_domain_/);

    expect((await api.get(`/organizations/${org.id}`)).body).toEqual(org);
    expect((await api.get(`/organizations/external_id/ext-1`)).body.id).toBe(org.id);

    const updated = await api.put(`/organizations/${org.id}`, {
      name: "Foo Inc",
      domain_data: [
        { domain: "foo.io", state: "verified" },
        { domain: "foo.dev", state: "pending" },
      ],
      metadata: { tier: null, region: "eu" },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe("Foo Inc");
    expect(updated.body.metadata).toEqual({ region: "eu" });
    expect(updated.body.domains.map((d: OrganizationDomain) => [d.domain, d.state])).toEqual([
      ["foo.io", "verified"],
      ["foo.dev", "pending"],
    ]);
    const crowded = await api.put(`/organizations/${org.id}`, {
      metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "v"])),
    });
    expectError(crowded, 422, "validation_failed");
    expect(crowded.body.errors).toEqual([expect.objectContaining({ field: "metadata", code: "too_many_keys" })]);
    // A kept domain keeps its id.
    expect(updated.body.domains[0].id).toBe(org.domains[1].id);

    expect((await api.del(`/organizations/${org.id}`)).status).toBe(204);
    expectError(await api.get(`/organizations/${org.id}`), 404, "organization_not_found");
    expectError(await api.del(`/organizations/${org.id}`), 404, "organization_not_found");

    expect((await eventsOf(staging.id)).map((e) => e.event)).toEqual([
      "organization.created",
      "organization_domain.created",
      "organization_domain.created",
      "organization.updated",
      "organization_domain.deleted",
      "organization_domain.updated",
      "organization_domain.created",
      "organization.deleted",
      "organization_domain.deleted",
      "organization_domain.deleted",
    ]);
    expect((await eventsOf(staging.id)).every((e) => e.organization_id === org.id)).toBe(true);
  });

  it("lists newest first with cursors, and filters by domain (comma-joined, repeated or [] forms)", async () => {
    const { api } = await stagingApi();
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await api.post("/organizations", { name: `Org ${i}`, domain_data: [{ domain: `org${i}.test`, state: "verified" }] }))
          .body.id,
      );
    const page1 = await api.get("/organizations?limit=2");
    expect(page1.body.object).toBe("list");
    expect(page1.body.data.map((o: Organization) => o.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.list_metadata.after).toBe(ids[1]);
    const page2 = await api.get(`/organizations?limit=2&after=${page1.body.list_metadata.after}`);
    expect(page2.body.data.map((o: Organization) => o.id)).toEqual([ids[0]]);
    expect(page2.body.list_metadata.after).toBeNull();
    expect((await api.get("/organizations?order=asc")).body.data.map((o: Organization) => o.id)).toEqual(ids);
    for (const q of [
      "domains=org0.test,ORG2.test",
      "domains=org0.test&domains=org2.test",
      "domains[]=org0.test&domains[]=org2.test",
    ])
      expect((await api.get(`/organizations?${q}`)).body.data.map((o: Organization) => o.id)).toEqual([ids[2], ids[0]]);
  });

  // 108 requests, one after another: 60 s (request-budget.ts).
  it("pages of 100 (D1 binds at most 100 parameters per statement)", { timeout: 60_000 }, async () => {
    const { api } = await stagingApi();
    for (let i = 0; i < 101; i++) await api.post("/organizations", { name: `Org ${i}` });
    const page = await api.get("/organizations?limit=100");
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(100);
    expect((await api.get(`/organizations?limit=100&after=${page.body.list_metadata.after}`)).body.data).toHaveLength(1);
  });

  it("422 for bad input, naming the field", async () => {
    const { api } = await stagingApi();
    const cases: [unknown, string, string][] = [
      [{}, "name", "required"],
      [{ name: "x".repeat(101) }, "name", "too_long"],
      [{ name: "A", domain_data: [{ domain: "not a domain", state: "verified" }] }, "domain_data.0.domain", "invalid_format"],
      [{ name: "A", domain_data: [{ domain: "a.com", state: "weird" }] }, "domain_data.0.state", "invalid_value"],
      [
        {
          name: "A",
          domain_data: [
            { domain: "a.com", state: "verified" },
            { domain: "A.com", state: "pending" },
          ],
        },
        "domain_data",
        "invalid",
      ],
      [{ name: "A", metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) }, "metadata", "invalid"],
      [{ name: "A", metadata: { k: "v".repeat(601) } }, "metadata.k", "too_long"],
      // An array is not an empty object (valibot's record alone would take it as one).
      [{ name: "A", metadata: [] }, "metadata", "invalid"],
      [{ name: "A", external_id: "x".repeat(65) }, "external_id", "too_long"],
      [{ name: "A", stripe_customer_id: "cus_1" }, "stripe_customer_id", "unknown_field"],
    ];
    for (const [body, field, code] of cases) {
      const r = await api.post("/organizations", body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    expectError(await api.post("/organizations", undefined, { "Content-Type": "application/json" }), 400, "invalid_json");
    expect((await api.get("/organizations")).body.data).toEqual([]);
  });

  it("409 for a domain or an external id another organization has, on create and on update; nothing half-written", async () => {
    const { api, staging } = await stagingApi();
    const a = (
      await api.post("/organizations", { name: "A", external_id: "a", domain_data: [{ domain: "a.com", state: "verified" }] })
    ).body;
    const b = (await api.post("/organizations", { name: "B" })).body;
    const taken = await api.post("/organizations", {
      name: "C",
      domain_data: [
        { domain: "c.com", state: "verified" },
        { domain: "a.com", state: "verified" },
      ],
    });
    expectError(taken, 409, "organization_domain_taken");
    expect(taken.body.errors).toEqual([expect.objectContaining({ field: "domain_data.1.domain", code: "taken" })]);
    expectError(
      await api.put(`/organizations/${b.id}`, { domain_data: [{ domain: "a.com", state: "pending" }] }),
      409,
      "organization_domain_taken",
    );
    expectError(await api.post("/organizations", { name: "C", external_id: "a" }), 409, "external_id_taken");
    expectError(await api.put(`/organizations/${b.id}`, { external_id: "a" }), 409, "external_id_taken");
    // The same organization may keep its own domain and external id.
    expect(
      (await api.put(`/organizations/${a.id}`, { external_id: "a", domain_data: [{ domain: "a.com", state: "pending" }] }))
        .status,
    ).toBe(200);
    expect((await sql("SELECT count(*) AS n FROM organizations WHERE environment_id = ?", staging.id))[0].n).toBe(2);
    expect((await sql("SELECT count(*) AS n FROM organization_domains WHERE domain = 'c.com'"))[0].n).toBe(0);
  });

  it("a domain is unique per environment: another environment may use it", async () => {
    const { s, team, production, api } = await stagingApi();
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "card_4242" });
    const prod = envApi(await mintKey(s, team.id, production.id));
    const body = { name: "A", domain_data: [{ domain: "shared.com", state: "verified" }] };
    expect((await api.post("/organizations", body)).status).toBe(201);
    expect((await prod.post("/organizations", body)).status).toBe(201);
  });

  it("400 for unknown or malformed query parameters", async () => {
    const { api } = await stagingApi();
    const unknown = await api.get("/organizations?colour=red");
    expectError(unknown, 400, "invalid_parameters");
    expect(unknown.body.errors[0]).toMatchObject({ field: "colour", code: "unknown_field" });
    expectError(await api.get("/organizations?limit=500"), 400, "invalid_parameters");
    expectError(await api.get("/organizations?order=sideways"), 400, "invalid_parameters");
    const many = Array.from({ length: 51 }, (_, i) => `d${i}.test`).join(",");
    expectError(await api.get(`/organizations?domains=${many}`), 400, "invalid_parameters");
  });

  it("isolation: another environment's or team's key sees nothing (404), no key is 401", async () => {
    const { s, team, project, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Mine" })).body;
    const sibling = await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
    const siblingApi = envApi(await mintKey(s, team.id, sibling.body.id));
    const otherTeam = (await stagingApi("Other")).api;
    for (const other of [siblingApi, otherTeam]) {
      expectError(await other.get(`/organizations/${org.id}`), 404, "organization_not_found");
      expectError(await other.put(`/organizations/${org.id}`, { name: "Hijacked" }), 404, "organization_not_found");
      expectError(await other.del(`/organizations/${org.id}`), 404, "organization_not_found");
      expect((await other.get("/organizations")).body.data).toEqual([]);
    }
    expect((await api.get(`/organizations/${org.id}`)).body.name).toBe("Mine");
    expectError(await call("GET", "/organizations"), 401, "unauthorized");
    expectError(await call("GET", "/organizations", { token: "sk_test_wrong" }), 401, "unauthorized");
    expectError(await api.get("/organizations/not-an-id"), 404, "organization_not_found");
  });
});
