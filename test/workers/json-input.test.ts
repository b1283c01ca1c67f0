import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/lib/crypto";
import { nestsDeeperThan } from "../../src/middleware/json-body";
import { call, expectError, newTeam, session, snapshotDatabase, sql, stagingApi } from "./helpers";

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

/** JSON in, strictly: a body is `application/json`, a JSON object, at most 32 levels deep; otherwise 4xx and nothing written. */
describe("JSON in, strictly", () => {
  it("415 for a body that is not application/json, on both APIs; nothing is written", async () => {
    const { s, team, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const branding = `/teams/${team.id}/environments/${staging.id}/branding`;
    expect((await s.put(branding, { primary_color: "#112233" })).status).toBe(200);
    const before = await snapshotDatabase();
    const cases: [string, string, string, string | undefined][] = [
      ["PUT", `/platform${branding}`, s.token, "text/plain"],
      ["PUT", `/platform${branding}`, s.token, "application/x-www-form-urlencoded"],
      ["POST", "/platform/teams", s.token, "text/plain; charset=utf-8"],
      ["POST", "/platform/teams", s.token, "multipart/form-data; boundary=x"],
      ["POST", "/platform/teams", s.token, "application/jsonp"],
      ["PUT", `/organizations/${org.id}`, api.key, "text/plain"],
      ["POST", "/organizations", api.key, "application/x-www-form-urlencoded"],
    ];
    for (const [method, path, token, type] of cases) {
      const r = await call(method, path, {
        token,
        rawBody: JSON.stringify({ name: "x" }),
        headers: type ? { "Content-Type": type } : {},
      });
      expect({ path, type, status: r.status, code: r.body.code }).toEqual({
        path,
        type,
        status: 415,
        code: "unsupported_media_type",
      });
    }
    // No Content-Type at all (fetch would add text/plain to a string body: send bytes).
    const bare = await call("POST", "/platform/teams", { token: s.token, rawBody: undefined, headers: {} });
    expect(bare.status).toBe(422); // no body: the route answers for its missing fields
    expect(await snapshotDatabase()).toEqual(before);
    expect((await s.get(branding)).body.primary_color).toBe("#112233");
  });

  it("accepts parameters on application/json (charset) and any letter case", async () => {
    const s = await session();
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/json ; charset=UTF-8"]) {
      const r = await call("POST", "/platform/teams", {
        token: s.token,
        rawBody: JSON.stringify({ name: "Typed", admin_email: "a@b.test" }),
        headers: { "Content-Type": type },
      });
      expect({ type, status: r.status }).toEqual({ type, status: 201 });
    }
  });

  it("400 invalid_json for text that is not JSON, or JSON that is not an object", async () => {
    const s = await session();
    const before = await snapshotDatabase();
    for (const raw of ['{"name": "x",', "not json", "[]", '[{"name":"x"}]', '"team"', "42", "null", "true", " "]) {
      expectError(await call("POST", "/platform/teams", { token: s.token, rawBody: raw }), 400, "invalid_json");
    }
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("400 invalid_json beyond 32 levels; 32 levels are read (and refused by the schema, 422)", async () => {
    const s = await session();
    expectError(await call("POST", "/platform/teams", { token: s.token, rawBody: nested(33) }), 400, "invalid_json");
    expectError(await call("POST", "/platform/teams", { token: s.token, rawBody: nested(32) }), 422, "validation_failed");
    // Brackets inside strings do not count.
    const name = "[[[[{{{{".repeat(10);
    expect((await s.post("/teams", { name: name.slice(0, 80), admin_email: "a@b.test" })).status).toBe(201);
  });

  it("a 4,000-level body with an Idempotency-Key is a 400 (was a 500: canonicalJson recursed), on both APIs; no key is claimed", async () => {
    const { s, api } = await stagingApi();
    const before = await snapshotDatabase();
    for (let i = 0; i < 3; i++) {
      const deep = nested(4000);
      expectError(
        await call("POST", "/platform/teams", { token: s.token, rawBody: deep, headers: { "Idempotency-Key": "deep" } }),
        400,
        "invalid_json",
      );
      expectError(
        await call("POST", "/organizations", { token: api.key, rawBody: deep, headers: { "Idempotency-Key": "deep" } }),
        400,
        "invalid_json",
      );
      const arrays = `{"a":${"[".repeat(4000)}${"]".repeat(4000)}}`;
      expectError(
        await call("POST", "/organizations", { token: api.key, rawBody: arrays, headers: { "Idempotency-Key": "deep" } }),
        400,
        "invalid_json",
      );
    }
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("the token endpoint keeps its form encoding; bodiless writes need no Content-Type", async () => {
    const { s, team, staging } = await stagingApi();
    const res = await call("POST", "/oauth2/token", {
      rawBody: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "client_test",
        client_secret: "secret_test",
      }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(200);
    const key = (await s.post(`/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "k" })).body;
    const del = await call("DELETE", `/platform/teams/${team.id}/environments/${staging.id}/api_keys/${key.id}`, {
      token: s.token,
    });
    expect(del.status).toBeLessThan(300);
  });

  it("an unknown path is 404 not_found from the catalog, under /platform and at the root", async () => {
    const { s, api } = await stagingApi();
    expectError(await call("GET", "/platform/nowhere", { token: s.token }), 404, "not_found");
    expectError(await call("POST", "/platform/teams/x/y/z", { token: s.token, body: {} }), 404, "not_found");
    expectError(await api.get("/nowhere/at/all"), 404, "not_found");
  });
});

describe("no 4xx writes anything: the idempotency claim is released", () => {
  it("a 4xx with an Idempotency-Key leaves no key behind; the corrected request may reuse the key", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const before = await snapshotDatabase();
    const bad = await s.post(`/teams/${team.id}/projects`, { name: "" }, { "Idempotency-Key": "fix-me" });
    expectError(bad, 422, "validation_failed");
    const missing = await s.post(
      `/teams/${team.id}/projects`,
      {
        name: "X",
        transfer: {
          source_project_id: "project_01K4BN3VKH8AFZC5J334QZY3PM",
          environment_ids: ["environment_01K4BN3VKH8AFZC5J334QZY3PM"],
          acknowledge: true,
        },
      },
      { "Idempotency-Key": "fix-me-too" },
    );
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(await snapshotDatabase()).toEqual(before);
    expect(await sql("SELECT count(*) AS n FROM idempotency_keys")).toEqual([
      { n: Number(before.idempotency_keys.split(" ")[0]) },
    ]);
    const fixed = await s.post(`/teams/${team.id}/projects`, { name: "Fixed" }, { "Idempotency-Key": "fix-me" });
    expect(fixed.status).toBe(201);
    const replay = await s.post(`/teams/${team.id}/projects`, { name: "Fixed" }, { "Idempotency-Key": "fix-me" });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.id).toBe(fixed.body.id);
  });
});

describe("canonicalJson and the depth scan are iterative", () => {
  it("handles 100,000 levels without a stack overflow, and sorts keys", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? { a: deep } : [deep];
    expect(canonicalJson(deep).length).toBeGreaterThan(200_000);
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: undefined, e: true })).toBe('{"b":[1,{"c":"x","d":null}],"e":true}');
    expect(canonicalJson([undefined, 'q"uote'])).toBe(JSON.stringify([null, 'q"uote']));
    expect(nestsDeeperThan("[".repeat(1_000_000), 32)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'\\"['.repeat(100)}"}`, 1)).toBe(false);
  });
});
