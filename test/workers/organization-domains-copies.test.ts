import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createConnection, d1, type EnvApi, sql, stagingApi } from "./helpers";
import type { Connection, OrganizationDomain } from "./types";

/**
 * `organizations.domains` and `connections.domains` are copies of organization_domains (issue 9: a page reads one row
 * per item). They must equal the rows after every change, concurrent ones included: each is compared here with the
 * rows themselves, straight from the database, and with what the API answers.
 */

/** The organization's domain rows, as its copies hold them (id order, TypeScript field names). */
async function rowsOf(organizationId: string) {
  const rows = await sql<{
    id: string;
    environment_id: string;
    organization_id: string;
    domain: string;
    state: string;
    verification_strategy: string;
    created_at: string;
    updated_at: string;
  }>("SELECT * FROM organization_domains WHERE organization_id = ? ORDER BY id", organizationId);
  return rows.map((r) => ({
    id: r.id,
    environmentId: r.environment_id,
    organizationId: r.organization_id,
    domain: r.domain,
    state: r.state,
    verificationStrategy: r.verification_strategy,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Both copies equal the rows, and the API shows them. */
async function expectExact(api: EnvApi, organizationId: string) {
  const rows = await rowsOf(organizationId);
  const [org] = await sql<{ domains: string }>("SELECT domains FROM organizations WHERE id = ?", organizationId);
  expect(JSON.parse(org.domains)).toEqual(rows);
  const conns = await sql<{ id: string; domains: string }>(
    "SELECT id, domains FROM connections WHERE organization_id = ?",
    organizationId,
  );
  for (const c of conns) expect(JSON.parse(c.domains), c.id).toEqual(rows);
  const shown = (await api.get(`/organizations/${organizationId}`)).body.domains;
  expect(shown.map((d: OrganizationDomain) => [d.id, d.domain, d.state, d.verification_strategy, d.updated_at])).toEqual(
    rows.map((r) => [r.id, r.domain, r.state, r.verificationStrategy, r.updatedAt]),
  );
  for (const c of conns)
    expect((await api.get(`/connections/${c.id}`)).body.domains).toEqual(
      rows.map((r) => ({ object: "connection_domain", id: r.id, domain: r.domain })),
    );
  return rows;
}

describe("the domains copies of organizations and connections", () => {
  it("equal the rows after create, add, verify, remove and a change of nothing", async () => {
    const { s, team, staging, api } = await stagingApi();
    const created = await api.post("/organizations", {
      name: "Copies",
      domain_data: [
        { domain: "a.test", state: "pending" },
        { domain: "b.test", state: "verified" },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await expectExact(api, id)).map((d) => d.domain)).toEqual(["a.test", "b.test"]);
    const conn = await createConnection(s, team.id, staging.id, id);
    expect(conn.domains.map((d: Connection["domains"][number]) => d.domain)).toEqual(["a.test", "b.test"]);
    await expectExact(api, id);

    const put = (domain_data: { domain: string; state: string }[]) => api.put(`/organizations/${id}`, { domain_data });
    // a.test verified (its row changes), c.test added.
    expect(
      (
        await put([
          { domain: "a.test", state: "verified" },
          { domain: "b.test", state: "verified" },
          { domain: "c.test", state: "pending" },
        ])
      ).status,
    ).toBe(200);
    const verified = await expectExact(api, id);
    expect(verified.map((d) => [d.domain, d.state, d.verificationStrategy])).toEqual([
      ["a.test", "verified", "manual"],
      ["b.test", "verified", "manual"],
      ["c.test", "pending", "dns"],
    ]);
    // b.test removed.
    expect(
      (
        await put([
          { domain: "a.test", state: "verified" },
          { domain: "c.test", state: "pending" },
        ])
      ).status,
    ).toBe(200);
    expect((await expectExact(api, id)).map((d) => d.domain)).toEqual(["a.test", "c.test"]);
    // Another field only: the copies stay as they are; then every domain removed.
    expect((await api.put(`/organizations/${id}`, { name: "Renamed" })).status).toBe(200);
    await expectExact(api, id);
    expect((await put([])).status).toBe(200);
    expect(await expectExact(api, id)).toEqual([]);
    // The connection itself did not change.
    expect((await api.get(`/connections/${conn.id}`)).body.updated_at).toBe(conn.updated_at);
    // Deleted with the organization (cascade): nothing is left of either.
    expect((await api.del(`/organizations/${id}`)).status).toBe(204);
    expect(await sql("SELECT id FROM connections WHERE organization_id = ?", id)).toEqual([]);
  });

  it("equal the rows after 10 simultaneous updates of one organization's domains, with connections created meanwhile", async () => {
    const { s, team, staging, api } = await stagingApi();
    const id = (
      await api.post("/organizations", {
        name: "Raced",
        domain_data: [
          { domain: "kept.test", state: "pending" },
          { domain: "gone.test", state: "verified" },
        ],
      })
    ).body.id;
    await createConnection(s, team.id, staging.id, id, "Before");
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        api.put(`/organizations/${id}`, {
          domain_data: [
            { domain: "kept.test", state: i % 2 ? "verified" : "pending" },
            { domain: `d${i}.test`, state: "pending" },
          ],
        }),
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        s.post(`/teams/${team.id}/environments/${staging.id}/connections`, {
          organization_id: id,
          connection_type: "GenericSAML",
          name: `During ${i}`,
        }),
      ),
    ]);
    for (const a of answers) expect([200, 201]).toContain(a.status);
    const rows = await expectExact(api, id);
    // Each update read the domains before any wrote (so they add up); what matters is that the copies say so.
    expect(rows.map((d) => d.domain)).toContain("kept.test");
    expect(await sql("SELECT id FROM connections WHERE organization_id = ?", id)).toHaveLength(4);
  });

  it("migration 0007's backfill computes the same copies as the writes", async () => {
    const { s, team, staging, api } = await stagingApi();
    // A D1 migration backfills D1's rows: an environment not moved to its own object (whose schema starts with the copies).
    await d1("UPDATE environments SET data_location = 'd1' WHERE id = ?", staging.id);
    const ids: string[] = [];
    for (const [i, domains] of [["x.test", "y.test"], [], ["z.test"]].entries()) {
      const org = await api.post("/organizations", {
        name: `Backfilled ${i}`,
        domain_data: domains.map((domain) => ({ domain, state: "verified" })),
      });
      ids.push(org.body.id);
      await createConnection(s, team.id, staging.id, org.body.id);
    }
    const copies = async () =>
      d1<{ id: string; domains: string }>(
        "SELECT id, domains FROM organizations WHERE environment_id = ?1 UNION ALL SELECT id, domains FROM connections WHERE environment_id = ?1 ORDER BY id",
        staging.id,
      );
    const written = await copies();
    expect(written).toHaveLength(6);
    // As they were before the migration: no copies. Then its statements after the two ALTERs, as D1 runs them.
    await d1("UPDATE organizations SET domains = '[]' WHERE environment_id = ?", staging.id);
    await d1("UPDATE connections SET domains = '[]' WHERE environment_id = ?", staging.id);
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0007_"));
    expect(migration?.queries.slice(0, 2).every((q) => q.includes("ALTER TABLE"))).toBe(true);
    for (const q of migration?.queries.slice(2) ?? []) await env.DB.prepare(q).run();
    expect(await copies()).toEqual(written);
    for (const id of ids) await expectExact(api, id);
  });
});
