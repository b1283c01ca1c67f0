import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";
import type { EmailDomain, TeamEvent } from "./types";

const transfer = (source: string, envId: string) => ({
  name: "Moved",
  transfer: { source_project_id: source, environment_ids: [envId], acknowledge: true },
});

describe("custom email domains (project-level)", () => {
  it("adds a domain pending with three CNAME records, lists, gets and deletes it", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const base = `/teams/${team.id}/projects/${project.id}/email_domains`;
    const r = await s.post(base, { domain: "Mail.Acme.test" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      object: "email_domain",
      project_id: project.id,
      domain: "mail.acme.test",
      state: "pending",
      verified_at: null,
    });
    expect(r.body.id).toMatch(/^email_domain_[0-9A-Z]{26}$/);
    expect(r.body.dns_records).toHaveLength(3);
    for (const rec of r.body.dns_records) {
      expect(rec.type).toBe("CNAME");
      expect(rec.name.endsWith(".mail.acme.test")).toBe(true);
    }
    expect((await s.get(base)).body.data.map((d: EmailDomain) => d.id)).toEqual([r.body.id]);
    expect((await s.get(`${base}/${r.body.id}`)).body).toEqual(r.body);
    expect((await s.del(`${base}/${r.body.id}`)).status).toBe(204);
    expectError(await s.get(`${base}/${r.body.id}`), 404, "email_domain_not_found");
    const events = await s.get(`/teams/${team.id}/events?limit=2`);
    expect(events.body.data.map((e: TeamEvent) => e.data.change)).toEqual(["deleted", "added"]);
  });

  it("409 email_domain_taken for a domain the project already has; 422 for a malformed one", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const base = `/teams/${team.id}/projects/${project.id}/email_domains`;
    await s.post(base, { domain: "acme.test" });
    const dup = await s.post(base, { domain: "ACME.test" });
    expectError(dup, 409, "email_domain_taken");
    expect(dup.body.errors[0]).toMatchObject({ field: "domain", code: "taken" });
    for (const domain of ["not a domain", "", `${"a".repeat(260)}.test`, "localhost"]) {
      const r = await s.post(base, { domain });
      expectError(r, 422, "validation_failed");
      expect(r.body.errors[0].field).toBe("domain");
    }
    expectError(await s.post(base, { domain: "x.test", extra: true }), 422, "validation_failed");
    expect(await sql("SELECT count(*) AS n FROM email_domains WHERE project_id = ?", project.id)).toEqual([{ n: 1 }]);
  });

  it("404 for another team's project, unknown domain ids; 401 without a token", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const other = await newTeam(await session({ id: "client_other", secret: "secret_other" }));
    expectError(
      await s.post(`/teams/${team.id}/projects/${other.project.id}/email_domains`, { domain: "x.test" }),
      404,
      "project_not_found",
    );
    expectError(await s.get(`/teams/${other.team.id}/projects/${other.project.id}/email_domains`), 404, "team_not_found");
    const mine = await newTeam(s);
    expectError(
      await s.del(`/teams/${mine.team.id}/projects/${mine.project.id}/email_domains/email_domain_01K4BN3VKH8AFZC5J334QZY3PM`),
      404,
      "email_domain_not_found",
    );
    expectError(
      await s.post(`/teams/${mine.team.id}/projects/${mine.project.id}/email_domains/nope/verify`),
      404,
      "email_domain_not_found",
    );
  });

  it("blocks transfers out of its project (409 naming custom_email_domains), and the preview lists it", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await s.post(`/teams/${team.id}/projects/${project.id}/email_domains`, { domain: "acme.test" });
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, environments[0].id));
    expectError(r, 409, "source_project_config_not_copyable");
    expect(r.body.kinds).toEqual(["custom_email_domains"]);
    const preview = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [environments[0].id],
    });
    expect(preview.body.blockers).toEqual([
      expect.objectContaining({ code: "source_project_config_not_copyable", kinds: ["custom_email_domains"] }),
    ]);
  });

  it("adding a domain races transfers out of the project: each transfer either went first or was refused", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = [];
    for (let i = 0; i < 4; i++)
      extra.push((await s.post(`/teams/${team.id}/environments`, { name: `E${i}`, project_id: project.id })).body);
    const envIds = [environments[0].id, ...extra.map((e) => e.id)];
    const answers = await Promise.all([
      ...envIds
        .slice(0, 2)
        .map((id) => s.post(`/teams/${team.id}/projects`, transfer(project.id, id)).then((a) => ({ kind: "transfer", a }))),
      s
        .post(`/teams/${team.id}/projects/${project.id}/email_domains`, { domain: "race.test" })
        .then((a) => ({ kind: "domain", a })),
      ...envIds
        .slice(2)
        .map((id) => s.post(`/teams/${team.id}/projects`, transfer(project.id, id)).then((a) => ({ kind: "transfer", a }))),
    ]);
    expect(answers.find((x) => x.kind === "domain")!.a.status).toBe(201);
    for (const { kind, a } of answers.filter((x) => x.kind === "transfer")) {
      expect([201, 409]).toContain(a.status);
      if (a.status === 409)
        expect({ kind, code: a.body.code, kinds: a.body.kinds }).toEqual({
          kind,
          code: "source_project_config_not_copyable",
          kinds: ["custom_email_domains"],
        });
    }
    // From the database: every transfer out of the source committed before the domain existed.
    const [domain] = await sql<{ created_at: string }>("SELECT created_at FROM email_domains WHERE project_id = ?", project.id);
    const moved = await sql<{ created_at: string }>("SELECT created_at FROM transfers WHERE source_project_id = ?", project.id);
    for (const t of moved) expect(t.created_at <= domain.created_at).toBe(true);
    expect(moved.length).toBe(answers.filter((x) => x.kind === "transfer" && x.a.status === 201).length);
  });
});
