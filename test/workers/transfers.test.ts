import { describe, expect, it } from "vitest";
import { addEnvironments, expectError, newTeam, session, sql } from "./helpers";
import type { ApiKey, Blocker, Environment, Implication } from "./types";

const transfer = (sourceProjectId: string, environmentIds: string[], extra: Record<string, unknown> = {}) => ({
  name: "Moved",
  transfer: { source_project_id: sourceProjectId, environment_ids: environmentIds, acknowledge: true, ...extra },
});

describe("create a project by transfer", () => {
  it("moves the environments with everything they own; ids and keys keep working", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const staging = environments[0];
    const key = await s.post(`/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "server" });
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [staging.id]));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ object: "project", name: "Moved", team_id: team.id });
    expect(r.body.environments).toEqual([{ ...staging, project_id: r.body.id, updated_at: expect.any(String) }]);
    // The environment row moved, nothing it owns was copied or lost.
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", staging.id)).toEqual([{ project_id: r.body.id }]);
    expect(await sql("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", staging.id)).toEqual([{ n: 1 }]);
    expect(await sql("SELECT count(*) AS n FROM applications WHERE environment_id = ?", staging.id)).toEqual([{ n: 1 }]);
    // The source keeps the rest.
    const left = await s.get(`/teams/${team.id}/environments?project_id=${project.id}`);
    expect(left.body.data.map((e: Environment) => e.id)).toEqual([environments[1].id]);
    // The same key still authenticates, on the same environment.
    const keyCheck = await s.get(`/teams/${team.id}/environments/${staging.id}/api_keys`);
    expect(keyCheck.body.data.map((k: ApiKey) => k.id)).toEqual([key.body.id]);
    // The transfer is on record, and in the team's activity.
    const records = await s.get(`/teams/${team.id}/transfers`);
    expect(records.body.data).toEqual([
      expect.objectContaining({
        object: "transfer",
        source_project_id: project.id,
        destination_project_id: r.body.id,
        environment_ids: [staging.id],
        actor: { type: "client", id: "client_test" },
      }),
    ]);
    const events = await s.get(`/teams/${team.id}/events?limit=2`);
    // One event for the whole move: the new project, what moved into it, from where, and what was copied.
    expect(events.body.data[0]).toMatchObject({
      type: "project.created",
      data: {
        project_id: r.body.id,
        environment_ids: [staging.id],
        from_project_id: project.id,
        destination_kind: "new",
        configuration: null,
      },
    });
  });

  it("moves several environments at once", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const extra = await addEnvironments(s, team.id, project.id, 2);
    const ids = [environments[0].id, extra[0].id];
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, ids));
    expect(r.status).toBe(201);
    expect(r.body.environments.map((e: Environment) => e.id).sort()).toEqual([...ids].sort());
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 2 }]);
  });

  it("422 transfer_requires_acknowledgement without acknowledge: true", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    for (const ack of [undefined, false]) {
      const body = transfer(project.id, [environments[0].id], { acknowledge: ack });
      expectError(await s.post(`/teams/${team.id}/projects`, body), 422, "transfer_requires_acknowledgement");
    }
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });

  it("422 transfer_requires_environments for an empty list", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    expectError(await s.post(`/teams/${team.id}/projects`, transfer(project.id, [])), 422, "transfer_requires_environments");
  });

  it("409 source_project_must_keep_environment when moving all of them", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const r = await s.post(
      `/teams/${team.id}/projects`,
      transfer(
        project.id,
        environments.map((e) => e.id),
      ),
    );
    expectError(r, 409, "source_project_must_keep_environment");
    expect(await sql("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toEqual([{ n: 2 }]);
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });

  it("422 environments_from_multiple_projects", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [environments[0].id, b.body.environments[0].id]));
    expectError(r, 422, "environments_from_multiple_projects");
    expect(r.body.environment_ids).toEqual([b.body.environments[0].id]);
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([
      { project_id: project.id },
    ]);
  });

  it("404 environment_not_found for unknown ids and other teams' environments", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const other = await newTeam(await session(), "Other team, same client");
    const foreign = await newTeam(await session({ id: "client_other", secret: "secret_other" }), "Other client");
    for (const id of ["environment_01K4BN3VKH8AFZC5J334QZY3PM", other.environments[0].id, foreign.environments[0].id]) {
      const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [environments[0].id, id]));
      expectError(r, 404, "environment_not_found");
      expect(r.body.message).toContain(id);
    }
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 0 }]);
  });

  it("404 project_not_found for a source of another team", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const other = await newTeam(s, "Other");
    const r = await s.post(`/teams/${team.id}/projects`, transfer(other.project.id, [other.environments[0].id]));
    expectError(r, 404, "project_not_found");
  });

  it("409 source_project_config_not_copyable, naming the kinds present", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    // Written directly: the configuration's own endpoints are tested elsewhere; the rule is tested here.
    await sql(
      "INSERT INTO feature_flags (id, project_id, slug, name, tags, default_value, created_at, updated_at) VALUES ('flag_1', ?, 'beta', 'Beta', '[]', 0, '', '')",
      project.id,
    );
    await sql(
      "INSERT INTO email_domains (id, project_id, domain, state, dns_records, created_at, updated_at) VALUES ('email_domain_1', ?, 'mail.acme.test', 'pending', '[]', '', '')",
      project.id,
    );
    const r = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [environments[0].id]));
    expectError(r, 409, "source_project_config_not_copyable");
    expect(r.body.kinds).toEqual(["feature_flags", "custom_email_domains"]);
    await sql(
      "INSERT INTO audit_log_schemas (id, project_id, action, version, schema, created_at) VALUES ('als_1', ?, 'user.signed_in', 1, '{}', '')",
      project.id,
    );
    const again = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [environments[0].id]));
    expect(again.body.kinds).toEqual(["feature_flags", "audit_log_schema", "custom_email_domains"]);
  });

  it("422 move_requires_transfer (naming POST …/transfers) for PATCH project_id and transfer.destination_project_id", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    expectError(
      await s.patch(`/teams/${team.id}/environments/${environments[0].id}`, { project_id: b.body.id }),
      422,
      "move_requires_transfer",
    );
    expectError(
      await s.post(
        `/teams/${team.id}/projects`,
        transfer(project.id, [environments[0].id], { destination_project_id: b.body.id }),
      ),
      422,
      "move_requires_transfer",
    );
    const named = await s.post(
      `/teams/${team.id}/projects`,
      transfer(project.id, [environments[0].id], { destination_project_id: b.body.id }),
    );
    expect(named.body.message).toContain("POST /platform/teams/:team_id/transfers");
    expect(named.body.endpoint).toBe("POST /platform/teams/:team_id/transfers");
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([
      { project_id: project.id },
    ]);
    // Naming its own project is not a move.
    const same = await s.patch(`/teams/${team.id}/environments/${environments[0].id}`, { project_id: project.id, name: "Stage" });
    expect(same.status).toBe(200);
  });

  it("replays the same Idempotency-Key without a second transfer; another body with it is 422", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const body = transfer(project.id, [environments[0].id]);
    const first = await s.post(`/teams/${team.id}/projects`, body, { "Idempotency-Key": "t-1" });
    const second = await s.post(`/teams/${team.id}/projects`, body, { "Idempotency-Key": "t-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
    const other = await s.post(`/teams/${team.id}/projects`, { ...body, name: "Else" }, { "Idempotency-Key": "t-1" });
    expectError(other, 422, "idempotency_key_reused");
  });
});

describe("transfer preview (the review step)", () => {
  it("groups the environments into staging and production, lists what remains and what to acknowledge", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [dev] = await addEnvironments(s, team.id, project.id, 1);
    const r = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [environments[0].id, environments[1].id],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      object: "transfer_preview",
      source_project: { id: project.id, name: "Default" },
      environments: { staging: [{ id: environments[0].id }], production: [{ id: environments[1].id }] },
      remaining_environments: [{ id: dev.id }],
      blockers: [],
      transferable: true,
    });
    expect(r.body.implications.map((i: Implication) => i.code)).toEqual([
      "moves_environments",
      "move_back_self_serve",
      "credentials_unchanged",
    ]);
    expect(r.body.preview_token).toMatch(/^tpv_[0-9a-f]{40}$/);
    // Previewing changes nothing.
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });

  it("lists every blocker at once", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await s.post(`/teams/${team.id}/projects`, { name: "B" });
    await sql(
      "INSERT INTO feature_flags (id, project_id, slug, name, tags, default_value, created_at, updated_at) VALUES ('flag_2', ?, 'beta', 'Beta', '[]', 0, '', '')",
      project.id,
    );
    const r = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [...environments.map((e) => e.id), b.body.environments[0].id, "environment_01K4BN3VKH8AFZC5J334QZY3PM"],
    });
    expect(r.status).toBe(200);
    expect(r.body.transferable).toBe(false);
    expect(r.body.blockers.map((b: Blocker) => b.code)).toEqual([
      "environment_not_found",
      "environments_from_multiple_projects",
      "source_project_must_keep_environment",
      "source_project_config_not_copyable",
    ]);
    expect(r.body.blockers[3].kinds).toEqual(["feature_flags"]);
  });

  it("lists transfer_requires_environments for an empty selection", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const r = await s.post(`/teams/${team.id}/projects/transfer_preview`, { source_project_id: project.id, environment_ids: [] });
    expect(r.body.blockers.map((b: Blocker) => b.code)).toEqual(["transfer_requires_environments"]);
  });

  it("binds the review: the token works while the source is unchanged, and goes stale (409) when it changes", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [dev] = await addEnvironments(s, team.id, project.id, 1);
    const preview = async () =>
      (
        await s.post(`/teams/${team.id}/projects/transfer_preview`, {
          source_project_id: project.id,
          environment_ids: [environments[0].id],
        })
      ).body.preview_token;
    const token = await preview();
    expect(await preview()).toBe(token);
    await s.patch(`/teams/${team.id}/environments/${dev.id}`, { name: "Development" });
    const stale = await s.post(
      `/teams/${team.id}/projects`,
      transfer(project.id, [environments[0].id], { preview_token: token }),
    );
    expectError(stale, 409, "transfer_preview_stale");
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", environments[0].id)).toEqual([
      { project_id: project.id },
    ]);
    const fresh = await preview();
    expect(fresh).not.toBe(token);
    const ok = await s.post(`/teams/${team.id}/projects`, transfer(project.id, [environments[0].id], { preview_token: fresh }));
    expect(ok.status).toBe(201);
  });

  it("404 for a source project of another client", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const foreign = await newTeam(await session({ id: "client_other", secret: "secret_other" }));
    const r = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: foreign.project.id,
      environment_ids: [foreign.environments[0].id],
    });
    expectError(r, 404, "project_not_found");
  });
});
