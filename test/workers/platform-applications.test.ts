import { describe, expect, it } from "vitest";
import { call, expectError, newTeam, OTHER_CLIENT, session } from "./helpers";

async function setup() {
  const s = await session();
  const { team, environments } = await newTeam(s);
  const [staging, production] = environments;
  const apps = (envId: string) => `/teams/${team.id}/environments/${envId}/applications`;
  return { s, team, staging, production, apps };
}

describe("applications (Platform API)", () => {
  it("every environment starts with a default application that shares its client id", async () => {
    const { s, staging, production, apps } = await setup();
    for (const env of [staging, production]) {
      const list = await s.get(apps(env.id));
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0]).toMatchObject({
        object: "application",
        environment_id: env.id,
        type: "web",
        is_default: true,
        client_id: env.client_id,
        redirect_uris: [],
      });
    }
  });

  it("creates, gets, updates and deletes; each application has its own client id", async () => {
    const { s, staging, apps } = await setup();
    const created = await s.post(apps(staging.id), {
      name: "Web",
      type: "web",
      redirect_uris: ["http://localhost:3000/callback", "https://app.acme.test/callback"],
    });
    expect(created.status).toBe(201);
    const app = created.body;
    expect(app).toMatchObject({
      object: "application",
      name: "Web",
      type: "web",
      is_default: false,
      redirect_uris: ["http://localhost:3000/callback", "https://app.acme.test/callback"],
    });
    expect(app.id).toMatch(/^app_[0-9A-Z]{26}$/);
    expect(app.client_id).toMatch(/^client_[0-9A-Z]{26}$/);
    expect(app.client_id).not.toBe(staging.client_id);
    const second = (await s.post(apps(staging.id), { name: "Mobile", type: "mobile" })).body;
    expect(second.client_id).not.toBe(app.client_id);
    expect((await s.get(`${apps(staging.id)}/${app.id}`)).body).toEqual(app);
    const patched = await s.patch(`${apps(staging.id)}/${app.id}`, {
      name: "Web 2",
      redirect_uris: ["https://app.acme.test/cb"],
    });
    expect(patched.body).toMatchObject({ name: "Web 2", redirect_uris: ["https://app.acme.test/cb"], client_id: app.client_id });
    expect((await s.del(`${apps(staging.id)}/${app.id}`)).status).toBe(204);
    expectError(await s.get(`${apps(staging.id)}/${app.id}`), 404, "application_not_found");
    expect((await s.get(apps(staging.id))).body.data).toHaveLength(2);
  });

  it("redirect URIs: production requires https, native apps may use http://127.0.0.1, staging may use localhost", async () => {
    const { s, staging, production, apps } = await setup();
    const ok: [string, string, string][] = [
      [production.id, "web", "https://app.acme.test/cb"],
      [production.id, "desktop", "http://127.0.0.1:8123/cb"],
      [production.id, "mobile", "http://127.0.0.1/cb"],
      [staging.id, "web", "http://localhost:3000/cb"],
      [staging.id, "web", "http://127.0.0.1:3000/cb"],
    ];
    for (const [env, type, uri] of ok)
      expect((await s.post(apps(env), { name: "A", type, redirect_uris: [uri] })).status).toBe(201);
    const refused: [string, string, string, string][] = [
      [production.id, "web", "http://127.0.0.1:8123/cb", "insecure_redirect_uri"],
      [production.id, "desktop", "http://localhost:8123/cb", "insecure_redirect_uri"],
      [production.id, "web", "http://app.acme.test/cb", "insecure_redirect_uri"],
      [staging.id, "web", "http://app.acme.test/cb", "insecure_redirect_uri"],
      [staging.id, "web", "https://app.acme.test/cb#frag", "invalid_format"],
      [staging.id, "web", "/relative", "invalid_format"],
    ];
    for (const [env, type, uri, code] of refused) {
      const r = await s.post(apps(env), { name: "A", type, redirect_uris: ["https://ok.acme.test/cb", uri] });
      expectError(r, 422, "validation_failed");
      expect(r.body.errors).toEqual([expect.objectContaining({ field: "redirect_uris.1", code })]);
    }
    // Changing the type re-checks the URIs it keeps.
    const desktop = (await s.post(apps(production.id), { name: "D", type: "desktop", redirect_uris: ["http://127.0.0.1/cb"] }))
      .body;
    expectError(await s.patch(`${apps(production.id)}/${desktop.id}`, { type: "web" }), 422, "validation_failed");
  });

  it("422 for bad fields; 409 default_application_cannot_be_deleted", async () => {
    const { s, staging, apps } = await setup();
    for (const [body, field] of [
      [{ type: "web" }, "name"],
      [{ name: "A", type: "tv" }, "type"],
      [{ name: "A", type: "web", redirect_uris: "https://x.test" }, "redirect_uris"],
      [{ name: "A", type: "web", client_id: "client_mine" }, "client_id"],
    ] as const) {
      const r = await s.post(apps(staging.id), body);
      expectError(r, 422, "validation_failed");
      expect(r.body.errors[0].field).toBe(field);
    }
    const [def] = (await s.get(apps(staging.id))).body.data;
    expectError(await s.del(`${apps(staging.id)}/${def.id}`), 409, "default_application_cannot_be_deleted");
    expect((await s.get(`${apps(staging.id)}/${def.id}`)).status).toBe(200);
  });

  it("security: another client's team and another environment's application are 404", async () => {
    const { s, team, staging, production, apps } = await setup();
    const app = (await s.post(apps(staging.id), { name: "A", type: "web" })).body;
    expectError(await s.get(`${apps(production.id)}/${app.id}`), 404, "application_not_found");
    expectError(await s.del(`${apps(production.id)}/${app.id}`), 404, "application_not_found");
    expectError(await call("GET", `/platform${apps(staging.id)}`), 401, "unauthorized");
    expectError(
      await call("POST", `/platform${apps(staging.id)}`, { token: "garbage", body: { name: "A", type: "web" } }),
      401,
      "unauthorized",
    );
    const other = await session(OTHER_CLIENT);
    expectError(await other.get(apps(staging.id)), 404, "team_not_found");
    expectError(await other.post(apps(staging.id), { name: "A", type: "web" }), 404, "team_not_found");
    const otherTeam = await newTeam(s, "Other");
    expectError(
      await s.get(`/teams/${team.id}/environments/${otherTeam.environments[0].id}/applications`),
      404,
      "environment_not_found",
    );
  });
});
