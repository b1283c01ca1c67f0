import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { addEnvironments, CLIENT, newTeam, session, sql, stagingApi, worker } from "./helpers";

/** A page's text, as a reader sees it: tags dropped. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, "");

const ORIGIN = "http://control-plane.test";

/** A person's browser, reduced to what matters here: a cookie jar and same-origin form posts. */
async function browser() {
  const jar = new Map<string, string>();
  const go = async (method: string, path: string, form?: Record<string, string | string[]>, origin = ORIGIN) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const one of ([] as string[]).concat(v)) body.append(k, one);
    const res = await worker(
      new Request(`${ORIGIN}${path}`, {
        method,
        redirect: "manual",
        headers: {
          Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
          ...(form ? { "Content-Type": "application/x-www-form-urlencoded", Origin: origin } : {}),
        },
        body: form ? body : undefined,
      }),
    );
    const cookies = res.headers.getSetCookie();
    for (const set of cookies) {
      const [pair] = set.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === "" || /Max-Age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get("Location"), html: await res.text(), setCookie: cookies.join("\n") };
  };
  return {
    get: (p: string) => go("GET", p),
    post: (p: string, f: Record<string, string | string[]>, origin?: string) => go("POST", p, f, origin),
    /** A POST, then the GET its 303 leads to (what a browser does). */
    async submit(p: string, f: Record<string, string | string[]>) {
      const r = await go("POST", p, f);
      expect(r.status, r.html.slice(0, 2000)).toBe(303);
      return { ...(await go("GET", r.location!)), from: r };
    },
  };
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

const count = async (query: string, ...params: unknown[]) => (await sql<{ n: number }>(query, ...params))[0].n;

describe("dashboard", { timeout: 30_000 }, () => {
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

  it("serves its favicon and pages with no external asset", async () => {
    const b = await signedIn();
    const icon = await b.get("/dashboard/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.html).toContain("<svg");
    const page = await b.get("/dashboard");
    expect(page.html).toContain('rel="icon" href="/dashboard/favicon.svg"');
    expect(page.html).not.toMatch(/(src|href)="https?:/);
  });

  it("serves its styles and script as static assets, hashed in their URLs, to visitors without a session", async () => {
    const signIn = await worker(new Request(`${ORIGIN}/dashboard/sign-in`));
    expect(signIn.headers.get("Content-Security-Policy")).toContain("script-src 'self';");
    const html = await signIn.text();
    expect(html).not.toMatch(/<script>|<style>/);
    const urls = [html.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1], html.match(/<script src="([^"]+)"><\/script>/)?.[1]];
    for (const [url, type] of [
      [urls[0], /^text\/css/],
      [urls[1], /javascript/],
    ] as const) {
      expect(url).toMatch(/^\/dashboard\/assets\/dashboard\.(css|js)\?v=[0-9a-f]{12}$/);
      const res = await worker(new Request(`${ORIGIN}${url}`));
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(type);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await res.arrayBuffer()));
      const hash = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
      expect(
        url!.split("?v=")[1],
        `${url}: the file changed, its hash in src/dashboard/layout.tsx is now ${hash.slice(0, 12)}`,
      ).toBe(hash.slice(0, 12));
    }
    expect((await worker(new Request(`${ORIGIN}/dashboard/assets/nothing.css`))).status).toBe(404);
  });

  it("refuses a cross-site form post (CSRF)", async () => {
    const b = await signedIn();
    const r = await b.post("/dashboard/teams", { name: "Evil", admin_email: "e@evil.test" }, "https://evil.test");
    expect(r.status).toBe(403);
    expect(await count("SELECT count(*) AS n FROM teams WHERE name = 'Evil'")).toBe(0);
  });

  it("validates a new team with the API's schema: a blank name is a 422 beside the field, what was typed kept", async () => {
    const b = await signedIn();
    const bad = await b.post("/dashboard/teams", { name: "   ", admin_email: "not-an-email" });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/id="team-name-error">Name is required\./);
    expect(bad.html).toMatch(/id="team-admin_email-error">Admin email must be an email address\./);
    expect(bad.html).toContain('value="not-an-email"');
    expect(await count("SELECT count(*) AS n FROM teams WHERE admin_email = 'not-an-email'")).toBe(0);
    const ok = await b.submit("/dashboard/teams", { name: "Dash Co", admin_email: "a@dash.test" });
    expect(ok.from.location).toMatch(/^\/dashboard\/teams\/team_/);
    expect(ok.html).toContain("<h1>Dash Co</h1>");
    expect(ok.html).toContain("Team Dash Co created");
  });

  it("lists the client's teams and projects with their environments; another client's team is not found", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Dash team");
    const other = await newTeam(await session({ id: "client_other", secret: "secret_other" }), "Hidden");
    const b = await signedIn();
    expect((await b.get("/dashboard")).html).toContain("Dash team");
    expect((await b.get("/dashboard")).html).not.toContain("Hidden");
    const page = await b.get(`/dashboard/teams/${team.id}`);
    expect(page.html).toContain(`data-project="${project.id}"`);
    for (const e of environments) expect(page.html).toContain(`data-environment="${e.id}"`);
    expect(page.html).toContain("locked until billing");
    const hidden = await b.get(`/dashboard/teams/${other.team.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.html).not.toContain("Hidden");
    expect((await b.get(`/dashboard/teams/${team.id}/environments/${other.environments[0].id}`)).status).toBe(404);
  });

  it("the path loaders: another team's project or environment, or an environment of another project, is 404 and changes nothing", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Loaded");
    const theirs = await newTeam(s, "Theirs");
    const b = await signedIn();
    const mine = `/dashboard/teams/${team.id}`;
    expect((await b.get(`${mine}/projects/${theirs.project.id}`)).status).toBe(404);
    expect((await b.get(`${mine}/projects/${theirs.project.id}/config`)).status).toBe(404);
    expect((await b.get(`${mine}/projects/not-an-id`)).status).toBe(404);
    expect((await b.post(`${mine}/environments/${theirs.environments[0].id}/users`, { email: "x@acme.test" })).status).toBe(404);
    expect((await b.post(`${mine}/environments/${theirs.environments[0].id}/rename`, { name: "Mine now" })).status).toBe(404);
    // The flag switch names an environment: one of the team's other project is not the flag's.
    await b.submit(`${mine}/projects/${project.id}/config/feature_flags`, { slug: "loaded", name: "Loaded" });
    const apps = await s.post(`/teams/${team.id}/projects`, { name: "Apps" });
    const [appsEnv] = await sql<{ id: string }>("SELECT id FROM environments WHERE project_id = ?", apps.body.id);
    // The other project has a flag of the same slug: only the path's project decides which flag this is.
    expect(
      (await s.post(`/teams/${team.id}/projects/${apps.body.id}/feature_flags`, { slug: "loaded", name: "Other" })).status,
    ).toBe(201);
    const config = `${mine}/projects/${project.id}/config/feature_flags/loaded/environments`;
    expect((await b.post(`${config}/${appsEnv.id}`, { enabled: "true" })).status).toBe(404);
    expect((await b.post(`${config}/${theirs.environments[0].id}`, { enabled: "true" })).status).toBe(404);
    expect(
      await count(
        "SELECT count(*) AS n FROM feature_flag_states WHERE enabled = 1 AND environment_id IN (?, ?)",
        appsEnv.id,
        theirs.environments[0].id,
      ),
    ).toBe(0);
    expect(await count("SELECT count(*) AS n FROM users WHERE email = 'x@acme.test'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM environments WHERE name = 'Mine now'")).toBe(0);
    // The project's own environment switches.
    expect((await b.post(`${config}/${environments[0].id}`, { enabled: "true" })).status).toBe(303);
  });

  it("the sidebar shows the current project and its environments, also past its first page of projects", async () => {
    const s = await session();
    const { team } = await newTeam(s, "Many projects");
    // 30 projects whose ids sort before any new one (ids from 2020): the sidebar's first page (25) is all theirs.
    for (let i = 0; i < 30; i++)
      await sql(
        "INSERT INTO projects (id, team_id, name, created_at, updated_at) VALUES (?, ?, ?, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')",
        `project_${ulid(Date.UTC(2020, 0, 1) + i)}`,
        team.id,
        `Early ${i}`,
      );
    const later = await s.post(`/teams/${team.id}/projects`, { name: "Latest" });
    expect(later.status).toBe(201);
    const env = await s.post(`/teams/${team.id}/environments`, { project_id: later.body.id, name: "Late staging" });
    expect(env.status).toBe(201);
    const b = await signedIn();
    const page = await b.get(`/dashboard/teams/${team.id}/environments/${env.body.id}`);
    const nav = page.html.slice(page.html.indexOf('<nav class="side"'), page.html.indexOf("</nav>"));
    expect(nav).toContain("Early 0");
    expect(nav).toContain("All projects…");
    expect(nav).toContain(`>Latest</a>`);
    expect(nav).toContain(`href="/dashboard/teams/${team.id}/environments/${env.body.id}" aria-current="page"`);
  });

  it("a project page: breadcrumbs name it; add (production refused while billing is inactive), rename and delete environments", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s, "Crumbs");
    const b = await signedIn();
    const base = `/dashboard/teams/${team.id}/projects/${project.id}`;
    const page = await b.get(base);
    expect(page.html).toMatch(
      /<nav class="crumbs" aria-label="Breadcrumb"><ol><li><a href="\/dashboard\/teams\/team_[^"]+">Crumbs<\/a><\/li><li><span aria-current="page">Default<\/span>/,
    );
    expect(page.html).toContain("<title>Default · Crumbs · Control plane</title>");
    expect(page.html).toMatch(/type="radio" name="kind" value="production" disabled=""/);

    const prod = await b.post(`${base}/environments`, { name: "Live 2", kind: "production" });
    expect(prod.status).toBe(422);
    expect(prod.html).toContain("Production is unavailable until the team adds billing information.");
    expect(prod.html).toContain('value="Live 2"');
    const blank = await b.post(`${base}/environments`, { name: "", kind: "staging" });
    expect(blank.status).toBe(422);
    expect(blank.html).toContain("Name is required.");

    const added = await b.submit(`${base}/environments`, { name: "Development", kind: "staging" });
    const [dev] = await sql<{ id: string }>(
      "SELECT id FROM environments WHERE project_id = ? AND name = 'Development'",
      project.id,
    );
    expect(added.from.location).toBe(`/dashboard/teams/${team.id}/environments/${dev.id}`);
    expect(added.html).toContain("Environment Development added to Default");

    const renamed = await b.submit(`/dashboard/teams/${team.id}/environments/${dev.id}/rename`, { name: "Dev" });
    expect(renamed.html).toContain("Environment renamed to Dev");
    expect(await count("SELECT count(*) AS n FROM environments WHERE id = ? AND name = 'Dev'", dev.id)).toBe(1);

    await b.submit(`/dashboard/teams/${team.id}/environments/${dev.id}/delete`, {});
    await b.submit(`/dashboard/teams/${team.id}/environments/${environments[1].id}/delete`, {});
    // The last environment: the button is disabled with the rule beside it, and a forced post is refused (409).
    const settings = await b.get(`/dashboard/teams/${team.id}/environments/${environments[0].id}/settings`);
    expect(settings.html).toContain("A project must keep at least one environment: this is its last one.");
    expect(settings.html).toMatch(/<button type="button" class="danger" disabled=""/);
    const forced = await b.post(`/dashboard/teams/${team.id}/environments/${environments[0].id}/delete`, {});
    expect(forced.status).toBe(409);
    expect(await count("SELECT count(*) AS n FROM environments WHERE project_id = ?", project.id)).toBe(1);
  });

  it("renames a project; refuses to delete the team's last one, deletes another", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    const b = await signedIn();
    const base = `/dashboard/teams/${team.id}/projects/${project.id}`;
    expect((await b.submit(`${base}/rename`, { name: "Main" })).html).toContain("<h1>Main</h1>");
    const bad = await b.post(`${base}/rename`, { name: "x".repeat(101) });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Project name must be at most 100 characters.");
    expect((await b.get(base)).html).toContain("A team must keep at least one project: this is its last one.");
    expect((await b.post(`${base}/delete`, {})).status).toBe(409);
    const created = await b.submit(`/dashboard/teams/${team.id}/projects`, { name: "Web", production: "yes" });
    expect(created.html).toContain("Project Web created");
    const [web] = await sql<{ id: string }>("SELECT id FROM projects WHERE team_id = ? AND name = 'Web'", team.id);
    expect(await count("SELECT count(*) AS n FROM environments WHERE project_id = ?", web.id)).toBe(2);
    const gone = await b.submit(`/dashboard/teams/${team.id}/projects/${web.id}/delete`, {});
    expect(gone.html).toContain("Project Web deleted");
    expect(await count("SELECT count(*) AS n FROM projects WHERE id = ?", web.id)).toBe(0);
  });

  it("mints a key shown once after a redirect: a reload shows it no more and mints nothing", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [staging, production] = environments;
    const b = await signedIn();
    const page = `/dashboard/teams/${team.id}/environments/${staging.id}`;
    const minted = await b.submit(`${page}/api_keys`, { name: "server" });
    expect(minted.from.location).toBe(page);
    expect(minted.html).toMatch(/id="new-key">sk_test_/);
    const reload = await b.get(page);
    expect(reload.html).not.toContain('id="new-key"');
    expect(reload.html).not.toContain(minted.html.match(/id="new-key">(sk_test_[^<]+)</)![1]);
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE environment_id = ?", staging.id)).toBe(1);
    const locked = await b.post(`/dashboard/teams/${team.id}/environments/${production.id}/api_keys`, { name: "server" });
    expect(locked.status).toBe(422);
    expect(locked.html).toContain('value="server"');
    const past = await b.post(`${page}/api_keys`, { name: "old", expires_at: "2001-01-01" });
    expect(past.status).toBe(422);
    expect(past.html).toContain("Expiry must be in the future.");
    const [key] = await sql<{ id: string }>("SELECT id FROM api_keys WHERE environment_id = ?", staging.id);
    expect((await b.submit(`${page}/api_keys/${key.id}/expire`, {})).html).toContain("Key expired");
  });

  it("applications: redirect URI errors in words beside the field, typed values kept; edit and delete", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const b = await signedIn();
    const base = `/dashboard/teams/${team.id}/environments/${environments[0].id}/applications`;
    const bad = await b.post(base, { name: "iOS", type: "mobile", redirect_uris: "https://ok.test/cb\nnot a url" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Redirect URI 2 must be an absolute URL.");
    expect(bad.html).toContain("not a url");
    await b.submit(base, { name: "iOS", type: "mobile", redirect_uris: "http://127.0.0.1:3000/callback" });
    const [app] = await sql<{ id: string }>(
      "SELECT id FROM applications WHERE environment_id = ? AND name = 'iOS'",
      environments[0].id,
    );
    expect((await b.submit(`${base}/${app.id}`, { name: "iPhone", type: "mobile", redirect_uris: "" })).html).toContain(
      "Application iPhone saved",
    );
    await b.submit(`${base}/${app.id}/delete`, {});
    expect(await count("SELECT count(*) AS n FROM applications WHERE id = ?", app.id)).toBe(0);
  });

  it("branding: bad colours refused in words; a copy needs its confirmation and names the source's project", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const [staging, production] = environments;
    const b = await signedIn();
    const page = `/dashboard/teams/${team.id}/environments/${staging.id}/branding`;
    const bad = await b.post(page, { primary_color: "orange", theme: "dark" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Primary colour must be a color as #RRGGBB.");
    await b.submit(page, { primary_color: "#ff6600", theme: "dark", display_name: "Acme" });
    const target = `/dashboard/teams/${team.id}/environments/${production.id}/branding/copy`;
    expect((await b.post(target, { source_environment_id: staging.id })).status).toBe(422);
    const copied = await b.submit(target, { source_environment_id: staging.id, confirm: "yes" });
    expect(copied.html).toContain("Branding copied from Staging (project Default)");
    expect((await s.get(`/teams/${team.id}/environments/${production.id}/branding`)).body).toMatchObject({
      primary_color: "#FF6600",
      display_name: "Acme",
    });
  });

  it("billing: the card in its own field, the email editable alone; usage grouped by project for a chosen month", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const b = await signedIn();
    const base = `/dashboard/teams/${team.id}/billing`;
    const bad = await b.post(base, { billing_email: "b@acme.test", payment_method: "42" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Card number must be at least 4 characters.");
    const billed = await b.submit(base, { billing_email: "b@acme.test", payment_method: "4242 4242 4242 4242" });
    expect(billed.html).toMatch(/id="production-state">Active/);
    expect(billed.html).toContain('autocomplete="cc-number"');
    await b.submit(`${base}/email`, { billing_email: "finance@acme.test" });
    const [row] = await sql<{ billing_email: string; payment_method: string }>(
      "SELECT billing_email, payment_method FROM team_billing WHERE team_id = ?",
      team.id,
    );
    expect(row).toEqual({ billing_email: "finance@acme.test", payment_method: "•••• 4242" });
    const usage = await b.get(`${base}?period=2024-02`);
    expect(usage.html).toContain("Usage for 2024-02");
    expect(usage.html).toContain("Project Default");
  });

  it("project-level configuration: feature flags with per-environment state, email domains; both block a transfer with a link there", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await signedIn();
    const config = `/dashboard/teams/${team.id}/projects/${project.id}/config`;
    const bad = await b.post(`${config}/feature_flags`, { slug: "Bad Slug", name: "x" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Slug must be lowercase letters");
    await b.submit(`${config}/feature_flags`, { slug: "checkout", name: "Checkout", tags: "web, beta" });
    const on = await b.submit(`${config}/feature_flags/checkout/environments/${environments[0].id}`, { enabled: "true" });
    expect(on.html).toContain("checkout is on in Staging");
    expect(
      (await b.submit(`${config}/feature_flags/checkout`, { name: "New checkout", tags: "", description: "" })).html,
    ).toContain("New checkout");
    await b.submit(`${config}/email_domains`, { domain: "Mail.Acme.test" });
    expect((await b.get(config)).html).toContain("_domainkey.mail.acme.test");
    const dup = await b.post(`${config}/email_domains`, { domain: "mail.acme.test" });
    expect(dup.status).toBe(409);

    // The source picker marks the project, and the review names each blocker with a link to where it is fixed.
    expect((await b.get(`/dashboard/teams/${team.id}/projects/new`)).html).toMatch(
      /A source only with a copy: It has project-level configuration \(feature flags, custom email domains\)/,
    );
    const review = await b.get(
      `/dashboard/teams/${team.id}/projects/new/review?name=Mobile&source_project_id=${project.id}&environment_ids=${environments[0].id}`,
    );
    expect(review.html).toContain('data-code="source_project_config_not_copyable"');
    expect(review.html).toContain(`href="${config}#feature-flags"`);
    expect(review.html).toContain(`href="${config}#email-domains"`);
    // With the copy, the same review has no blocker and lists what is copied.
    const copy = await b.get(
      `/dashboard/teams/${team.id}/projects/new/review?name=Mobile&source_project_id=${project.id}&configuration=copy&environment_ids=${environments[0].id}`,
    );
    expect(copy.html).not.toContain("data-code=");
    expect(textOf(copy.html)).toMatch(/feature flags: copied checkout/);

    await b.submit(`${config}/feature_flags/checkout/delete`, {});
    const [domain] = await sql<{ id: string }>("SELECT id FROM email_domains WHERE project_id = ?", project.id);
    await b.submit(`${config}/email_domains/${domain.id}/delete`, {});
    expect(await count("SELECT count(*) AS n FROM feature_flags WHERE project_id = ?", project.id)).toBe(0);
  });

  it("the transfer wizard: review with holdings, acknowledgement refused with 422, success redirects to the new project, a resubmission says it already happened", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const [dev] = await addEnvironments(s, team.id, project.id, 1);
    const b = await signedIn();
    const choose = await b.get(
      `/dashboard/teams/${team.id}/projects/new/transfer?name=Mobile&source_project_id=${project.id}&environment_ids=${dev.id}`,
    );
    for (const e of [...environments, dev]) expect(choose.html).toContain(`value="${e.id}"`);
    expect(choose.html).toMatch(new RegExp(`value="${dev.id}" checked=""`));
    const badName = await b.get(`/dashboard/teams/${team.id}/projects/new/transfer?name=%20&source_project_id=${project.id}`);
    expect(badName.status).toBe(422);
    expect(badName.html).toContain("Project name is required.");

    const all = await b.get(
      `/dashboard/teams/${team.id}/projects/new/review?name=Mobile&source_project_id=${project.id}&${[...environments, dev].map((e) => `environment_ids=${e.id}`).join("&")}`,
    );
    expect(all.html).toContain('data-code="source_project_must_keep_environment"');
    expect(all.html).toMatch(/<button type="submit" class="danger" disabled/);

    const review = await b.get(
      `/dashboard/teams/${team.id}/projects/new/review?name=Mobile&source_project_id=${project.id}&environment_ids=${environments[0].id}`,
    );
    expect(review.html).toContain(`data-moving="${environments[0].id}"`);
    expect(review.html).toContain("0 users · 0 organizations · 0 connections · 0 keys · 0 webhook endpoints");
    expect(review.html).toContain(`data-staying="${dev.id}"`);
    const field = (name: string) => review.html.match(new RegExp(`name="${name}" value="([^"]+)"`))![1];
    const form = {
      name: "Mobile",
      source_project_id: project.id,
      environment_ids: [environments[0].id],
      preview_token: field("preview_token"),
      idempotency_token: field("idempotency_token"),
    };

    const refused = await b.post(`/dashboard/teams/${team.id}/projects/transfer`, form);
    expect(refused.status).toBe(422);
    expect(refused.html).toContain("The acknowledgement must be ticked");
    expect(await count("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toBe(1);

    const done = await b.submit(`/dashboard/teams/${team.id}/projects/transfer`, { ...form, acknowledge: "yes" });
    const [moved] = await sql<{ project_id: string }>("SELECT project_id FROM environments WHERE id = ?", environments[0].id);
    expect(moved.project_id).not.toBe(project.id);
    expect(done.from.location).toBe(`/dashboard/teams/${team.id}/projects/${moved.project_id}`);
    expect(done.html).toContain("Transferred Staging into the new project Mobile.");

    const again = await b.submit(`/dashboard/teams/${team.id}/projects/transfer`, { ...form, acknowledge: "yes" });
    expect(again.from.location).toBe(`/dashboard/teams/${team.id}/projects/${moved.project_id}`);
    expect(again.html).toContain("This transfer already happened");
    expect(await count("SELECT count(*) AS n FROM projects WHERE team_id = ?", team.id)).toBe(2);
    expect(await count("SELECT count(*) AS n FROM transfers WHERE team_id = ?", team.id)).toBe(1);

    const record = await b.get(`/dashboard/teams/${team.id}/transfers`);
    expect(record.html).toContain("Default → ");
    expect(record.html).toContain(">Mobile</a>");
    // Who did it: the platform client that signed in.
    expect(textOf(record.html)).toMatch(/ · by client_test\s/);
  });

  it("transfers into an existing project, copying configuration; the record names both projects and the environments", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const b = await signedIn();
    await b.submit(`/dashboard/teams/${team.id}/projects/${project.id}/config/feature_flags`, { slug: "beta", name: "Beta" });
    await b.submit(`/dashboard/teams/${team.id}/projects`, { name: "Apps", production: "" });
    const [apps] = await sql<{ id: string }>("SELECT id FROM projects WHERE team_id = ? AND name = 'Apps'", team.id);
    const start = await b.get(
      `/dashboard/teams/${team.id}/projects/new/transfer?destination=existing&destination_project_id=${apps.id}&source_project_id=${project.id}&configuration=copy`,
    );
    expect(start.status).toBe(200);
    expect(start.html).toContain("the existing project Apps");
    const noDestination = await b.get(
      `/dashboard/teams/${team.id}/projects/new/transfer?destination=existing&source_project_id=${project.id}`,
    );
    expect(noDestination.status).toBe(422);
    expect(noDestination.html).toContain("Existing project must be a project id.");
    const review = await b.get(
      `/dashboard/teams/${team.id}/projects/new/review?destination_project_id=${apps.id}&source_project_id=${project.id}&configuration=copy&environment_ids=${environments[1].id}`,
    );
    expect(review.html).toContain("Apps after the transfer");
    expect(textOf(review.html)).toMatch(/feature flags: copied beta/);
    const field = (name: string) => review.html.match(new RegExp(`name="${name}" value="([^"]+)"`))![1];
    const done = await b.submit(`/dashboard/teams/${team.id}/projects/transfer`, {
      destination_project_id: apps.id,
      source_project_id: project.id,
      configuration: "copy",
      environment_ids: environments[1].id,
      preview_token: field("preview_token"),
      idempotency_token: field("idempotency_token"),
      acknowledge: "yes",
    });
    expect(done.from.location).toBe(`/dashboard/teams/${team.id}/projects/${apps.id}`);
    expect(done.html).toContain("Transferred Production into Apps.");
    expect(await count("SELECT count(*) AS n FROM feature_flags WHERE project_id = ? AND slug = 'beta'", apps.id)).toBe(1);
    const record = await b.get(`/dashboard/teams/${team.id}/transfers`);
    expect(record.html).toContain("into an existing project");
    expect(record.html).toContain("Configuration copied: beta");
  });

  it("an environment's organizations, users, webhook endpoints (with deliveries) and events, read-only and paginated; an SSO connection created for an organization", async () => {
    const { team, staging, api } = await stagingApi();
    const org = (await api.post("/organizations", { name: "Globex" })).body;
    const endpoint = (
      await api.post("/webhook_endpoints", { endpoint_url: "http://localhost:4000/hooks", events: ["user.created"] })
    ).body;
    for (let i = 0; i < 27; i++)
      expect((await api.post("/user_management/users", { email: `u${i}@globex.test` })).status).toBe(201);
    const b = await signedIn();
    const base = `/dashboard/teams/${team.id}/environments/${staging.id}`;
    expect((await b.get(`${base}/organizations`)).html).toContain(`data-organization="${org.id}"`);
    const users = await b.get(`${base}/users`);
    expect(users.html.match(/data-user="/g)).toHaveLength(25);
    const next = users.html.match(/href="([^"]+\/users\?after=[^"]+)"/)![1];
    expect((await b.get(next)).html.match(/data-user="/g)).toHaveLength(2);
    const hooks = await b.get(`${base}/webhooks`);
    expect(hooks.html).toContain(`data-endpoint="${endpoint.id}"`);
    expect(hooks.html).toContain("data-delivery=");
    expect((await b.get(`${base}/events`)).html).toContain("user.created");

    const bad = await b.post(`${base}/connections`, { organization_id: org.id, connection_type: "NotAType", name: "SSO" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Connection type must be a connection type such as GenericSAML or OktaSAML.");
    const made = await b.submit(`${base}/connections`, {
      organization_id: org.id,
      connection_type: "OktaSAML",
      name: "Globex Okta",
    });
    expect(made.html).toContain("Connection Globex Okta created.");
    expect(await count("SELECT count(*) AS n FROM connections WHERE organization_id = ?", org.id)).toBe(1);
  });

  it("team activity lists events newest first, a page at a time", async () => {
    const s = await session();
    const { team, project } = await newTeam(s);
    await addEnvironments(s, team.id, project.id, 24);
    const b = await signedIn();
    const first = await b.get(`/dashboard/teams/${team.id}/activity`);
    expect(first.html.match(/data-event="/g)).toHaveLength(25);
    // Each names who did it: here the platform client.
    expect(textOf(first.html).match(/ · by client_test · /g)).toHaveLength(25);
    expect(first.html.indexOf('data-event="environment.created"')).toBeLessThan(
      first.html.indexOf('data-event="team.created"') === -1 ? Infinity : first.html.indexOf('data-event="team.created"'),
    );
    const next = first.html.match(/href="([^"]+\?after=[^"]+)"/)![1];
    expect((await b.get(next)).html).toContain('data-event="team.created"');
  }, 30_000);
});
