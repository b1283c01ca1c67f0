import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { TransferPreviewObject } from "../../src/schemas/projects";
import { TransferObject } from "../../src/schemas/transfers";
import {
  addEnvironments,
  call,
  d1,
  envApi,
  expectError,
  mintKey,
  newTeam,
  OTHER_CLIENT,
  type Session,
  session,
  sql,
  storeSql,
} from "./helpers";
import type {
  AuditLogAction,
  AuditLogSchema,
  Blocker,
  Environment,
  FeatureFlag,
  FieldError,
  Implication,
  List,
  ProjectFeatureFlag,
  ProjectWithEnvironments,
  TeamEvent,
} from "./types";

/**
 * Issue 10: transfers into an existing project, with project-level configuration copied.
 * npx vitest run --project workers test/workers/transfers-existing.test.ts
 */

/** A team with projects A (Staging, Production, Extra) and B (Staging): returns their ids. */
async function twoProjects(s: Session) {
  const { team, project: a, environments } = await newTeam(s);
  const [extra] = await addEnvironments(s, team.id, a.id, 1);
  const b = await s.post<ProjectWithEnvironments>(`/teams/${team.id}/projects`, { name: "B", production: false });
  expect(b.status).toBe(201);
  return { team, a, b: b.body, aEnvs: [...environments, extra], bEnvs: b.body.environments };
}

const move = (source: string, destination: string, ids: string[], extra: Record<string, unknown> = {}) => ({
  source_project_id: source,
  destination_project_id: destination,
  environment_ids: ids,
  acknowledge: true,
  ...extra,
});

const flagsBase = (teamId: string, projectId: string) => `/teams/${teamId}/projects/${projectId}/feature_flags`;

describe("POST /platform/teams/:team_id/transfers (into an existing project)", { timeout: 30_000 }, () => {
  it("201: moves the environments into the destination, records the destination kind, and moving back is the same call", async () => {
    const s = await session();
    const { team, a, b, aEnvs, bEnvs } = await twoProjects(s);
    const key = await mintKey(s, team.id, aEnvs[2].id);
    const r = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[2].id]));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      object: "transfer",
      team_id: team.id,
      source_project_id: a.id,
      source_project_name: "Default",
      destination_project_id: b.id,
      destination_kind: "existing",
      environment_ids: [aEnvs[2].id],
      configuration: null,
      actor: { type: "client", id: "client_test" },
    });
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", aEnvs[2].id)).toEqual([{ project_id: b.id }]);
    expect((await sql("SELECT id FROM environments WHERE project_id = ? ORDER BY id", b.id)).map((e) => e.id)).toEqual(
      [bEnvs[0].id, aEnvs[2].id].sort(),
    );
    // Its key still opens it.
    expect((await envApi(key).get("/organizations")).status).toBe(200);
    const records = await s.get(`/teams/${team.id}/transfers`);
    expect(records.body.data[0]).toEqual(r.body);
    const events = await s.get(`/teams/${team.id}/events?limit=1`);
    expect(events.body.data[0]).toMatchObject({
      type: "environment.transferred",
      data: {
        environment_ids: [aEnvs[2].id],
        from_project_id: a.id,
        to_project_id: b.id,
        destination_kind: "existing",
        transfer_id: r.body.id,
      },
    });
    // Moving back: self-serve.
    const back = await s.post(`/teams/${team.id}/transfers`, move(b.id, a.id, [aEnvs[2].id]));
    expect(back.status).toBe(201);
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", aEnvs[2].id)).toEqual([{ project_id: a.id }]);
  });

  it("422 destination_is_source; 404 for an unknown destination or another team's; 422 naming a malformed one", async () => {
    const s = await session();
    const { team, a, aEnvs } = await twoProjects(s);
    expectError(await s.post(`/teams/${team.id}/transfers`, move(a.id, a.id, [aEnvs[0].id])), 422, "destination_is_source");
    const other = await newTeam(s, "Other");
    expectError(
      await s.post(`/teams/${team.id}/transfers`, move(a.id, other.project.id, [aEnvs[0].id])),
      404,
      "project_not_found",
    );
    const bad = await s.post(`/teams/${team.id}/transfers`, move(a.id, "project_nope", [aEnvs[0].id]));
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: FieldError) => e.field)).toEqual(["destination_project_id"]);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 0 }]);
  });

  it("keeps every rule of a transfer: acknowledgement, environments, other projects, the source keeps one", async () => {
    const s = await session();
    const { team, a, b, aEnvs, bEnvs } = await twoProjects(s);
    const path = `/teams/${team.id}/transfers`;
    expectError(
      await s.post(path, move(a.id, b.id, [aEnvs[0].id], { acknowledge: false })),
      422,
      "transfer_requires_acknowledgement",
    );
    expectError(await s.post(path, move(a.id, b.id, [])), 422, "transfer_requires_environments");
    expectError(await s.post(path, move(a.id, b.id, ["environment_01JAAAAAAAAAAAAAAAAAAAAAAA"])), 404, "environment_not_found");
    expectError(await s.post(path, move(a.id, b.id, [bEnvs[0].id])), 422, "environments_from_multiple_projects");
    expectError(
      await s.post(
        path,
        move(
          a.id,
          b.id,
          aEnvs.map((e) => e.id),
        ),
      ),
      409,
      "source_project_must_keep_environment",
    );
    // B has one environment: it cannot give it away either.
    expectError(await s.post(path, move(b.id, a.id, [bEnvs[0].id])), 409, "source_project_must_keep_environment");
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 0 }]);
  });

  it("needs credentials, and only sees the caller's own teams", async () => {
    const s = await session();
    const { team, a, b, aEnvs } = await twoProjects(s);
    const anonymous = await call("POST", `/platform/teams/${team.id}/transfers`, { body: move(a.id, b.id, [aEnvs[0].id]) });
    expect(anonymous.status).toBe(401);
    const other = await session(OTHER_CLIENT);
    expectError(await other.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[0].id])), 404, "team_not_found");
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", aEnvs[0].id)).toEqual([{ project_id: a.id }]);
  });

  it('409 source_project_config_not_copyable without configuration: "copy", naming the option', async () => {
    const s = await session();
    const { team, a, b, aEnvs } = await twoProjects(s);
    expect((await s.post(flagsBase(team.id, a.id), { slug: "beta", name: "Beta" })).status).toBe(201);
    const r = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[0].id]));
    expectError(r, 409, "source_project_config_not_copyable");
    expect(r.body.message).toContain('configuration: "copy"');
    expect(r.body.kinds).toEqual(["feature_flags"]);
  });

  it("retrying with the same Idempotency-Key replays the same transfer", async () => {
    const s = await session();
    const { team, a, b, aEnvs } = await twoProjects(s);
    const first = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[0].id]), { "Idempotency-Key": "k-1" });
    const again = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[0].id]), { "Idempotency-Key": "k-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await sql("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });
});

describe('configuration: "copy"', { timeout: 30_000 }, () => {
  /** A with a flag enabled and targeted in its Extra environment, two schema versions of one action, a domain. */
  async function configured(s: Session) {
    const ctx = await twoProjects(s);
    const { team, a, aEnvs } = ctx;
    expect(
      (
        await s.post(flagsBase(team.id, a.id), {
          slug: "new-checkout",
          name: "New checkout",
          description: "Beta",
          tags: ["ui"],
          default_value: false,
        })
      ).status,
    ).toBe(201);
    expect((await s.post(flagsBase(team.id, a.id), { slug: "dark-mode", name: "Dark", default_value: true })).status).toBe(201);
    const api = envApi(await mintKey(s, team.id, aEnvs[2].id));
    const org = await api.post("/organizations", { name: "Foo Corp" });
    expect((await api.put("/feature-flags/new-checkout/enable")).status).toBe(200);
    expect((await api.post(`/feature-flags/new-checkout/targets/${org.body.id}`)).status).toBeLessThan(300);
    for (const metadata of [undefined, { type: "object", properties: { plan: { type: "string" } } }])
      expect(
        (
          await api.post("/audit_logs/actions/user.signed_in/schemas", {
            targets: [{ type: "user" }],
            ...(metadata && { metadata }),
          })
        ).status,
      ).toBe(201);
    expect((await s.post(`/teams/${team.id}/projects/${a.id}/email_domains`, { domain: "mail.acme.test" })).status).toBe(201);
    return { ...ctx, api, org: org.body };
  }

  it("into an existing project: flags, every schema version and domains copied; the moved environment sees the same flags", async () => {
    const s = await session();
    const { team, a, b, aEnvs, bEnvs, api, org } = await configured(s);
    const flagsBefore = (await api.get<List<FeatureFlag>>("/feature-flags")).body.data;
    const pollBefore = (await api.get("/sdk/feature-flags")).body;
    const orgFlagsBefore = (await api.get(`/organizations/${org.id}/feature-flags`)).body.data.map((f: FeatureFlag) => f.slug);
    expect(orgFlagsBefore).toEqual(["new-checkout"]);

    const r = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[2].id], { configuration: "copy" }));
    expect(r.status).toBe(201);
    expect(v.safeParse(TransferObject, r.body).issues).toBeUndefined();
    expect(r.body.configuration).toEqual({
      copied: {
        feature_flags: ["new-checkout", "dark-mode"],
        audit_log_actions: ["user.signed_in"],
        email_domains: ["mail.acme.test"],
      },
      reused: { feature_flags: [], audit_log_actions: [], email_domains: [] },
    });

    // The same key now reads B's configuration: same slugs, definitions and states; new ids.
    const flagsAfter = (await api.get<List<FeatureFlag>>("/feature-flags")).body.data;
    const strip = (f: FeatureFlag) => ({
      slug: f.slug,
      name: f.name,
      description: f.description,
      tags: f.tags,
      enabled: f.enabled,
      default_value: f.default_value,
    });
    expect(flagsAfter.map(strip).sort((x, y) => x.slug.localeCompare(y.slug))).toEqual(
      flagsBefore.map(strip).sort((x, y) => x.slug.localeCompare(y.slug)),
    );
    expect(flagsAfter.map((f) => f.id).some((id) => flagsBefore.some((g) => g.id === id))).toBe(false);
    expect((await api.get("/sdk/feature-flags")).body).toEqual(pollBefore);
    expect((await api.get(`/organizations/${org.id}/feature-flags`)).body.data.map((f: FeatureFlag) => f.slug)).toEqual(
      orgFlagsBefore,
    );
    const versions = (await api.get("/audit_logs/actions/user.signed_in/schemas")).body.data;
    expect(versions.map((v: AuditLogSchema) => v.version).sort()).toEqual([1, 2]);
    expect((await api.get("/audit_logs/actions")).body.data.map((x: AuditLogAction) => [x.name, x.schema.version])).toEqual([
      ["user.signed_in", 2],
    ]);

    // B's other environment has the flags, disabled.
    const bApi = envApi(await mintKey(s, team.id, bEnvs[0].id));
    expect((await bApi.get("/feature-flags")).body.data.map((f: FeatureFlag) => [f.slug, f.enabled]).sort()).toEqual([
      ["dark-mode", false],
      ["new-checkout", false],
    ]);
    // The domain is pending in B with its own records; A's stays as it was.
    const domains = (await s.get(`/teams/${team.id}/projects/${b.id}/email_domains`)).body.data;
    const source = (await s.get(`/teams/${team.id}/projects/${a.id}/email_domains`)).body.data;
    expect(domains).toEqual([expect.objectContaining({ domain: "mail.acme.test", state: "pending" })]);
    expect(domains[0].id).not.toBe(source[0].id);
    expect(domains[0].dns_records).not.toEqual(source[0].dns_records);
    // The source keeps its own configuration, and its remaining environments their state.
    expect((await s.get(flagsBase(team.id, a.id))).body.data.map((f: ProjectFeatureFlag) => f.slug).sort()).toEqual([
      "dark-mode",
      "new-checkout",
    ]);
    expect(await sql("SELECT count(*) AS n FROM audit_log_schemas WHERE project_id = ?", a.id)).toEqual([{ n: 2 }]);
    // No state or target row (in each environment's object) points at a flag of another project than its environment's.
    const flagProject = new Map(
      (await d1<{ id: string; project_id: string }>("SELECT id, project_id FROM feature_flags")).map((f) => [f.id, f.project_id]),
    );
    for (const e of await d1<{ id: string; project_id: string }>(
      "SELECT id, project_id FROM environments WHERE team_id = ?",
      team.id,
    ))
      for (const table of ["feature_flag_states", "feature_flag_targets"])
        for (const r of await storeSql<{ flag_id: string }>(e.id, `SELECT flag_id FROM ${table}`))
          expect(flagProject.get(r.flag_id), `${table} of ${e.id}`).toBe(e.project_id);
    const events = await s.get(`/teams/${team.id}/events?limit=20`);
    const moved = events.body.data.find((e: TeamEvent) => e.data.transfer_id === r.body.id);
    expect(moved).toMatchObject({
      type: "environment.transferred",
      data: { destination_kind: "existing", configuration: r.body.configuration },
    });
  });

  it("identical configuration in the destination is reused as it is; a different one is 409 configuration_conflict naming each", async () => {
    const s = await session();
    const { team, a, b, aEnvs, api } = await configured(s);
    // B: the same dark-mode, another new-checkout, another latest schema of user.signed_in.
    await s.post(flagsBase(team.id, b.id), { slug: "dark-mode", name: "Dark", default_value: true });
    await s.post(flagsBase(team.id, b.id), { slug: "new-checkout", name: "Something else" });
    const bApi = envApi(await mintKey(s, team.id, b.environments[0].id));
    await bApi.post("/audit_logs/actions/user.signed_in/schemas", { targets: [{ type: "team" }] });
    const conflict = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[2].id], { configuration: "copy" }));
    expectError(conflict, 409, "configuration_conflict");
    expect(conflict.body).toMatchObject({ feature_flags: ["new-checkout"], audit_log_actions: ["user.signed_in"] });
    expect(conflict.body.message).toContain("new-checkout");
    expect(conflict.body.message).toContain("user.signed_in");
    expect(await sql("SELECT project_id FROM environments WHERE id = ?", aEnvs[2].id)).toEqual([{ project_id: a.id }]);

    // Make them agree: B's new-checkout becomes identical; drop the schema conflict by moving from a project without it.
    await s.patch(`${flagsBase(team.id, b.id)}/new-checkout`, { name: "New checkout", description: "Beta", tags: ["ui"] });
    await sql("DELETE FROM audit_log_schemas WHERE project_id = ?", b.id);
    const darkBefore = (await s.get(`${flagsBase(team.id, b.id)}/dark-mode`)).body;
    const ok = await s.post(`/teams/${team.id}/transfers`, move(a.id, b.id, [aEnvs[2].id], { configuration: "copy" }));
    expect(ok.status).toBe(201);
    expect(ok.body.configuration.reused.feature_flags.sort()).toEqual(["dark-mode", "new-checkout"]);
    expect(ok.body.configuration.copied.feature_flags).toEqual([]);
    // Reused as it is: same row, and the moved environment's state follows it.
    expect((await s.get(`${flagsBase(team.id, b.id)}/dark-mode`)).body).toEqual(darkBefore);
    expect(await sql("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", b.id)).toEqual([{ n: 2 }]);
    expect((await api.get("/feature-flags/new-checkout")).body.enabled).toBe(true);
  });

  it("on POST …/projects: a new project with the source's configuration", async () => {
    const s = await session();
    const { team, a, aEnvs, api } = await configured(s);
    const r = await s.post(`/teams/${team.id}/projects`, {
      name: "Mobile",
      transfer: { source_project_id: a.id, environment_ids: [aEnvs[2].id], acknowledge: true, configuration: "copy" },
    });
    expect(r.status).toBe(201);
    expect((await api.get("/feature-flags")).body.data.map((f: FeatureFlag) => f.slug).sort()).toEqual([
      "dark-mode",
      "new-checkout",
    ]);
    expect((await api.get("/feature-flags/new-checkout")).body.enabled).toBe(true);
    const records = await s.get(`/teams/${team.id}/transfers`);
    expect(records.body.data[0]).toMatchObject({
      destination_project_id: r.body.id,
      destination_kind: "new",
      configuration: { copied: { email_domains: ["mail.acme.test"] } },
    });
  });
});

describe("the review step with a destination", { timeout: 30_000 }, () => {
  it("lists the destination before and after, configuration copied / reused / in conflict, blockers; the token goes stale when the destination changes", async () => {
    const s = await session();
    const { team, a, b, aEnvs, bEnvs } = await twoProjects(s);
    await s.post(flagsBase(team.id, a.id), { slug: "beta", name: "Beta" });
    await s.post(flagsBase(team.id, a.id), { slug: "same", name: "Same" });
    await s.post(flagsBase(team.id, b.id), { slug: "beta", name: "Other" });
    await s.post(flagsBase(team.id, b.id), { slug: "same", name: "Same" });
    const path = `/teams/${team.id}/projects/transfer_preview`;
    const body = { source_project_id: a.id, destination_project_id: b.id, environment_ids: [aEnvs[2].id], configuration: "copy" };
    const p = await s.post(path, body);
    expect(p.status).toBe(200);
    expect(v.safeParse(TransferPreviewObject, p.body).issues).toBeUndefined();
    expect(p.body.destination.kind).toBe("existing");
    expect(p.body.destination.project.id).toBe(b.id);
    expect(p.body.destination.environments_before.map((e: Environment) => e.id)).toEqual([bEnvs[0].id]);
    expect(p.body.destination.environments_after.map((e: Environment) => e.id)).toEqual([bEnvs[0].id, aEnvs[2].id].sort());
    expect(p.body.remaining_environments.map((e: Environment) => e.id)).toEqual([aEnvs[0].id, aEnvs[1].id]);
    expect(p.body.configuration).toMatchObject({
      mode: "copy",
      reused: { feature_flags: ["same"] },
      conflicts: { feature_flags: ["beta"], audit_log_actions: [] },
    });
    expect(p.body.blockers.map((x: Blocker) => x.code)).toEqual(["configuration_conflict"]);
    expect(p.body.transferable).toBe(false);
    expect(p.body.implications.map((i: Implication) => i.code)).toContain("move_back_self_serve");
    expect(p.body.implications.find((i: Implication) => i.code === "move_back_self_serve").message).toContain("self-serve");

    // Resolve the conflict; the token is bound to both projects.
    await s.patch(`${flagsBase(team.id, b.id)}/beta`, { name: "Beta" });
    const ready = await s.post(path, body);
    expect(ready.body.transferable).toBe(true);
    // The destination changes (a new environment): the token is stale.
    await addEnvironments(s, team.id, b.id, 1);
    const stale = await s.post(
      `/teams/${team.id}/transfers`,
      move(a.id, b.id, [aEnvs[2].id], { configuration: "copy", preview_token: ready.body.preview_token }),
    );
    expectError(stale, 409, "transfer_preview_stale");
    const fresh = await s.post(path, body);
    expect(fresh.body.preview_token).not.toBe(ready.body.preview_token);
    const ok = await s.post(
      `/teams/${team.id}/transfers`,
      move(a.id, b.id, [aEnvs[2].id], { configuration: "copy", preview_token: fresh.body.preview_token }),
    );
    expect(ok.status).toBe(201);
    // And a change to the destination's configuration alone makes a token stale too.
    const back = { source_project_id: b.id, destination_project_id: a.id, environment_ids: [aEnvs[2].id], configuration: "copy" };
    const t1 = (await s.post(path, back)).body.preview_token;
    await s.post(flagsBase(team.id, a.id), { slug: "later", name: "Later" });
    expect((await s.post(path, back)).body.preview_token).not.toBe(t1);
  });

  it("lists destination_is_source among the blockers; without a destination the review is of a new project", async () => {
    const s = await session();
    const { team, a, aEnvs } = await twoProjects(s);
    const path = `/teams/${team.id}/projects/transfer_preview`;
    const same = await s.post(path, { source_project_id: a.id, destination_project_id: a.id, environment_ids: [aEnvs[0].id] });
    expect(same.body.blockers.map((x: Blocker) => x.code)).toEqual(["destination_is_source"]);
    const fresh = await s.post(path, { source_project_id: a.id, environment_ids: [aEnvs[0].id] });
    expect(v.safeParse(TransferPreviewObject, fresh.body).issues).toBeUndefined();
    expect(fresh.body.destination).toMatchObject({ kind: "new", project: null, environments_before: [] });
    expect(fresh.body.configuration).toMatchObject({ mode: null, copied: null });
  });
});
