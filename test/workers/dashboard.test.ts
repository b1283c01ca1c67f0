import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addEnvironments, CLIENT, newTeam, session, sql } from "./helpers";

const ORIGIN = "http://control-plane.test";

/** A person's browser, reduced to what matters here: a cookie jar and same-origin form posts. */
async function browser() {
  let cookie = "";
  const go = async (method: string, path: string, form?: Record<string, string | string[]>, origin = ORIGIN) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const one of ([] as string[]).concat(v)) body.append(k, one);
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}${path}`, {
        method,
        redirect: "manual",
        headers: { Cookie: cookie, ...(form ? { "Content-Type": "application/x-www-form-urlencoded", Origin: origin } : {}) },
        body: form ? body : undefined,
      }),
    );
    const set = res.headers.get("Set-Cookie");
    if (set) cookie = set.split(";")[0];
    return { status: res.status, location: res.headers.get("Location"), html: await res.text(), setCookie: set };
  };
  return { get: (p: string) => go("GET", p), post: (p: string, f: Record<string, string | string[]>, origin?: string) => go("POST", p, f, origin) };
}

async function signedIn() {
  const b = await browser();
  const r = await b.post("/dashboard/sign-in", { client_id: CLIENT.id, client_secret: CLIENT.secret });
  expect(r.status).toBe(303);
  expect(r.location).toBe("/dashboard");
  expect(r.setCookie).toMatch(/HttpOnly/i);
  expect(r.setCookie).toMatch(/SameSite=Strict/i);
  return b;
}

describe("dashboard", () => {
  it("sends a visitor without a session to the sign-in page, and refuses wrong credentials", async () => {
    const b = await browser();
    const r = await b.get("/dashboard");
    expect(r.status).toBe(302);
    expect(r.location).toBe("/dashboard/sign-in");
    expect((await b.get("/dashboard/sign-in")).html).toContain("Client secret");
    const wrong = await b.post("/dashboard/sign-in", { client_id: CLIENT.id, client_secret: "nope" });
    expect(wrong.location).toBe("/dashboard/sign-in?failed=1");
    expect((await b.get("/dashboard")).status).toBe(302);
  });

  it("refuses a cross-site form post (CSRF)", async () => {
    const b = await signedIn();
    const r = await b.post("/dashboard/teams", { name: "Evil", admin_email: "e@evil.test" }, "https://evil.test");
    expect(r.status).toBe(403);
    expect(await sql("SELECT count(*) AS n FROM teams WHERE name = 'Evil'")).toEqual([{ n: 0 }]);
  });

  it("lists the client's teams and projects with their environments; another client's team is not found", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Dash team");
    const other = await newTeam(await session({ id: "client_other", secret: "secret_other" }), "Hidden");
    const b = await signedIn();
    expect((await b.get("/dashboard")).html).toContain("Dash team");
    expect((await b.get("/dashboard")).html).not.toContain("Hidden");
    const page = await b.get(`/dashboard/teams/${team.id}`);
    expect(page.html).toContain(project.id);
    for (const e of environments) expect(page.html).toContain(`data-environment="${e.id}"`);
    expect(page.html).toContain("locked until billing");
    const hidden = await b.get(`/dashboard/teams/${other.team.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.html).not.toContain("Hidden");
  });

  it("creates a project by transfer through the review step, which lists every blocker and requires the acknowledgement", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [dev] = await addEnvironments(s, team.id, project.id, 1);
    const b = await signedIn();
    const choose = await b.get(`/dashboard/teams/${team.id}/projects/new/transfer?name=Mobile&source_project_id=${project.id}`);
    for (const e of [...environments, dev]) expect(choose.html).toContain(`value="${e.id}"`);

    // Moving everything: the review shows the blocker and offers no way on.
    const all = await b.post(`/dashboard/teams/${team.id}/projects/review`, {
      name: "Mobile",
      source_project_id: project.id,
      environment_ids: [...environments, dev].map((e) => e.id),
    });
    expect(all.html).toContain('data-code="source_project_must_keep_environment"');
    expect(all.html).toMatch(/<button type="submit" disabled/);

    const review = await b.post(`/dashboard/teams/${team.id}/projects/review`, {
      name: "Mobile",
      source_project_id: project.id,
      environment_ids: [environments[0].id, environments[1].id],
    });
    expect(review.html).toContain("Staging");
    expect(review.html).toContain(`data-moving="${environments[0].id}"`);
    expect(review.html).toContain("irreversible");
    const token = review.html.match(/name="preview_token" value="([^"]+)"/)![1];
    const base = { name: "Mobile", source_project_id: project.id, environment_ids: [environments[0].id, environments[1].id], preview_token: token };

    // Without the acknowledgement nothing moves.
    const refused = await b.post(`/dashboard/teams/${team.id}/projects/transfer`, base);
    expect(refused.status).toBe(200);
    expect(refused.html).toContain("irreversible: set transfer.acknowledge");
    expect(await sql("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);

    const done = await b.post(`/dashboard/teams/${team.id}/projects/transfer`, { ...base, acknowledge: "yes" });
    expect(done.status).toBe(303);
    const moved = await sql<{ project_id: string }>("SELECT DISTINCT project_id FROM environments WHERE id IN (?, ?)", environments[0].id, environments[1].id);
    expect(moved).toHaveLength(1);
    expect(moved[0].project_id).not.toBe(project.id);
    expect((await b.get(`/dashboard/teams/${team.id}/transfers`)).html).toContain(moved[0].project_id);
  });

  it("creates a project from scratch, mints a key shown once, adds billing to unlock production", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const b = await signedIn();
    expect((await b.post(`/dashboard/teams/${team.id}/projects`, { name: "Web", production: "yes" })).status).toBe(303);
    const envs = await sql<{ id: string; production: number }>(
      "SELECT e.id, e.production FROM environments e JOIN projects p ON p.id = e.project_id WHERE p.name = 'Web' AND p.team_id = ? ORDER BY e.id",
      team.id,
    );
    expect(envs.map((e) => e.production)).toEqual([0, 1]);
    const locked = await b.post(`/dashboard/teams/${team.id}/environments/${envs[1].id}/api_keys`, { name: "server" });
    expect(locked.html).toContain("locked until the team adds billing");
    const minted = await b.post(`/dashboard/teams/${team.id}/environments/${envs[0].id}/api_keys`, { name: "server" });
    expect(minted.html).toMatch(/id="new-key">\s*sk_test_/);
    expect((await b.get(`/dashboard/teams/${team.id}/environments/${envs[0].id}`)).html).not.toContain("sk_test_");
    const billed = await b.post(`/dashboard/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "4242424242424242" });
    expect(billed.html).toContain("•••• 4242");
    expect(billed.html).toMatch(/id="production-state">Active/);
    const live = await b.post(`/dashboard/teams/${team.id}/environments/${envs[1].id}/api_keys`, { name: "server" });
    expect(live.html).toMatch(/id="new-key">\s*sk_live_/);
  });

  it("adds an application, saves branding (refusing bad values) and copies branding from another environment", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [staging, production] = environments;
    const b = await signedIn();
    const page = `/dashboard/teams/${team.id}/environments/${staging.id}`;
    expect((await b.post(`${page}/applications`, { name: "iOS", type: "mobile", redirect_uris: "http://127.0.0.1:3000/callback" })).status).toBe(303);
    expect((await b.get(page)).html).toContain("iOS");
    const bad = await b.post(`${page}/branding`, { primary_color: "orange", theme: "dark" });
    expect(bad.html).toContain("primary_color must be a color as #RRGGBB.");
    expect((await b.post(`${page}/branding`, { primary_color: "#ff6600", theme: "dark", display_name: "Acme" })).status).toBe(303);
    const copy = await b.post(`/dashboard/teams/${team.id}/environments/${production.id}/branding/copy`, { source_environment_id: staging.id });
    expect(copy.status).toBe(303);
    const copied = await s.get(`/teams/${team.id}/environments/${production.id}/branding`);
    expect(copied.body).toMatchObject({ primary_color: "#FF6600", theme: "dark", display_name: "Acme" });
  });

  it("manages a project's custom email domains on its configuration page", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const b = await signedIn();
    const page = `/dashboard/teams/${team.id}/projects/${project.id}/config`;
    expect((await b.post(`${page}/email_domains`, { domain: "Mail.Acme.test" })).status).toBe(303);
    const html = (await b.get(page)).html;
    expect(html).toContain('data-domain="mail.acme.test"');
    expect(html).toContain("_domainkey.mail.acme.test");
    expect((await b.post(`${page}/email_domains`, { domain: "mail.acme.test" })).html).toContain("already a custom email domain");
    expect((await b.post(`${page}/email_domains`, { domain: "nope" })).html).toContain("must be a domain name");
    const [row] = await sql<{ id: string }>("SELECT id FROM email_domains WHERE project_id = ?", project.id);
    expect((await b.post(`${page}/email_domains/${row.id}/delete`, {})).status).toBe(303);
    expect(await sql("SELECT count(*) AS n FROM email_domains WHERE project_id = ?", project.id)).toEqual([{ n: 0 }]);
  });
});
