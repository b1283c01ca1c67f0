import { describe, expect, it } from "vitest";
import { call, envApi, expectError, mintKey, newTeam, session, sql, stagingApi } from "./helpers";
import type { FieldError, ProjectAuditLogSchema } from "./types";

const md = (props: Record<string, string>) => ({
  type: "object",
  properties: Object.fromEntries(Object.entries(props).map(([k, t]) => [k, { type: t }])),
});
const SCHEMA = {
  targets: [{ type: "team", metadata: md({ plan: "string" }) }],
  actor: { metadata: md({ role: "string" }) },
  metadata: md({ count: "number" }),
};
const event = (over: Record<string, unknown> = {}) => ({
  action: "user.signed_in",
  occurred_at: new Date().toISOString(),
  actor: { id: "user_1", type: "user", metadata: { role: "admin" } },
  targets: [{ id: "team_1", type: "team", metadata: { plan: "pro" } }],
  context: { location: "1.1.1.1", user_agent: "test" },
  metadata: { count: 3 },
  ...over,
});

async function setup() {
  const ctx = await stagingApi();
  const { s, team, project } = ctx;
  const qa = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
  const qaApi = envApi(await mintKey(s, team.id, qa.id));
  const org = (await ctx.api.post("/organizations", { name: "Org" })).body;
  return { ...ctx, qa, qaApi, org };
}

describe("Audit Logs", () => {
  it("schemas are versioned for the whole project; every environment lists them; the Platform API lists them", async () => {
    const { api, qaApi, s, team, project } = await setup();
    const v1 = await api.post("/audit_logs/actions/user.signed_in/schemas", SCHEMA);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ object: "audit_log_schema", version: 1, targets: SCHEMA.targets });
    const v2 = await qaApi.post("/audit_logs/actions/user.signed_in/schemas", { targets: [{ type: "team" }] });
    expect(v2.body.version).toBe(2);
    const list = await api.get("/audit_logs/actions/user.signed_in/schemas");
    expect(list.body.data.map((x: ProjectAuditLogSchema) => x.version)).toEqual([2, 1]);
    const actions = await qaApi.get("/audit_logs/actions");
    expect(actions.body.data).toMatchObject([{ object: "audit_log_action", name: "user.signed_in", schema: { version: 2 } }]);
    const platform = await s.get(`/teams/${team.id}/projects/${project.id}/audit_log_schemas`);
    expect(platform.status).toBe(200);
    expect(platform.body.data).toHaveLength(2);
    expectError(await api.get("/audit_logs/actions/unknown.action/schemas"), 404, "audit_log_action_not_found");
  });

  it("refuses bad schemas with the field named", async () => {
    const { api } = await setup();
    const bad = await api.post("/audit_logs/actions/x.y/schemas", {
      targets: [{ type: "team", metadata: md({ "bad key!": "string" }) }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("validation_failed");
    expect(bad.body.errors[0].field).toMatch(/^targets\.0\.metadata\.properties/);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "string"]));
    expect((await api.post("/audit_logs/actions/x.y/schemas", { targets: [{ type: "t" }], metadata: md(tooMany) })).status).toBe(
      422,
    );
    expect((await api.post("/audit_logs/actions/x.y/schemas", { targets: [] })).body.errors[0].field).toBe("targets");
    expectError(await api.post("/audit_logs/actions/BAD ACTION/schemas", SCHEMA), 404, "audit_log_action_not_found");
    // Malformed bodies are 4xx, never 5xx.
    for (const path of ["/audit_logs/actions/x.y/schemas", "/audit_logs/events"]) {
      const raw = await call("POST", path, { token: api.key, rawBody: "{not json" });
      expect(raw.status).toBeGreaterThanOrEqual(400);
      expect(raw.status).toBeLessThan(500);
      // A body that is not a JSON object is refused before the schema (the contract's 400 invalid_json).
      expect((await api.post(path, [1, 2])).status).toBe(400);
    }
  });

  it("events are validated against the latest schema, 422 naming each misfit; stored per environment; idempotent by key", async () => {
    const { api, qaApi, org, staging } = await setup();
    await api.post("/audit_logs/actions/user.signed_in/schemas", SCHEMA);
    const body = { organization_id: org.id, event: event() };
    expect((await api.post("/audit_logs/events", body, { "Idempotency-Key": "k1" })).status).toBe(201);
    expect((await api.post("/audit_logs/events", body, { "Idempotency-Key": "k1" })).status).toBe(201); // replayed
    expectError(
      await api.post("/audit_logs/events", { ...body, event: event({ metadata: { count: 4 } }) }, { "Idempotency-Key": "k1" }),
      422,
      "idempotency_key_reused",
    );
    const stored = await sql<{ n: number }>("SELECT count(*) AS n FROM audit_log_events WHERE environment_id = ?", staging.id);
    expect(stored[0].n).toBe(1);
    const misfit = await api.post("/audit_logs/events", {
      organization_id: org.id,
      event: event({
        actor: { id: "u", type: "user", metadata: { role: 1 } },
        targets: [{ id: "x", type: "repo" }],
        metadata: { count: 1, extra: "no" },
      }),
    });
    expectError(misfit, 422, "validation_failed");
    expect(misfit.body.errors.map((e: FieldError) => e.field).sort()).toEqual([
      "event.actor.metadata.role",
      "event.metadata.extra",
      "event.targets",
      "event.targets.0.type",
    ]);
    expect(
      (await api.post("/audit_logs/events", { organization_id: org.id, event: event({ version: 9 }) })).body.errors[0].field,
    ).toBe("event.version");
    expect((await api.post("/audit_logs/events", { organization_id: org.id, event: { action: "x" } })).status).toBe(422);
    // Another environment's organization is not visible.
    expectError(
      await qaApi.post("/audit_logs/events", { organization_id: org.id, event: event() }),
      404,
      "organization_not_found",
    );
  });

  it("needs a valid key", async () => {
    expectError(await call("GET", "/audit_logs/actions"), 401, "unauthorized");
    expectError(await call("POST", "/audit_logs/events", { token: "sk_test_nope", body: {} }), 401, "unauthorized");
  });

  it("a schema blocks a transfer out of its project, and the preview lists it", async () => {
    const { api, s, team, project, staging } = await setup();
    await api.post("/audit_logs/actions/user.signed_in/schemas", SCHEMA);
    const preview = await s.post(`/teams/${team.id}/projects/transfer_preview`, {
      source_project_id: project.id,
      environment_ids: [staging.id],
    });
    expect(JSON.stringify(preview.body.blockers)).toContain("audit_log_schema");
    const refused = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [staging.id], acknowledge: true },
    });
    expectError(refused, 409, "source_project_config_not_copyable");
    expect(refused.body.kinds).toEqual(["audit_log_schema"]);
  });

  it("another team's project: 404", async () => {
    const { project } = await setup();
    const other = await session(undefined);
    const mine = (await other.post("/teams", { name: "Other", admin_email: "o@x.test" })).body;
    expect((await other.get(`/teams/${mine.id}/projects/${project.id}/audit_log_schemas`)).status).toBe(404);
  });

  it("adding schemas races transfers out of the project: each transfer either went first or was refused", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const keeper = (await s.post(`/teams/${team.id}/environments`, { name: "Keeper", project_id: project.id })).body;
    const api = envApi(await mintKey(s, team.id, keeper.id));
    const ids = [environments[0].id];
    for (let i = 0; i < 5; i++)
      ids.push((await s.post(`/teams/${team.id}/environments`, { name: `E${i}`, project_id: project.id })).body.id);
    const schema = (i: number) => api.post(`/audit_logs/actions/race.a${i}/schemas`, SCHEMA).then((a) => ({ kind: "schema", a }));
    const move = (id: string) =>
      s
        .post(`/teams/${team.id}/projects`, {
          name: "Moved",
          transfer: { source_project_id: project.id, environment_ids: [id], acknowledge: true },
        })
        .then((a) => ({ kind: "transfer", a }));
    const answers = await Promise.all([
      move(ids[0]),
      move(ids[1]),
      schema(1),
      move(ids[2]),
      move(ids[3]),
      schema(2),
      move(ids[4]),
      move(ids[5]),
      schema(3),
    ]);
    for (const { kind, a } of answers) {
      if (kind === "schema") expect(a.status).toBe(201);
      else {
        expect([201, 409]).toContain(a.status);
        if (a.status === 409)
          expect({ code: a.body.code, kinds: a.body.kinds }).toEqual({
            code: "source_project_config_not_copyable",
            kinds: ["audit_log_schema"],
          });
      }
    }
    // From the database: every transfer out of the source committed before the first schema existed.
    const [first] = await sql<{ created_at: string }>(
      "SELECT min(created_at) AS created_at FROM audit_log_schemas WHERE project_id = ?",
      project.id,
    );
    const moved = await sql<{ created_at: string }>("SELECT created_at FROM transfers WHERE source_project_id = ?", project.id);
    for (const t of moved) expect(t.created_at <= first.created_at).toBe(true);
    expect(moved.length).toBe(answers.filter((x) => x.kind === "transfer" && x.a.status === 201).length);
    expect(await sql("SELECT count(*) AS n FROM audit_log_schemas WHERE project_id = ?", project.id)).toEqual([{ n: 3 }]);
  });
});
