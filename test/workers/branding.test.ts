import { describe, expect, it } from "vitest";
import { expectError, newTeam, session, sql } from "./helpers";

const full = {
  logo_url: "https://cdn.acme.test/logo.svg",
  icon_url: "https://cdn.acme.test/icon.png",
  primary_color: "#ff6600",
  background_color: "#101010",
  text_color: "#FAFAFA",
  theme: "dark",
  font: "IBM Plex Sans",
  display_name: "Acme",
  custom_css: ".button { border-radius: 0 }",
};

describe("branding (per environment)", () => {
  it("a new environment starts with default branding", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const r = await s.get(`/teams/${team.id}/environments/${environments[0].id}/branding`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      object: "branding",
      environment_id: environments[0].id,
      logo_url: null,
      icon_url: null,
      primary_color: "#6363F1",
      background_color: "#FFFFFF",
      text_color: "#1D2330",
      theme: "system",
      font: "Inter",
      display_name: null,
      custom_css: null,
      updated_at: null,
    });
  });

  it("PUT replaces the whole document; omitted fields return to their defaults; other environments are untouched", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [a, b] = environments;
    const put = await s.put(`/teams/${team.id}/environments/${a.id}/branding`, full);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...full, primary_color: "#FF6600" });
    expect((await s.get(`/teams/${team.id}/environments/${a.id}/branding`)).body).toEqual(put.body);
    const partial = await s.put(`/teams/${team.id}/environments/${a.id}/branding`, { theme: "light" });
    expect(partial.body).toMatchObject({ theme: "light", logo_url: null, primary_color: "#6363F1" });
    expect((await s.get(`/teams/${team.id}/environments/${b.id}/branding`)).body.updated_at).toBeNull();
  });

  it("copies all of another environment's branding in one call, also across projects of the team", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const other = await s.post(`/teams/${team.id}/projects`, { name: "Other", production: false });
    await s.put(`/teams/${team.id}/environments/${environments[0].id}/branding`, full);
    const target = other.body.environments[0].id;
    const r = await s.post(`/teams/${team.id}/environments/${target}/branding/copy`, {
      source_environment_id: environments[0].id,
    });
    expect(r.status).toBe(200);
    const { environment_id: _1, updated_at: _2, ...copied } = r.body;
    const {
      environment_id: _3,
      updated_at: _4,
      ...source
    } = (await s.get(`/teams/${team.id}/environments/${environments[0].id}/branding`)).body;
    expect(copied).toEqual(source);
    expect(r.body.environment_id).toBe(target);
  });

  it("404 when copying from another team's environment, and nothing changes", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const foreign = await newTeam(await session({ id: "client_other", secret: "secret_other" }));
    const sameClient = await newTeam(s, "Second team");
    for (const src of [foreign.environments[0].id, sameClient.environments[0].id]) {
      const r = await s.post(`/teams/${team.id}/environments/${environments[0].id}/branding/copy`, {
        source_environment_id: src,
      });
      expectError(r, 404, "environment_not_found");
    }
    expect(await sql("SELECT count(*) AS n FROM brandings WHERE environment_id = ?", environments[0].id)).toEqual([{ n: 0 }]);
    expectError(
      await s.get(`/teams/${team.id}/environments/${foreign.environments[0].id}/branding`),
      404,
      "environment_not_found",
    );
    expectError(
      await s.put(`/teams/${foreign.team.id}/environments/${foreign.environments[0].id}/branding`, {}),
      404,
      "team_not_found",
    );
  });

  it("422 naming the field for bad colors, non-https URLs, unknown themes, oversized or HTML-bearing CSS, unknown fields", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const path = `/teams/${team.id}/environments/${environments[0].id}/branding`;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ primary_color: "red" }, "primary_color", "invalid_format"],
      [{ background_color: "#12345" }, "background_color", "invalid_format"],
      [{ logo_url: "http://cdn.acme.test/logo.svg" }, "logo_url", "invalid"],
      [{ icon_url: "not a url" }, "icon_url", "invalid_format"],
      [{ theme: "neon" }, "theme", "invalid_value"],
      [{ custom_css: "a{}".repeat(4000) }, "custom_css", "too_long"],
      [{ custom_css: "</style><script>alert(1)</script>" }, "custom_css", "invalid"],
      [{ font: "<b>" }, "font", "invalid_format"],
      [{ display_name: "x".repeat(101) }, "display_name", "too_long"],
      [{ favicon: "x" }, "favicon", "unknown_field"],
    ];
    for (const [body, field, code] of cases) {
      const r = await s.put(path, body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    expectError(
      await s.post(`${path}/copy`, { source_environment_id: "project_01K4BN3VKH8AFZC5J334QZY3PM" }),
      422,
      "validation_failed",
    );
    expect(await sql("SELECT count(*) AS n FROM brandings WHERE environment_id = ?", environments[0].id)).toEqual([{ n: 0 }]);
  });

  it("travels with its environment in a transfer", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    await s.put(`/teams/${team.id}/environments/${environments[0].id}/branding`, full);
    const t = await s.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [environments[0].id], acknowledge: true },
    });
    expect(t.status).toBe(201);
    expect((await s.get(`/teams/${team.id}/environments/${environments[0].id}/branding`)).body).toMatchObject({
      display_name: "Acme",
      theme: "dark",
    });
  });
});
