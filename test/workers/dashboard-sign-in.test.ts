import { env } from "cloudflare:workers";
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { userSessions, users } from "../../src/db/schema";
import { storeOf } from "../../src/db/store-client";
import { CLIENT, d1, newTeam, type Session, session, sql } from "./helpers";
import { form, join, PASSWORD, page } from "./people-helpers";
import { authenticate, createUser, passwordGrant, signInSetup, PASSWORD as USER_PASSWORD } from "./sign-in-helpers";

/**
 * The dashboard's side of sign-in through applications: each application's issuer, discovery URL and logout
 * redirect URIs; a user's sessions with revocation; the hosted page's preview; the signing keys with rotation;
 * the environment's email verification requirement. Forms are posted as a person of each role (or the client).
 */

/** The client's dashboard cookie (a platform client has every permission on its teams). */
async function clientCookie() {
  const r = await form("/dashboard/sign-in", { client_id: CLIENT.id, client_secret: CLIENT.secret });
  expect(r.status).toBe(303);
  return r.setCookie!.split(";")[0];
}

/** A person of `role` on the team, signed in to the dashboard. */
async function roleCookie(s: Session, teamId: string, role: string) {
  const person = await join(s, teamId, role);
  const r = await form("/dashboard/people/sign-in", { email: person.email, password: PASSWORD });
  expect(r.status).toBe(303);
  return r.setCookie!.split(";")[0];
}

/** The page a form's 303 leads to, with the one-time message it set. */
async function followed(r: { status: number; location: string | null; setCookie: string | null; html: string }, cookie: string) {
  expect(r.status, r.html.slice(0, 1000)).toBe(303);
  const flash = /cp_flash=[^;]+/.exec(r.setCookie ?? "")?.[0];
  return page(r.location!, flash ? `${cookie}; ${flash}` : cookie);
}

const textOf = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#39;/g, "'");

/** The environment's own store (its object, or D1 for an environment not moved), through the product's client. */
async function storeOfEnvironment(environmentId: string) {
  const [row] = await d1<{ data_location: string }>("SELECT data_location FROM environments WHERE id = ?", environmentId);
  return storeOf(env, { id: environmentId, dataLocation: row.data_location as "object" | "d1" }, openDatabase(env));
}

/** A session row straight into the environment's store (for environments where no one can sign in: a locked production one). */
async function seedSession(environmentId: string, userId: string, clientId: string) {
  const id = `session_${ulid()}`;
  await (await storeOfEnvironment(environmentId)).insert(userSessions).values({
    id,
    environmentId,
    userId,
    clientId,
    authMethod: "password",
    refreshSecret: "s",
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  return id;
}

async function seedUser(environmentId: string, email: string) {
  const id = `user_${ulid()}`;
  await (await storeOfEnvironment(environmentId)).insert(users).values({ id, environmentId, email });
  return id;
}

describe("dashboard: sign-in", { timeout: 60_000 }, () => {
  it("applications show their issuer, discovery URL and logout redirect URIs, edited with the redirect URIs' rules", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const cookie = await clientCookie();
    const base = `/dashboard/teams/${team.id}/environments/${environments[0].id}/applications`;
    const created = await followed(
      await form(
        base,
        {
          name: "Web",
          type: "web",
          redirect_uris: "https://app.acme.test/cb",
          logout_redirect_uris: "https://app.acme.test/bye",
        },
        cookie,
      ),
      cookie,
    );
    expect(created.html).toContain("Application Web added.");
    const [app] = await sql<{ id: string; client_id: string }>(
      "SELECT id, client_id FROM applications WHERE environment_id = ? AND name = 'Web'",
      environments[0].id,
    );
    const issuer = `http://control-plane.test/user_management/${app.client_id}`;
    expect(created.html).toContain(issuer);
    expect(created.html).toContain(`${issuer}/.well-known/openid-configuration`);
    expect(textOf(created.html)).toContain("After logout: https://app.acme.test/bye");
    // The discovery URL shown is the one that answers.
    const discovery = await page(new URL(`${issuer}/.well-known/openid-configuration`).pathname);
    expect(discovery.status).toBe(200);

    // A bad logout URI: refused in words beside its field, what was typed kept, nothing stored.
    const bad = await form(
      `${base}/${app.id}`,
      { name: "Web", type: "web", redirect_uris: "https://app.acme.test/cb", logout_redirect_uris: "http://evil.test/bye" },
      cookie,
    );
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("Logout redirect URI 1");
    expect(bad.html).toContain("http://evil.test/bye");
    expect(bad.html).toMatch(/id="app-[^"]+-logout_redirect_uris-error"/);
    const kept = await sql<{ u: string }>("SELECT logout_redirect_uris AS u FROM applications WHERE id = ?", app.id);
    expect(JSON.parse(kept[0].u)).toEqual(["https://app.acme.test/bye"]);

    const saved = await followed(
      await form(
        `${base}/${app.id}`,
        {
          name: "Web",
          type: "web",
          redirect_uris: "https://app.acme.test/cb",
          logout_redirect_uris: "https://app.acme.test/bye\nhttps://app.acme.test/later",
        },
        cookie,
      ),
      cookie,
    );
    expect(saved.html).toContain("Application Web saved.");
    const api = await s.get(`/teams/${team.id}/environments/${environments[0].id}/applications/${app.id}`);
    expect(api.body.logout_redirect_uris).toEqual(["https://app.acme.test/bye", "https://app.acme.test/later"]);
  });

  it("a preview link opens the hosted page through the default application, or says why there is none", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const staging = environments[0];
    const cookie = await clientCookie();
    const base = `/dashboard/teams/${team.id}/environments/${staging.id}/applications`;
    const before = await page(base, cookie);
    expect(before.status).toBe(200);
    expect(before.html).not.toContain("/user_management/authorize");
    expect(textOf(before.html)).toContain("No sign-in page preview: the default application has no redirect URI.");

    const apps = await s.get(`/teams/${team.id}/environments/${staging.id}/applications`);
    const main = apps.body.data.find((a: { is_default: boolean }) => a.is_default);
    await followed(
      await form(`${base}/${main.id}`, { name: main.name, type: "web", redirect_uris: "https://app.acme.test/cb" }, cookie),
      cookie,
    );
    expect(
      (
        await s.put(`/teams/${team.id}/environments/${staging.id}/branding`, {
          display_name: "Preview Co",
          primary_color: "#ff6600",
        })
      ).status,
    ).toBe(200);
    const after = await page(base, cookie);
    const href = /href="(\/user_management\/authorize\?[^"]+)"/.exec(after.html)?.[1].replace(/&amp;/g, "&");
    expect(href).toBeDefined();
    const url = new URL(href!, "http://control-plane.test");
    expect(url.searchParams.get("client_id")).toBe(staging.client_id);
    expect(url.searchParams.get("redirect_uri")).toBe("https://app.acme.test/cb");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Each page view has its own challenge (its verifier is never kept: no code from a preview can be exchanged).
    const again = /code_challenge=([^&"]+)/.exec((await page(base, cookie)).html)?.[1];
    expect(again).not.toBe(url.searchParams.get("code_challenge"));
    const hosted = await page(`${url.pathname}${url.search}`);
    expect(hosted.status, hosted.html.slice(0, 500)).toBe(200);
    expect(hosted.html).toContain("Preview Co");

    // A locked production environment: its hosted page answers 403, so no link, and why.
    const production = environments[1];
    await sql(
      "UPDATE applications SET redirect_uris = '[\"https://app.acme.test/cb\"]' WHERE client_id = ?",
      production.client_id,
    );
    const locked = await page(`/dashboard/teams/${team.id}/environments/${production.id}/applications`, cookie);
    expect(locked.html).not.toContain("/user_management/authorize");
    expect(textOf(locked.html)).toContain("this production environment is locked until billing is added");
  });

  it("a user's sessions: listed with their details, an active one revoked after a confirmation", async () => {
    const { s, team, staging, api, clientId } = await signInSetup("Sessions");
    const user = await createUser(api, "ada@sessions.test");
    expect((await passwordGrant(clientId, "ada@sessions.test")).status).toBe(200);
    // As the SDK reports the end user's address and browser.
    const reported = await authenticate({
      client_id: clientId,
      grant_type: "password",
      email: "ada@sessions.test",
      password: USER_PASSWORD,
      ip_address: "203.0.113.9",
      user_agent: "TestAgent/1.0",
    });
    expect(reported.status).toBe(200);
    const sessions = await sql<{ id: string }>("SELECT id FROM user_sessions WHERE user_id = ? ORDER BY id", user.id);
    expect(sessions).toHaveLength(2);
    const cookie = await clientCookie();
    const env = `/dashboard/teams/${team.id}/environments/${staging.id}`;
    // Reached from the users tab and the directory.
    expect((await page(`${env}/users`, cookie)).html).toContain(`${env}/users/${user.id}/sessions`);
    expect((await page(`${env}/directory`, cookie)).html).toContain(`${env}/users/${user.id}/sessions`);

    const list = await page(`${env}/users/${user.id}/sessions`, cookie);
    expect(list.status).toBe(200);
    expect(list.html).toContain("ada@sessions.test");
    expect(list.html.match(/data-session="/g)).toHaveLength(2);
    expect(list.html).toContain("203.0.113.9");
    expect(list.html).toContain("TestAgent/1.0");
    expect(list.html).toContain("password");
    expect(list.html.match(/badge ok">active</g)).toHaveLength(2);
    // Destructive: behind the shared confirmation.
    expect(list.html).toMatch(/<details class="confirm"><summary>Revoke…<\/summary>/);

    const revoked = await followed(await form(`${env}/users/${user.id}/sessions/${sessions[0].id}/revoke`, {}, cookie), cookie);
    expect(revoked.html).toContain("Session revoked");
    expect(revoked.html.match(/badge ok">active</g)).toHaveLength(1);
    expect(revoked.html).toContain(">revoked<");
    // The environment API sees it too, and the event went out.
    const fromApi = await api.get(`/user_management/users/${user.id}/sessions`);
    const one = fromApi.body.data.find((x: { id: string }) => x.id === sessions[0].id);
    expect(one.status).toBe("revoked");
    expect(
      await sql("SELECT count(*) AS n FROM events WHERE environment_id = ? AND event = 'session.revoked'", staging.id),
    ).toEqual([{ n: 1 }]);
    // Again: nothing more to revoke, said so.
    const twice = await followed(await form(`${env}/users/${user.id}/sessions/${sessions[0].id}/revoke`, {}, cookie), cookie);
    expect(twice.html).toContain("This session had already ended.");

    // Another user's session through this user's path, a malformed id, an unknown user: 404, nothing revoked.
    const other = await createUser(api, "bob@sessions.test");
    expect((await passwordGrant(clientId, "bob@sessions.test")).status).toBe(200);
    const [bobs] = await sql<{ id: string }>("SELECT id FROM user_sessions WHERE user_id = ?", other.id);
    expect((await form(`${env}/users/${user.id}/sessions/${bobs.id}/revoke`, {}, cookie)).status).toBe(404);
    expect((await form(`${env}/users/${user.id}/sessions/nope/revoke`, {}, cookie)).status).toBe(404);
    expect((await page(`${env}/users/user_${ulid()}/sessions`, cookie)).status).toBe(404);
    expect(await sql("SELECT revoked_at FROM user_sessions WHERE id = ?", bobs.id)).toEqual([{ revoked_at: null }]);

    // Another team's environment, user or session: 404, nothing revoked.
    const elsewhere = await newTeam(s, "Elsewhere");
    const theirs = `/dashboard/teams/${elsewhere.team.id}/environments/${elsewhere.environments[0].id}`;
    expect((await page(`${theirs}/users/${other.id}/sessions`, cookie)).status).toBe(404);
    expect((await form(`${theirs}/users/${other.id}/sessions/${bobs.id}/revoke`, {}, cookie)).status).toBe(404);
    expect(
      (
        await form(
          `/dashboard/teams/${elsewhere.team.id}/environments/${staging.id}/users/${other.id}/sessions/${bobs.id}/revoke`,
          {},
          cookie,
        )
      ).status,
    ).toBe(404);
    expect(await sql("SELECT revoked_at FROM user_sessions WHERE id = ?", bobs.id)).toEqual([{ revoked_at: null }]);
  });

  it("sessions by role: support-viewer reads without a revoke button and is refused; member-sandbox revokes on staging only", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s, "Roles");
    const [staging, production] = environments;
    const stagingUser = await seedUser(staging.id, "s@roles.test");
    const stagingSession = await seedSession(staging.id, stagingUser, staging.client_id);
    const productionUser = await seedUser(production.id, "p@roles.test");
    const productionSession = await seedSession(production.id, productionUser, production.client_id);
    const stagingPath = `/dashboard/teams/${team.id}/environments/${staging.id}/users/${stagingUser}/sessions`;
    const productionPath = `/dashboard/teams/${team.id}/environments/${production.id}/users/${productionUser}/sessions`;

    const viewer = await roleCookie(s, team.id, "support-viewer");
    const read = await page(stagingPath, viewer);
    expect(read.status).toBe(200);
    expect(read.html).toContain(stagingSession);
    expect(read.html).not.toContain("Revoke");
    const refused = await form(`${stagingPath}/${stagingSession}/revoke`, {}, viewer);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("users:manage");

    const sandbox = await roleCookie(s, team.id, "member-sandbox");
    expect((await page(productionPath, sandbox)).html).not.toContain("Revoke");
    expect((await form(`${productionPath}/${productionSession}/revoke`, {}, sandbox)).status).toBe(403);
    expect(await sql("SELECT revoked_at FROM user_sessions WHERE id = ?", productionSession)).toEqual([{ revoked_at: null }]);
    expect((await followed(await form(`${stagingPath}/${stagingSession}/revoke`, {}, sandbox), sandbox)).html).toContain(
      "Session revoked",
    );
    expect(
      (await sql<{ r: string | null }>("SELECT revoked_at AS r FROM user_sessions WHERE id = ?", stagingSession))[0].r,
    ).not.toBeNull();
  });

  it("signing keys: listed on the settings page, rotated after a confirmation through the command the Platform API uses", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s, "Keys");
    const staging = environments[0];
    const cookie = await clientCookie();
    const settings = `/dashboard/teams/${team.id}/environments/${staging.id}/settings`;
    const empty = await page(settings, cookie);
    expect(empty.status).toBe(200);
    expect(textOf(empty.html)).toContain("No key yet");
    // A GET creates no key (nor the environment's object: no row to find, not even a count).
    expect(await sql("SELECT id FROM signing_keys WHERE environment_id = ?", staging.id)).toEqual([]);
    expect(empty.html).toMatch(/<details class="confirm"><summary>Rotate…<\/summary>/);

    const first = await s.get(`/teams/${team.id}/environments/${staging.id}/signing_keys`);
    const firstKid = first.body.data[0].id;
    const rotated = await followed(
      await form(`/dashboard/teams/${team.id}/environments/${staging.id}/signing_keys/rotate`, {}, cookie),
      cookie,
    );
    expect(rotated.html).toContain("Signing key rotated");
    const keys = await s.get(`/teams/${team.id}/environments/${staging.id}/signing_keys`);
    expect(keys.body.data.map((k: { status: string }) => k.status)).toEqual(["current", "previous"]);
    expect(keys.body.data[1].id).toBe(firstKid);
    expect(rotated.html).toMatch(new RegExp(`data-signing-key="${keys.body.data[0].id}"[^]*?>current<`));
    expect(rotated.html).toMatch(new RegExp(`data-signing-key="${firstKid}"[^]*?>previous<[^]*?retired`));
    // The Platform API's rotation (the same command) still answers the published keys.
    const viaApi = await s.post(`/teams/${team.id}/environments/${staging.id}/signing_keys/rotate`, {});
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.data[0].status).toBe("current");

    // Another team's environment: 404, nothing rotated.
    const elsewhere = await newTeam(s, "Elsewhere keys");
    const count = await sql("SELECT count(*) AS n FROM signing_keys WHERE environment_id = ?", staging.id);
    expect(
      (await form(`/dashboard/teams/${elsewhere.team.id}/environments/${staging.id}/signing_keys/rotate`, {}, cookie)).status,
    ).toBe(404);
    expect(await sql("SELECT count(*) AS n FROM signing_keys WHERE environment_id = ?", staging.id)).toEqual(count);
  });

  it("signing keys and email verification by role: member-sandbox configures staging only; support sees no settings", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s, "Config roles");
    const [staging, production] = environments;
    const sandbox = await roleCookie(s, team.id, "member-sandbox");
    const envPath = (e: { id: string }) => `/dashboard/teams/${team.id}/environments/${e.id}`;
    expect((await form(`${envPath(production)}/signing_keys/rotate`, {}, sandbox)).status).toBe(403);
    expect(
      (await form(`${envPath(production)}/require_email_verification`, { require_email_verification: "yes" }, sandbox)).status,
    ).toBe(403);
    // Nothing written: no key (the object may not even exist, so no count of rows either).
    expect(await sql("SELECT id FROM signing_keys WHERE environment_id = ?", production.id)).toEqual([]);
    expect(await sql("SELECT require_email_verification AS r FROM environments WHERE id = ?", production.id)).toEqual([{ r: 0 }]);
    expect((await form(`${envPath(staging)}/signing_keys/rotate`, {}, sandbox)).status).toBe(303);

    const support = await roleCookie(s, team.id, "support");
    const settings = await page(`${envPath(staging)}/settings`, support);
    expect(settings.status).toBe(403);
    expect(settings.html).toContain("environments:read");
    expect((await form(`${envPath(staging)}/signing_keys/rotate`, {}, support)).status).toBe(403);
  });

  it("email verification: a checkbox on the settings page, through the Platform API's environment update", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s, "Verify");
    const staging = environments[0];
    const cookie = await clientCookie();
    const base = `/dashboard/teams/${team.id}/environments/${staging.id}`;
    const off = await page(`${base}/settings`, cookie);
    expect(off.html).toMatch(
      /<input type="checkbox" id="sign-in-require_email_verification" name="require_email_verification" value="yes"\/?>/,
    );
    const on = await followed(
      await form(`${base}/require_email_verification`, { require_email_verification: "yes" }, cookie),
      cookie,
    );
    expect(on.html).toContain("Sign-in now requires a verified email address.");
    expect(on.html).toMatch(/name="require_email_verification" value="yes" checked/);
    expect((await s.get(`/teams/${team.id}/environments/${staging.id}`)).body.require_email_verification).toBe(true);
    // An unchecked box sends nothing: the setting goes off.
    const cleared = await followed(await form(`${base}/require_email_verification`, {}, cookie), cookie);
    expect(cleared.html).toContain("Sign-in no longer requires a verified email address.");
    expect((await s.get(`/teams/${team.id}/environments/${staging.id}`)).body.require_email_verification).toBe(false);
    // Through another team's path: 404, nothing changed.
    const elsewhere = await newTeam(s, "Elsewhere verify");
    expect(
      (
        await form(
          `/dashboard/teams/${elsewhere.team.id}/environments/${staging.id}/require_email_verification`,
          { require_email_verification: "yes" },
          cookie,
        )
      ).status,
    ).toBe(404);
    expect((await s.get(`/teams/${team.id}/environments/${staging.id}`)).body.require_email_verification).toBe(false);
  });
});
