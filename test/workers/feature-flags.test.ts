import { describe, expect, it } from "vitest";
import { call, expectError, newTeam, session, sql } from "./helpers";
import type { ProjectFeatureFlag } from "./types";

const transfer = (source: string, envId: string) => ({
  name: "Moved",
  transfer: { source_project_id: source, environment_ids: [envId], acknowledge: true },
});

describe("feature flags: Platform API (project-level definitions)", () => {
  it("creates, lists, gets, updates and deletes a flag; each change is a team event", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const base = `/teams/${team.id}/projects/${project.id}/feature_flags`;
    const r = await s.post(base, {
      slug: "new-checkout",
      name: "New checkout",
      description: "Beta",
      tags: ["beta", "beta", "ui"],
      default_value: false,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      object: "feature_flag",
      project_id: project.id,
      slug: "new-checkout",
      name: "New checkout",
      description: "Beta",
      tags: ["beta", "ui"],
      default_value: false,
    });
    expect(r.body.id).toMatch(/^flag_[0-9A-Z]{26}$/);
    const minimal = await s.post(base, { slug: "dark_mode_2", name: "Dark" });
    expect(minimal.body).toMatchObject({ description: null, tags: [], default_value: false });

    const list = await s.get(`${base}?order=asc`);
    expect(list.body.data.map((f: ProjectFeatureFlag) => f.slug)).toEqual(["new-checkout", "dark_mode_2"]);
    expect((await s.get(`${base}/new-checkout`)).body).toEqual(r.body);

    const patched = await s.patch(`${base}/new-checkout`, {
      name: "Checkout v2",
      description: null,
      tags: [],
      default_value: true,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: r.body.id,
      slug: "new-checkout",
      name: "Checkout v2",
      description: null,
      tags: [],
      default_value: true,
    });

    expect((await s.del(`${base}/new-checkout`)).status).toBe(204);
    expectError(await s.get(`${base}/new-checkout`), 404, "feature_flag_not_found");
    expectError(await s.del(`${base}/new-checkout`), 404, "feature_flag_not_found");
    expectError(await s.patch(`${base}/new-checkout`, { name: "x" }), 404, "feature_flag_not_found");

    const events = await sql<{ data: string }>(
      "SELECT data FROM team_events WHERE team_id = ? AND type = 'project_config.updated' ORDER BY id",
      team.id,
    );
    expect(events.map((e) => JSON.parse(e.data).change)).toEqual([
      "feature_flag_created",
      "feature_flag_created",
      "feature_flag_updated",
      "feature_flag_deleted",
    ]);
  });

  it("409 feature_flag_slug_taken for a slug the project already has (another project may reuse it)", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const base = `/teams/${team.id}/projects/${project.id}/feature_flags`;
    expect((await s.post(base, { slug: "beta", name: "Beta" })).status).toBe(201);
    const dup = await s.post(base, { slug: "beta", name: "Again" });
    expectError(dup, 409, "feature_flag_slug_taken");
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: "slug", code: "taken" })]);
    const other = await s.post(`/teams/${team.id}/projects`, { name: "Other" });
    expect(
      (await s.post(`/teams/${team.id}/projects/${other.body.id}/feature_flags`, { slug: "beta", name: "Beta" })).status,
    ).toBe(201);
    // Simultaneous creations of one slug: exactly one wins.
    const race = await Promise.all([1, 2, 3, 4].map(() => s.post(base, { slug: "raced", name: "R" })));
    expect(race.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
  });

  it("bad input is a 422 naming the field, never a 5xx", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const base = `/teams/${team.id}/projects/${project.id}/feature_flags`;
    const cases: [unknown, string, string][] = [
      [{ name: "x" }, "slug", "required"],
      [{ slug: "Has Caps", name: "x" }, "slug", "invalid_format"],
      [{ slug: "-lead", name: "x" }, "slug", "invalid_format"],
      [{ slug: "a".repeat(101), name: "x" }, "slug", "too_long"],
      [{ slug: "ok" }, "name", "required"],
      [{ slug: "ok", name: "n".repeat(101) }, "name", "too_long"],
      [{ slug: "ok", name: "x", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags", "too_long"],
      [{ slug: "ok", name: "x", tags: [1] }, "tags.0", "invalid_type"],
      [{ slug: "ok", name: "x", default_value: "yes" }, "default_value", "invalid_type"],
      [{ slug: "ok", name: "x", enabled: true }, "enabled", "unknown_field"],
    ];
    for (const [body, field, code] of cases) {
      const r = await s.post(base, body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    await s.post(base, { slug: "ok", name: "x" });
    const slugChange = await s.patch(`${base}/ok`, { slug: "other" });
    expectError(slugChange, 422, "validation_failed");
    expect(slugChange.body.errors).toContainEqual(expect.objectContaining({ field: "slug", code: "unknown_field" }));
    expectError(await call("POST", `/platform${base}`, { token: s.token, rawBody: "{" }), 400, "invalid_json");
    expectError(await s.get(`${base}?limit=0`), 400, "invalid_parameters");
    expectError(await s.get(`${base}/NOT%20A%20SLUG`), 404, "feature_flag_not_found");
  });

  it("security: no token 401; another team's project 404; unknown project 404", async () => {
    const s = await session();
    const mine = await newTeam(s, "Mine");
    const other = await newTeam(s, "Other");
    expectError(
      await call("GET", `/platform/teams/${mine.team.id}/projects/${mine.project.id}/feature_flags`),
      401,
      "unauthorized",
    );
    expectError(
      await s.post(`/teams/${mine.team.id}/projects/${other.project.id}/feature_flags`, { slug: "x", name: "x" }),
      404,
      "project_not_found",
    );
    expectError(await s.get(`/teams/${mine.team.id}/projects/${other.project.id}/feature_flags`), 404, "project_not_found");
    expectError(await s.get(`/teams/${mine.team.id}/projects/nope/feature_flags/x`), 404, "project_not_found");
    expectError(
      await s.del(`/teams/${mine.team.id}/projects/project_01K4BN3VKH8AFZC5J334QZY3PM/feature_flags/x`),
      404,
      "project_not_found",
    );
    await s.post(`/teams/${other.team.id}/projects/${other.project.id}/feature_flags`, { slug: "theirs", name: "x" });
    expectError(
      await s.get(`/teams/${mine.team.id}/projects/${mine.project.id}/feature_flags/theirs`),
      404,
      "feature_flag_not_found",
    );
    expect(await sql("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", mine.project.id)).toEqual([{ n: 0 }]);
  });

  it("blocks transfers out of its project (409 naming feature_flags), and the preview lists it; deleting the flag unblocks", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug: "beta", name: "Beta" });
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, environments[0].id));
    expectError(r, 409, "source_project_config_not_copyable");
    expect(r.body.kinds).toEqual(["feature_flags"]);
    const preview = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [environments[0].id],
    });
    expect(preview.body.blockers).toEqual([
      expect.objectContaining({ code: "source_project_config_not_copyable", kinds: ["feature_flags"] }),
    ]);
    await s.del(`/teams/${team.id}/projects/${project.id}/feature_flags/beta`);
    expect((await s.post(`/teams/${team.id}/projects`, transfer(project.id, environments[0].id))).status).toBe(201);
  });

  it("adding flags races transfers out of the project: each transfer either went first or was refused", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = [];
    for (let i = 0; i < 6; i++)
      extra.push((await s.post(`/teams/${team.id}/environments`, { name: `E${i}`, project_id: project.id })).body);
    const envIds = [environments[0].id, ...extra.map((e) => e.id)];
    const flag = (i: number) =>
      s
        .post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug: `race-${i}`, name: "Race" })
        .then((a) => ({ kind: "flag", a }));
    const move = (id: string) =>
      s.post(`/teams/${team.id}/projects`, transfer(project.id, id)).then((a) => ({ kind: "transfer", a }));
    // 10 requests interleaved: 3 flags and 7 transfers (the source keeps Production, so none is refused for emptiness).
    const answers = await Promise.all([
      move(envIds[0]),
      move(envIds[1]),
      flag(1),
      move(envIds[2]),
      move(envIds[3]),
      flag(2),
      move(envIds[4]),
      move(envIds[5]),
      flag(3),
      move(envIds[6]),
    ]);
    for (const { kind, a } of answers) {
      if (kind === "flag") expect(a.status).toBe(201);
      else {
        expect([201, 409]).toContain(a.status);
        if (a.status === 409)
          expect({ code: a.body.code, kinds: a.body.kinds }).toEqual({
            code: "source_project_config_not_copyable",
            kinds: ["feature_flags"],
          });
      }
    }
    // From the database: every transfer out of the source committed before the first flag existed.
    const [first] = await sql<{ created_at: string }>(
      "SELECT min(created_at) AS created_at FROM feature_flags WHERE project_id = ?",
      project.id,
    );
    const moved = await sql<{ created_at: string }>("SELECT created_at FROM transfers WHERE source_project_id = ?", project.id);
    for (const t of moved) expect(t.created_at <= first.created_at).toBe(true);
    expect(moved.length).toBe(answers.filter((x) => x.kind === "transfer" && x.a.status === 201).length);
    expect(await sql("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", project.id)).toEqual([{ n: 3 }]);
  });
});
