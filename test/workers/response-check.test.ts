/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { newTeam, session } from "./helpers";
import { fetchDocument, templateOf } from "./openapi-support";
import { createChecker } from "./response-check";

/** The checker that runs after every file (check-responses.ts) does catch what it is meant to catch. */
describe("the response checker", () => {
  it("matches concrete paths to the document's templates, literal segments first", async () => {
    const document = await fetchDocument();
    expect(templateOf(document, "GET", "/platform/teams/team_01ABC")).toBe("/platform/teams/{team_id}");
    expect(templateOf(document, "GET", "/platform/teams/team_01ABC/x")).toBeUndefined();
    const routes = {
      paths: {
        "/organizations/{id}/{part}": { get: {} },
        "/organizations/external_id/{external_id}": { get: {} },
        "/organizations/{id}": { put: {} },
      },
    };
    expect(templateOf(routes, "GET", "/organizations/external_id/e1")).toBe("/organizations/external_id/{external_id}");
    expect(templateOf(routes, "GET", "/organizations/org_1/domains")).toBe("/organizations/{id}/{part}");
    expect(templateOf(routes, "GET", "/organizations/org_1")).toBeUndefined(); // no GET there
  });

  it("passes a real answer, and reports a wrong body, an undocumented status, and a code off the catalog", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const real = await s.get(`/teams/${team.id}`);
    const check = createChecker(await fetchDocument());
    const answer = {
      method: "GET",
      path: `/platform/teams/${team.id}`,
      status: 200,
      contentType: "application/json",
      body: real.body,
    };
    expect(check(answer)).toEqual([]);
    expect(check({ ...answer, body: { ...real.body, production_enabled_at: 42 } })[0].problem).toMatch(/production_enabled_at/);
    expect(check({ ...answer, body: { ...real.body, name: undefined } })[0].problem).toMatch(/name/);
    expect(
      check({ ...answer, status: 418, body: { code: "bad_request", message: "x" } })
        .map((m) => m.problem)
        .join(),
    ).toMatch(/not documented/);
    expect(check({ ...answer, status: 404, body: { code: "no_such_code", message: "x" } })[0].problem).toMatch(
      /not in the error catalog/,
    );
    expect(check({ ...answer, status: 422, body: { code: "team_not_found", message: "x" } })[0].problem).toMatch(
      /catalog says 404/,
    );
    // A code the route does not list, under a documented status.
    expect(check({ ...answer, status: 404, body: { code: "project_not_found", message: "x" } })[0].problem).toMatch(/code/);
  });

  it("sees every answer: no test file calls the Worker except through helpers.ts's worker()", () => {
    const files = import.meta.glob("./**/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    // The Worker's fetch export (or cloudflare:test's self-binding) called elsewhere: answers the checker never sees.
    const bypass = /\bexports\.default\b|\bSELF\b/;
    const bypassing = Object.entries(files)
      .filter(([file, text]) => file !== "./helpers.ts" && bypass.test(text))
      .map(([file]) => file);
    expect(Object.keys(files)).toContain("./helpers.ts");
    expect(bypassing).toEqual([]);
  });
});
