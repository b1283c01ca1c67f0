/// <reference types="vite/client" />
import { beforeAll, describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { PERMISSIONS, type Permission, ROLE_GRANTS, ROUTE_PERMISSIONS, roleAllows } from "../../src/auth/permissions";
import { ROLES, type Role } from "../../src/db/schema";
import app from "../../src/index";
import { CLIENT, call, newTeam, type Session, session } from "./helpers";
import { join, type Person } from "./people-helpers";
import type { Team } from "./types";

/** Every route the app registers under /platform and /dashboard (from the app itself, not a hand-kept list). */
function appRoutes() {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL" || !(r.path.startsWith("/platform") || r.path.startsWith("/dashboard"))) continue;
    seen.add(`${r.method} ${r.path}`);
  }
  return [...seen].sort();
}

/**
 * The permission table as the README shows it: one row per set of permissions the roles hold alike (in the order
 * of PERMISSIONS), "staging" where a role holds it on staging environments only.
 */
function permissionTable(): string {
  const cells = (p: Permission) => ROLES.map((r) => (roleAllows(r, p) ? "✓" : roleAllows(r, p, "staging") ? "staging" : ""));
  const rows = new Map<string, Permission[]>();
  for (const p of PERMISSIONS) {
    const row = cells(p)
      .map((c) => (c ? ` ${c} |` : " |"))
      .join("");
    rows.set(row, [...(rows.get(row) ?? []), p]);
  }
  return [
    `| permission | ${ROLES.join(" | ")} |`,
    `|---|${ROLES.map(() => "---").join("|")}|`,
    ...[...rows].map(([row, permissions]) => `| ${permissions.map((p) => `\`${p}\``).join(", ")} |${row}`),
  ].join("\n");
}

/** The README's table, its notes on what a permission covers (in parentheses) left out. */
function readmeTable(): string[] {
  const lines = readme.split("\n");
  const at = lines.findIndex((l) => l.startsWith("| permission |"));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && !l.startsWith("|"));
  return lines.slice(at, end < 0 ? undefined : end).map((l) => l.replace(/ \([^)]*\)/g, ""));
}

/** The Platform API's routes, DELETE last (a deleted staging environment must not change what later routes see). */
const PLATFORM_ROUTES = appRoutes()
  .filter((r) => r.includes(" /platform"))
  .sort((a, b) => Number(a.startsWith("DELETE")) - Number(b.startsWith("DELETE")));

const FAKE = "01J00000000000000000000000";
const fakeIds: Record<string, string> = {
  member_id: `member_${FAKE}`,
  invitation_id: `invitation_${FAKE}`,
  key_id: `api_key_${FAKE}`,
  application_id: `app_${FAKE}`,
  email_domain_id: `email_domain_${FAKE}`,
  slug: "no-such-flag",
};

describe("the permission table", () => {
  // One team per role (destructive routes run last, on the role's own team), billing on so production exists. Six
  // teams and five people: about 50 requests, more than vitest's 10 s hook default allows on a busy machine.
  const setups: {
    who: Role | "client";
    s: Session | Person;
    teamId: string;
    projectId: string;
    staging: string;
    production: string;
  }[] = [];
  beforeAll(async () => {
    const client = await session();
    for (const who of [...ROLES, "client"] as const) {
      const { team, project, environments } = await newTeam(client, `Matrix ${who}`);
      await client.put(`/teams/${team.id}/billing`, { billing_email: "b@matrix.test", payment_method: "4242" });
      const s = who === "client" ? client : await join(client, team.id, who);
      setups.push({
        who,
        s,
        teamId: team.id,
        projectId: project.id,
        staging: environments[0].id,
        production: environments[1].id,
      });
    }
  }, 120_000);

  it("has an entry for every route of the Platform API and the dashboard", () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes.filter((r) => !ROUTE_PERMISSIONS[r]);
    expect(missing, `routes without an entry in src/auth/permissions.ts:\n${missing.join("\n")}`).toEqual([]);
  });

  it("has no entry for a route that does not exist", () => {
    const routes = new Set(appRoutes());
    expect(Object.keys(ROUTE_PERMISSIONS).filter((k) => !routes.has(k) && k !== "GET /dashboard/")).toEqual([]);
  });

  it("grants only known permissions", () => {
    for (const grants of Object.values(ROLE_GRANTS))
      for (const g of grants) expect(g.replace(/@staging$/, "")).toMatch(/^[a-z_]+:[a-z]+$/);
  });

  it("has routes to check, and refuses some of them to some roles", () => {
    expect(PLATFORM_ROUTES.length).toBeGreaterThan(40);
    const refusals = PLATFORM_ROUTES.flatMap((route) => {
      const rule = ROUTE_PERMISSIONS[route];
      return rule && "permission" in rule ? ROLES.filter((r) => !roleAllows(r, rule.permission, "staging")) : [];
    });
    expect(refusals.length).toBeGreaterThan(50);
  });
  it.each(PLATFORM_ROUTES)(
    "role × %s: each role gets exactly what the table says; platform clients get everything",
    { timeout: 30_000 },
    async (route) => {
      const [method, template] = route.split(" ");
      const rule = ROUTE_PERMISSIONS[route];
      if (!rule || "public" in rule) return;
      const tiers: ("staging" | "production" | undefined)[] = rule.tiered ? ["staging", "production"] : [undefined];
      const mismatches: string[] = [];
      for (const setup of setups)
        for (const tier of tiers) {
          const path = template
            .replace("/platform", "")
            .replace(":team_id", setup.teamId)
            .replace(":project_id", setup.projectId)
            .replace(":environment_id", tier === "production" ? setup.production : setup.staging)
            .replace(/:([a-z_]+)/g, (_, name) => fakeIds[name] ?? `x_${name}`);
          // A body the validators refuse (after authorization): nothing is written by an allowed call.
          const body =
            method === "GET" || method === "DELETE" ? undefined : { production: tier === "production", zz_not_a_field: 1 };
          const answer = await call(method, `/platform${path}`, { token: setup.s.token, body });
          const refused = answer.status === 403 && answer.body?.code === "forbidden";
          const expected =
            setup.who === "client"
              ? true
              : template.includes(":team_id")
                ? roleAllows(setup.who, rule.permission, tier)
                : rule.permission === "teams:list";
          if (answer.status >= 500) mismatches.push(`${setup.who} [${tier ?? "-"}]: ${answer.status}`);
          if (refused !== !expected)
            mismatches.push(
              `${setup.who} [${tier ?? "-"}]: expected ${expected ? "allowed" : "refused"}, got ${answer.status} ${answer.body?.code}`,
            );
          if (refused && answer.body.permission !== rule.permission)
            mismatches.push(`${setup.who}: refusal names ${answer.body.permission}, table says ${rule.permission}`);
        }
      expect(mismatches).toEqual([]);
    },
  );

  it("a transfer needs transfers:create even where creating a project is allowed", async () => {
    const client = await session();
    const { team, project, environments } = await newTeam(client);
    const member = await join(client, team.id, "member");
    const r = await member.post(`/teams/${team.id}/projects`, {
      name: "Moved",
      transfer: { source_project_id: project.id, environment_ids: [environments[0].id], acknowledge: true },
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "forbidden", permission: "transfers:create" });
    expect((await member.post(`/teams/${team.id}/projects`, { name: "Scratch" })).status).toBe(201);
  });

  it("a member-sandbox manages staging and is refused in production, naming the permission", async () => {
    const client = await session();
    const { team, environments } = await newTeam(client);
    await client.put(`/teams/${team.id}/billing`, { billing_email: "b@x.test", payment_method: "4242" });
    const sandbox = await join(client, team.id, "member-sandbox");
    const [staging, production] = environments;
    expect((await sandbox.post(`/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "k" })).status).toBe(201);
    const refused = await sandbox.post(`/teams/${team.id}/environments/${production.id}/api_keys`, { name: "k" });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: "forbidden", permission: "environments:configure" });
    expect(refused.body.message).toContain("environments:configure");
    expect((await sandbox.get(`/teams/${team.id}/environments/${production.id}/api_keys`)).status).toBe(200);
    expect((await sandbox.post(`/teams/${team.id}/environments`, { name: "Prod 2", production: true })).status).toBe(403);
    expect((await sandbox.post(`/teams/${team.id}/environments`, { name: "Staging 2" })).status).toBe(201);
  });

  it("a person's bearer token does not reach another team (404), nor create teams (403)", async () => {
    const client = await session();
    const mine = await newTeam(client);
    const theirs = await newTeam(client);
    const admin = await join(client, mine.team.id, "admin");
    const r = await admin.get(`/teams/${theirs.team.id}/environments`);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("team_not_found");
    expect((await admin.post("/teams", { name: "Mine", admin_email: admin.email })).body).toMatchObject({
      code: "forbidden",
      permission: "teams:create",
    });
    expect((await admin.get("/teams")).body.data.map((t: Team) => t.id)).toEqual([mine.team.id]);
    expect(CLIENT.id).toBe("client_test");
  });

  it('is the README\'s table (README.md, "People, roles and sign-in"), generated', () => {
    const shown = readmeTable();
    expect(shown.length, "a table under a `| permission |` header in README.md").toBeGreaterThan(2);
    expect(
      shown.join("\n"),
      `README.md's permission table; the table generated from src/auth/permissions.ts is:\n${permissionTable()}`,
    ).toBe(permissionTable());
  });
});
