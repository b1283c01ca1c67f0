import { describe, expect, it } from "vitest";
import { call, envApi, expectError, mintKey, stagingApi } from "./helpers";
import type { FeatureFlag, List } from "./types";

/** A team with a staging key, a second environment (QA) of the same project, and flags defined in the project. */
async function setup(name = "Acme") {
  const ctx = await stagingApi(name);
  const { s, team, project } = ctx;
  const qa = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
  const qaApi = envApi(await mintKey(s, team.id, qa.id));
  const define = (slug: string, default_value = false) =>
    s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug, name: slug, default_value }).then((r) => {
      expect(r.status).toBe(201);
      return r.body;
    });
  return { ...ctx, qa, qaApi, define };
}

describe("feature flags: environment API", () => {
  it("a project's flag appears in every environment, disabled until enabled there; enable/disable are per environment", async () => {
    const { api, qaApi, define } = await setup();
    const flag = await define("beta");
    for (const a of [api, qaApi]) {
      const list = await a.get("/feature-flags");
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({
        object: "list",
        data: [{ object: "feature_flag", id: flag.id, slug: "beta", enabled: false, default_value: false, tags: [] }],
      });
    }
    const on = await api.put("/feature-flags/beta/enable", {});
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ slug: "beta", enabled: true });
    expect((await api.get("/feature-flags/beta")).body.enabled).toBe(true);
    expect((await qaApi.get("/feature-flags/beta")).body.enabled).toBe(false);
    expect((await api.put("/feature-flags/beta/enable", {})).body.enabled).toBe(true); // idempotent
    expect((await api.put("/feature-flags/beta/disable", {})).body.enabled).toBe(false);
    expectError(await api.get("/feature-flags/nope"), 404, "feature_flag_not_found");
    expectError(await api.put("/feature-flags/nope/enable", {}), 404, "feature_flag_not_found");
    expectError(await api.get("/feature-flags?limit=1000"), 400, "invalid_parameters");
  });

  it("targets: organizations and users of this environment only; evaluations follow the SDK's rules", {
    timeout: 30_000,
  }, async () => {
    const { api, qaApi, define } = await setup();
    await define("targeted");
    await define("on-by-default", true);
    await define("never-enabled", true);
    const org = (await api.post("/organizations", { name: "Org" })).body;
    const user = (await api.post("/user_management/users", { email: "u@x.test" })).body;
    const stranger = (await api.post("/user_management/users", { email: "s@x.test" })).body;
    const qaOrg = (await qaApi.post("/organizations", { name: "QA org" })).body;

    expect((await api.post(`/feature-flags/targeted/targets/${org.id}`, {})).status).toBe(204);
    expect((await api.post(`/feature-flags/targeted/targets/${org.id}`, {})).status).toBe(204); // idempotent
    expect((await api.post(`/feature-flags/targeted/targets/${user.id}`, {})).status).toBe(204);
    expectError(await api.post(`/feature-flags/targeted/targets/${qaOrg.id}`, {}), 404, "organization_not_found");
    expectError(await api.post("/feature-flags/targeted/targets/user_01K4BN3VKH8AFZC5J334QZY3PM", {}), 404, "user_not_found");
    expectError(await api.post("/feature-flags/targeted/targets/conn_123", {}), 404, "target_not_found");
    expectError(await api.post(`/feature-flags/nope/targets/${org.id}`, {}), 404, "feature_flag_not_found");

    const slugsFor = async (path: string) => (await api.get<List<FeatureFlag>>(path)).body.data.map((f) => f.slug).sort();
    // Disabled everywhere: nothing evaluates to true, whatever the targets or defaults.
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual([]);
    await api.put("/feature-flags/targeted/enable", {});
    await api.put("/feature-flags/on-by-default/enable", {});
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual(["on-by-default", "targeted"]);
    expect(await slugsFor(`/user_management/users/${user.id}/feature-flags`)).toEqual(["on-by-default", "targeted"]);
    expect(await slugsFor(`/user_management/users/${stranger.id}/feature-flags`)).toEqual(["on-by-default"]);
    const evaluated = await api.get(`/organizations/${org.id}/feature-flags`);
    expect(evaluated.body.data[0]).toMatchObject({ object: "feature_flag", enabled: true });

    // The runtime client's payload: every flag keyed by slug, with its targets.
    const poll = await api.get("/sdk/feature-flags");
    expect(poll.status).toBe(200);
    expect(poll.body).toEqual({
      targeted: {
        slug: "targeted",
        enabled: true,
        default_value: false,
        targets: { users: [{ id: user.id, enabled: true }], organizations: [{ id: org.id, enabled: true }] },
      },
      "on-by-default": { slug: "on-by-default", enabled: true, default_value: true, targets: { users: [], organizations: [] } },
      "never-enabled": { slug: "never-enabled", enabled: false, default_value: true, targets: { users: [], organizations: [] } },
    });
    // Another environment of the project sees the flags but none of this one's state.
    expect((await qaApi.get("/sdk/feature-flags")).body.targeted).toEqual({
      slug: "targeted",
      enabled: false,
      default_value: false,
      targets: { users: [], organizations: [] },
    });

    expect((await api.del(`/feature-flags/targeted/targets/${org.id}`)).status).toBe(204);
    expect((await api.del(`/feature-flags/targeted/targets/${org.id}`)).status).toBe(204); // idempotent
    expect(await slugsFor(`/organizations/${org.id}/feature-flags`)).toEqual(["on-by-default"]);
    expectError(await api.del(`/feature-flags/targeted/targets/${qaOrg.id}`), 404, "organization_not_found");

    // A deleted user's target no longer shows in the payload, and can still be removed.
    await api.del(`/user_management/users/${user.id}`);
    expect((await api.get("/sdk/feature-flags")).body.targeted.targets.users).toEqual([]);
    expect((await api.del(`/feature-flags/targeted/targets/${user.id}`)).status).toBe(204);

    expectError(await api.get(`/organizations/${qaOrg.id}/feature-flags`), 404, "organization_not_found");
    expectError(await api.get("/user_management/users/nope/feature-flags"), 404, "user_not_found");
  });

  it("deleting a flag from the project removes it, its state and targets from every environment", async () => {
    const { s, team, project, api, define } = await setup();
    await define("gone");
    const org = (await api.post("/organizations", { name: "Org" })).body;
    await api.put("/feature-flags/gone/enable", {});
    await api.post(`/feature-flags/gone/targets/${org.id}`, {});
    expect((await s.del(`/teams/${team.id}/projects/${project.id}/feature_flags/gone`)).status).toBe(204);
    expectError(await api.get("/feature-flags/gone"), 404, "feature_flag_not_found");
    expect((await api.get("/sdk/feature-flags")).body).toEqual({});
  });

  it("security: bad key 401, no key 401, another project's flags are invisible (404)", async () => {
    const mine = await setup("Mine");
    const theirs = await setup("Theirs");
    await theirs.define("secret-flag");
    expectError(await call("GET", "/feature-flags"), 401, "unauthorized");
    expectError(await call("GET", "/sdk/feature-flags", { token: "sk_test_nope" }), 401, "unauthorized");
    expectError(await mine.api.get("/feature-flags/secret-flag"), 404, "feature_flag_not_found");
    expectError(await mine.api.put("/feature-flags/secret-flag/enable", {}), 404, "feature_flag_not_found");
    expect((await mine.api.get("/feature-flags")).body.data).toEqual([]);
    expect((await mine.api.get("/sdk/feature-flags")).body).toEqual({});
    // Another team's organization as a target or evaluation subject: 404.
    await mine.define("mine");
    const theirOrg = (await theirs.api.post("/organizations", { name: "T" })).body;
    expectError(await mine.api.post(`/feature-flags/mine/targets/${theirOrg.id}`, {}), 404, "organization_not_found");
    expectError(await mine.api.get(`/organizations/${theirOrg.id}/feature-flags`), 404, "organization_not_found");
  });
});
