import { describe, expect, it, vi } from "vitest";
import { CLIENT, d1, type EnvApi, envApi, mintKey, newTeam, type Session, session, storeSql, worker } from "./helpers";

/**
 * The billing page's team total: the month's usage of every production environment of the team, on every page
 * of projects, read from the team's counters (team_usage_counters, kept by triggers) and never from each
 * environment. Its rows read are measured in dashboard-rows-read.test.ts.
 *
 * An environment counts its usage in its own object; the object's alarm copies the counters into D1's
 * usage_counters right after the write (src/environment-store/usage-rollup.ts), and D1's triggers keep the team's
 * rows. The tests wait for that copy, then compare D1's team rows with the objects' own counters.
 */
const ORIGIN = "http://control-plane.test";

async function operatorCookie() {
  const res = await worker(
    new Request(`${ORIGIN}/dashboard/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: new URLSearchParams({ client_id: CLIENT.id, client_secret: CLIENT.secret }),
    }),
  );
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith("cp_session="))!
    .split(";")[0];
}

async function billingPage(cookie: string, teamId: string, query = "") {
  const res = await worker(new Request(`${ORIGIN}/dashboard/teams/${teamId}/billing${query}`, { headers: { Cookie: cookie } }));
  expect(res.status).toBe(200);
  return res.text();
}

const teamTotal = (html: string) => /id="team-total">([^<]+)</.exec(html)?.[1];
const money = (cents: number) => `${(cents / 100).toFixed(2)} USD`;

interface Counter {
  period: string;
  metric: string;
  n: number;
}
const byKey = (a: Counter, b: Counter) => `${a.period} ${a.metric}`.localeCompare(`${b.period} ${b.metric}`);

/**
 * The team's counters (D1's team_usage_counters), and what they must equal: the sum of its production
 * environments' counters, as each environment's object holds them. Waits (bounded) for the objects' roll-ups:
 * until they ran, D1 is behind by the last writes.
 */
async function countersOf(teamId: string) {
  const summed = async () => {
    const production = await d1<{ id: string }>("SELECT id FROM environments WHERE team_id = ? AND production = 1", teamId);
    const sums = new Map<string, Counter>();
    for (const { id } of production)
      for (const r of await storeSql<Counter>(id, "SELECT period, metric, n FROM usage_counters WHERE environment_id = ?", id)) {
        const key = `${r.period} ${r.metric}`;
        sums.set(key, { period: r.period, metric: r.metric, n: (sums.get(key)?.n ?? 0) + r.n });
      }
    return [...sums.values()].filter((r) => r.n !== 0).sort(byKey);
  };
  const kept = async () =>
    (await d1<Counter>("SELECT period, metric, n FROM team_usage_counters WHERE team_id = ? AND n <> 0", teamId)).sort(byKey);
  let counters = { kept: [] as Counter[], summed: [] as Counter[] };
  await vi
    .waitFor(
      async () => {
        counters = { kept: await kept(), summed: await summed() };
        expect(counters.kept).toEqual(counters.summed);
      },
      { timeout: 10_000, interval: 50 },
    )
    .catch(() => {}); // the caller's assertion reports the difference
  return counters;
}

/** Waits until the usage of every environment of the team has reached D1 (the usage report reads D1's copy). */
const rolledUp = (teamId: string) => countersOf(teamId);

async function production(s: Session, teamId: string, projectId: string, name: string) {
  const r = await s.post(`/teams/${teamId}/environments`, { name, project_id: projectId, production: true });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, api: envApi(await mintKey(s, teamId, r.body.id)) };
}

async function connection(s: Session, teamId: string, environmentId: string, organizationId: string) {
  const r = await s.post(`/teams/${teamId}/environments/${environmentId}/connections`, {
    organization_id: organizationId,
    connection_type: "OktaSAML",
    name: "Okta",
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const organization = async (api: EnvApi) => (await api.post("/organizations", { name: "Org" })).body.id as string;

describe("billing: the team's total", { timeout: 60_000 }, () => {
  it("is the whole team's on every page of projects, equal to the API's unpaged total", async () => {
    const s = await session();
    const { team } = await newTeam(s, "Totals");
    expect(
      (await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" })).status,
    ).toBe(200);
    // 7 projects (two pages of 5), each with a production environment holding an SSO connection (125.00 USD).
    for (let i = 0; i < 6; i++) {
      const p = await s.post(`/teams/${team.id}/projects`, { name: `P${i}` });
      expect(p.status).toBe(201);
      const env = await production(s, team.id, p.body.id, `Prod ${i}`);
      await connection(s, team.id, env.id, await organization(env.api));
    }
    await rolledUp(team.id);
    const api = await s.get(`/teams/${team.id}/usage`);
    expect(api.body.total_cents).toBe(6 * 12500);
    const cookie = await operatorCookie();
    const first = await billingPage(cookie, team.id);
    expect(first).toContain("Total of these projects");
    expect(teamTotal(first)).toBe(money(api.body.total_cents));
    const next = /href="([^"]+&amp;after=[^"#]+)/
      .exec(first)![1]
      .replace(/&amp;/g, "&")
      .replace(/^.*\/billing/, "");
    const second = await billingPage(cookie, team.id, next);
    expect(teamTotal(second)).toBe(money(api.body.total_cents));
    expect(second).toContain("6 SSO connections");
    // A month before any of it: nothing.
    expect(teamTotal(await billingPage(cookie, team.id, "?period=2020-01"))).toBe(money(0));
  });

  it("the team's counters stay the sum of its production environments' through creations, deletions and transfers", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Counted");
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" });
    const [staging, prod] = environments;
    const prodApi = envApi(await mintKey(s, team.id, prod.id));
    const stagingApi = envApi(await mintKey(s, team.id, staging.id));
    const prodOrg = await organization(prodApi);
    const user = (await prodApi.post("/user_management/users", { email: "a@acme.test" })).body.id;
    await prodApi.post("/user_management/users", { email: "b@acme.test" });
    await stagingApi.post("/user_management/users", { email: "s@acme.test" });
    await connection(s, team.id, prod.id, prodOrg);
    await connection(s, team.id, staging.id, await organization(stagingApi));
    const event = {
      action: "user.signed_in",
      occurred_at: "2031-01-01T00:00:00.000Z",
      actor: { id: "u", type: "user" },
      targets: [{ id: "t", type: "team" }],
      context: { location: "1.1.1.1" },
    };
    expect((await prodApi.post("/audit_logs/events", { organization_id: prodOrg, event })).status).toBe(201);
    let counters = await countersOf(team.id);
    expect(counters.kept.length).toBeGreaterThan(0);
    expect(counters.kept).toEqual(counters.summed);

    // Deletions: a user; an organization with its connection (the cascade).
    expect((await prodApi.del(`/user_management/users/${user}`)).status).toBe(204);
    const gone = await organization(prodApi);
    await connection(s, team.id, prod.id, gone);
    expect((await prodApi.del(`/organizations/${gone}`)).status).toBe(204);
    counters = await countersOf(team.id);
    expect(counters.kept).toEqual(counters.summed);

    // A production environment used, transferred into a new project (still the team's); another one deleted.
    const mobile = await production(s, team.id, project.id, "Mobile");
    await connection(s, team.id, mobile.id, await organization(mobile.api));
    await mobile.api.post("/user_management/users", { email: "m@acme.test" });
    const moved = await s.post(`/teams/${team.id}/projects`, {
      name: "Mobile",
      transfer: { source_project_id: project.id, environment_ids: [mobile.id], acknowledge: true },
    });
    expect(moved.status).toBe(201);
    counters = await countersOf(team.id);
    expect(counters.kept).toEqual(counters.summed);
    expect(counters.kept).toContainEqual({ period: "total", metric: "sso_connections", n: 2 });
    const doomed = await production(s, team.id, project.id, "Doomed");
    await connection(s, team.id, doomed.id, await organization(doomed.api));
    expect((await s.del(`/teams/${team.id}/environments/${doomed.id}`)).status).toBeLessThan(300);
    counters = await countersOf(team.id);
    expect(counters.kept).toEqual(counters.summed);
    expect(counters.kept).toContainEqual({ period: "total", metric: "sso_connections", n: 2 });
    expect(counters.kept).toContainEqual({ period: "total", metric: "users", n: 2 });
  });
});
