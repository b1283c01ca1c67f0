import { describe, expect, it } from "vitest";
import { call, expectError, newTeam, session, sql } from "./helpers";

/** Whatever a client sends wrong is a 4xx with a stable code and the field named; nothing is written. */
describe("bad input", () => {
  it("400 invalid_json for malformed JSON", async () => {
    const s = await session();
    const r = await call("POST", "/platform/teams", { token: s.token, rawBody: '{"name": "x",' });
    expectError(r, 400, "invalid_json");
  });

  it("422 for wrong types, missing and unknown fields, over-long names, wrong id prefixes — each field named", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const before = await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id);
    const cases: [string, string, unknown, { field: string; code: string }][] = [
      ["POST", `/teams/${team.id}/projects`, {}, { field: "name", code: "required" }],
      ["POST", `/teams/${team.id}/projects`, { name: 42 }, { field: "name", code: "invalid_type" }],
      ["POST", `/teams/${team.id}/projects`, { name: "x".repeat(101) }, { field: "name", code: "too_long" }],
      ["POST", `/teams/${team.id}/projects`, { name: "   " }, { field: "name", code: "required" }],
      ["POST", `/teams/${team.id}/projects`, { name: "x", production: "yes" }, { field: "production", code: "invalid_type" }],
      ["POST", `/teams/${team.id}/projects`, { name: "x", colour: "red" }, { field: "colour", code: "unknown_field" }],
      [
        "POST",
        `/teams/${team.id}/projects`,
        {
          name: "x",
          transfer: { source_project_id: environments[0].id, environment_ids: [environments[0].id], acknowledge: true },
        },
        { field: "transfer.source_project_id", code: "invalid" },
      ],
      [
        "POST",
        `/teams/${team.id}/projects`,
        { name: "x", transfer: { source_project_id: project.id, environment_ids: [project.id], acknowledge: true } },
        { field: "transfer.environment_ids.0", code: "invalid" },
      ],
      [
        "POST",
        `/teams/${team.id}/projects`,
        { name: "x", transfer: { source_project_id: project.id, environment_ids: "env", acknowledge: true } },
        { field: "transfer.environment_ids", code: "invalid_type" },
      ],
      [
        "POST",
        `/teams/${team.id}/projects`,
        {
          name: "x",
          transfer: { source_project_id: project.id, environment_ids: Array(51).fill(environments[0].id), acknowledge: true },
        },
        { field: "transfer.environment_ids", code: "too_long" },
      ],
      [
        "POST",
        `/teams/${team.id}/projects/transfer_preview`,
        { source_project_id: project.id },
        { field: "environment_ids", code: "required" },
      ],
      ["POST", `/teams/${team.id}/environments`, { name: "x", project_id: "proj_123" }, { field: "project_id", code: "invalid" }],
      ["PATCH", `/teams/${team.id}/projects/${project.id}`, { name: null }, { field: "name", code: "invalid_type" }],
      [
        "PUT",
        `/teams/${team.id}/billing`,
        { billing_email: "x", payment_method: "4242424242424242" },
        { field: "billing_email", code: "invalid_format" },
      ],
    ];
    for (const [method, path, body, error] of cases) {
      const r = await call(method, `/platform${path}`, { token: s.token, body });
      expect({ path, status: r.status, code: r.body.code }).toEqual({ path, status: 422, code: "validation_failed" });
      expect(r.body.errors).toContainEqual(expect.objectContaining(error));
    }
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual(before);
  });

  it("400 invalid_parameters for bad list parameters", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=abc", "limit"],
      ["order=sideways", "order"],
      ["project_id=environment_01K4BN3VKH8AFZC5J334QZY3PM", "project_id"],
    ]) {
      const r = await s.get(`/teams/${team.id}/environments?${query}`);
      expectError(r, 400, "invalid_parameters");
      expect(r.body.errors[0].field).toBe(field);
    }
  });

  it("a malformed team id is a 404, never a 5xx", async () => {
    const s = await session();
    expectError(await s.get("/teams/team_bad"), 404, "team_not_found");
    expectError(await s.get("/teams/project_01K4BN3VKH8AFZC5J334QZY3PM/projects"), 404, "team_not_found");
  });

  it("an Idempotency-Key replays the first answer and creates nothing new; reused with another body is 422", async () => {
    const s = await session();
    const first = await s.post("/teams", { name: "Once", admin_email: "a@b.test" }, { "Idempotency-Key": "team-once" });
    const again = await s.post("/teams", { admin_email: "a@b.test", name: "Once" }, { "Idempotency-Key": "team-once" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await sql("SELECT count(*) AS n FROM teams WHERE name = 'Once'")).toEqual([{ n: 1 }]);
    expectError(
      await s.post("/teams", { name: "Twice", admin_email: "a@b.test" }, { "Idempotency-Key": "team-once" }),
      422,
      "idempotency_key_reused",
    );
    // Keys belong to their client: the other client's same key is a new request.
    const other = await session({ id: "client_other", secret: "secret_other" });
    expect(
      (await other.post("/teams", { name: "Once", admin_email: "a@b.test" }, { "Idempotency-Key": "team-once" })).body.id,
    ).not.toBe(first.body.id);
    expectError(
      await s.post("/teams", { name: "x", admin_email: "a@b.test" }, { "Idempotency-Key": "k".repeat(256) }),
      400,
      "invalid_idempotency_key",
    );
  });

  it("simultaneous requests with one Idempotency-Key create once", async () => {
    const s = await session();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => s.post("/teams", { name: "Racy", admin_email: "a@b.test" }, { "Idempotency-Key": "racy" })),
    );
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(await sql("SELECT count(*) AS n FROM teams WHERE name = 'Racy'")).toEqual([{ n: 1 }]);
  });

  it("every answer carries X-Request-ID, errors included", async () => {
    const r = await call("GET", "/platform/teams");
    expect(r.headers.get("X-Request-ID")).toMatch(/.+/);
  });
});
