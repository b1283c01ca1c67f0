import { describe, expect, it } from "vitest";
import { envApi, expectError, mintKey, newTeam, session, sql } from "./helpers";
import { accept, asPerson, form, join, PASSWORD, page, personToken, tokenFromOutbox, uniqueEmail } from "./people-helpers";
import type { Invitation, Member, TeamEvent } from "./types";

describe("invitations", () => {
  it("POST /platform/teams invites admin_email as admin, through the outbox, the token stored hashed", async () => {
    const s = await session();
    const email = uniqueEmail("admin");
    const team = (await s.post("/teams", { name: "Invites", admin_email: email })).body;
    const list = await s.get(`/teams/${team.id}/invitations`);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      {
        object: "workos_team_invitation",
        id: expect.stringMatching(/^invitation_/),
        team_id: team.id,
        email,
        role_slug: "admin",
        state: "pending",
        expires_at: expect.any(String),
        accepted_at: null,
        revoked_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const days = (Date.parse(list.body.data[0].expires_at) - Date.parse(list.body.data[0].created_at)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    const token = await tokenFromOutbox(email);
    const [row] = await sql<{ token_hash: string }>("SELECT token_hash FROM invitations WHERE team_id = ?", team.id);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await sql("SELECT * FROM invitations WHERE team_id = ?", team.id))).not.toContain(token);
  });

  it("accepts once: name and password, then the link is spent; the member signs in", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const email = uniqueEmail();
    expect((await s.post(`/teams/${team.id}/invitations`, { email, role_slug: "member" })).status).toBe(201);
    const token = await tokenFromOutbox(email);
    expect((await page(`/dashboard/invitations/accept?token=${token}`)).html).toContain(email);
    expect((await accept(token, "short")).html).toContain("at least 10 characters");
    const ok = await accept(token);
    expect(ok.status).toBe(303);
    expect((await accept(token)).html).toContain("This invitation is accepted");
    const [person] = await sql<{ password_hash: string; password_iterations: number }>(
      "SELECT * FROM people WHERE email = ?",
      email,
    );
    expect(person.password_iterations).toBe(100_000);
    expect(person.password_hash).not.toContain(PASSWORD);
    const members = await s.get(`/teams/${team.id}/members`);
    expect(members.body.data.map((m: Member) => [m.email, m.role_slug])).toEqual([[email, "member"]]);
    const inv = await s.get(`/teams/${team.id}/invitations`);
    expect(inv.body.data[0].state).toBe("accepted");
    expect((await personToken(email)).status).toBe(200);
  });

  it("simultaneous accepts of one link make one member", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const email = uniqueEmail();
    await s.post(`/teams/${team.id}/invitations`, { email, role_slug: "member" });
    const token = await tokenFromOutbox(email);
    const results = await Promise.all(Array.from({ length: 5 }, () => accept(token)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await sql("SELECT count(*) AS n FROM members WHERE team_id = ?", team.id)).toEqual([{ n: 1 }]);
  });

  it("re-sends a pending invitation: same invitation, 200, a new token (the old link dies), a new expiry", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const email = uniqueEmail();
    const first = await s.post(`/teams/${team.id}/invitations`, { email, role_slug: "member" });
    const oldToken = await tokenFromOutbox(email);
    await sql("UPDATE invitations SET expires_at = ? WHERE id = ?", new Date(Date.now() + 1000).toISOString(), first.body.id);
    const again = await s.post(`/teams/${team.id}/invitations`, { email: email.toUpperCase(), role_slug: "support" });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.role_slug).toBe("support");
    expect(Date.parse(again.body.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const newToken = await tokenFromOutbox(email);
    expect(newToken).not.toBe(oldToken);
    expect(await sql("SELECT count(*) AS n FROM email_outbox WHERE to_email = ?", email)).toEqual([{ n: 2 }]);
    expect((await accept(oldToken)).html).toContain("not valid");
    expect((await accept(newToken)).status).toBe(303);
  });

  it("simultaneous invitations of one address make one invitation", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const email = uniqueEmail();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => s.post(`/teams/${team.id}/invitations`, { email, role_slug: "member" })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(await sql("SELECT count(*) AS n FROM invitations WHERE team_id = ? AND email = ?", team.id, email)).toEqual([
      { n: 1 },
    ]);
  });

  it("refuses to invite a member (400 user_already_team_member), expired and revoked links do not work", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const member = await join(s, team.id, "member");
    expectError(
      await s.post(`/teams/${team.id}/invitations`, { email: member.email, role_slug: "admin" }),
      400,
      "user_already_team_member",
    );

    const late = uniqueEmail();
    const inv = await s.post(`/teams/${team.id}/invitations`, { email: late, role_slug: "member" });
    await sql("UPDATE invitations SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), inv.body.id);
    expect((await s.get(`/teams/${team.id}/invitations/${inv.body.id}`)).body.state).toBe("expired");
    expect((await s.get(`/teams/${team.id}/invitations?state=expired`)).body.data.map((i: Invitation) => i.id)).toEqual([
      inv.body.id,
    ]);
    expect((await accept(await tokenFromOutbox(late))).html).toContain("This invitation is expired");

    const revokedEmail = uniqueEmail();
    const r = await s.post(`/teams/${team.id}/invitations`, { email: revokedEmail, role_slug: "member" });
    const del = await s.del(`/teams/${team.id}/invitations/${r.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body.state).toBe("revoked");
    expect((await accept(await tokenFromOutbox(revokedEmail))).html).toContain("This invitation is revoked");
    expect(await sql("SELECT count(*) AS n FROM people WHERE email IN (?, ?)", late, revokedEmail)).toEqual([{ n: 0 }]);
  });

  it("validates input; another team's invitations are 404", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    expectError(await s.post(`/teams/${team.id}/invitations`, { email: "nope", role_slug: "member" }), 422, "validation_failed");
    expectError(
      await s.post(`/teams/${team.id}/invitations`, { email: uniqueEmail(), role_slug: "owner" }),
      422,
      "validation_failed",
    );
    const other = await session({ id: "client_other", secret: "secret_other" });
    const theirs = await newTeam(other);
    expectError(await s.get(`/teams/${theirs.team.id}/invitations`), 404, "team_not_found");
    const inv = await other.post(`/teams/${theirs.team.id}/invitations`, { email: uniqueEmail(), role_slug: "member" });
    expectError(await s.del(`/teams/${team.id}/invitations/${inv.body.id}`), 404, "invitation_not_found");
  });
});

describe("members", () => {
  it("changes roles and removes members; another team's member is 404", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const a = await join(s, team.id, "admin");
    const m = await join(s, team.id, "member");
    const r = await a.patch(`/teams/${team.id}/members/${m.memberId}`, { role_slug: "support" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: "team_member", id: m.memberId, role_slug: "support", email: m.email });
    const other = await newTeam(s);
    expectError(await a.patch(`/teams/${other.team.id}/members/${m.memberId}`, { role_slug: "admin" }), 404, "team_not_found");
    expectError(await s.patch(`/teams/${other.team.id}/members/${m.memberId}`, { role_slug: "admin" }), 404, "member_not_found");
    expect((await a.del(`/teams/${team.id}/members/${m.memberId}`)).status).toBe(204);
    expect((await s.get(`/teams/${team.id}/members`)).body.data.map((x: Member) => x.email)).toEqual([a.email]);
    const events = await s.get(`/teams/${team.id}/events?order=asc`);
    const updated = events.body.data.find((e: TeamEvent) => e.type === "member.updated");
    expect(updated.actor).toEqual({ type: "member", id: a.memberId, email: a.email });
    expect(events.body.data[0].actor).toEqual({ type: "client", id: "client_test" });
  });

  it("keeps at least one admin under many simultaneous demotions and removals", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const admins = [];
    for (let i = 0; i < 6; i++) admins.push(await join(s, team.id, "admin"));
    const answers = await Promise.all(
      admins.map((a, i) =>
        i % 2 === 0
          ? a.patch(`/teams/${team.id}/members/${a.memberId}`, { role_slug: "member" })
          : a.del(`/teams/${team.id}/members/${a.memberId}`),
      ),
    );
    const refused = answers.filter((x) => x.status === 409);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const x of refused) expect(x.body.code).toBe("team_must_keep_admin");
    expect(await sql("SELECT count(*) AS n FROM members WHERE team_id = ? AND role = 'admin'", team.id)).toEqual([{ n: 1 }]);
    // Every change that happened has its event, and no refused one has any.
    const done = answers.filter((x) => x.status < 300).length;
    expect(done).toBe(admins.length - refused.length);
    expect(
      await sql(
        "SELECT count(*) AS n FROM team_events WHERE team_id = ? AND type IN ('member.updated', 'member.removed')",
        team.id,
      ),
    ).toEqual([{ n: done }]);
    // The client demotes every admin at once too.
    const left = await sql<{ id: string }>("SELECT id FROM members WHERE team_id = ? AND role = 'admin'", team.id);
    expectError(await s.patch(`/teams/${team.id}/members/${left[0].id}`, { role_slug: "support" }), 409, "team_must_keep_admin");
  });

  it("a removed member's next request is refused; a demoted member's next request has the new role", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const m = await join(s, team.id, "member");
    expect((await m.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, { name: "k" })).status).toBe(201);
    await s.patch(`/teams/${team.id}/members/${m.memberId}`, { role_slug: "support-viewer" });
    expectError(await m.post(`/teams/${team.id}/environments/${environments[0].id}/api_keys`, { name: "k" }), 403, "forbidden");
    await s.del(`/teams/${team.id}/members/${m.memberId}`);
    // On no team any more: the session itself is over.
    expectError(await m.get(`/teams/${team.id}`), 401, "unauthorized");
    expect(
      await sql(
        "SELECT count(*) AS n FROM person_sessions WHERE person_id = (SELECT id FROM people WHERE email = ?) AND revoked_at IS NULL",
        m.email,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it("a member removed from one team keeps the others, and the removed team is 404", async () => {
    const s = await session();
    const one = await newTeam(s, "One");
    const two = await newTeam(s, "Two");
    const m = await join(s, one.team.id, "member");
    await s.post(`/teams/${two.team.id}/invitations`, { email: m.email, role_slug: "admin" });
    // An existing account accepts with its password.
    expect((await accept(await tokenFromOutbox(m.email), "wrong password!")).html).toContain("enter its password");
    expect((await accept(await tokenFromOutbox(m.email))).status).toBe(303);
    expect((await m.get("/teams")).body.data.map((t: any) => t.name).sort()).toEqual(["One", "Two"]);
    const [row] = await sql<{ id: string }>("SELECT members.id FROM members WHERE team_id = ?", one.team.id);
    await s.del(`/teams/${one.team.id}/members/${row.id}`);
    expectError(await m.get(`/teams/${one.team.id}`), 404, "team_not_found");
    expect((await m.get(`/teams/${two.team.id}`)).status).toBe(200);
  });
});

describe("sign-in for people", () => {
  it("dashboard: email and password, a server-side session in a Secure HttpOnly SameSite=Lax cookie, sign-out revokes it", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const m = await join(s, team.id, "member");
    const wrong = await form("/dashboard/people/sign-in", { email: m.email, password: "not the password" });
    expect(wrong.location).toBe("/dashboard/sign-in?failed=person");
    const ok = await form("/dashboard/people/sign-in", { email: m.email, password: PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.setCookie).toMatch(/HttpOnly/i);
    expect(ok.setCookie).toMatch(/Secure/i);
    expect(ok.setCookie).toMatch(/SameSite=Lax/i);
    const cookie = ok.setCookie!.split(";")[0];
    const token = cookie.split("=")[1];
    expect(JSON.stringify(await sql("SELECT * FROM person_sessions"))).not.toContain(token);
    const home = await page("/dashboard", cookie);
    expect(home.status).toBe(200);
    expect(home.html).toContain(team.name);
    expect((await page(`/dashboard/teams/${team.id}/members`, cookie)).html).toContain(m.email);
    await form("/dashboard/sign-out", {}, cookie);
    expect((await page("/dashboard", cookie)).location).toBe("/dashboard/sign-in?expired=1");
  });

  it("sessions end after 12 idle hours and after 7 days", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const m = await join(s, team.id, "member");
    expect((await m.get(`/teams/${team.id}`)).status).toBe(200);
    await sql(
      "UPDATE person_sessions SET last_seen_at = ? WHERE person_id = (SELECT id FROM people WHERE email = ?)",
      new Date(Date.now() - 12.1 * 3600_000).toISOString(),
      m.email,
    );
    expectError(await m.get(`/teams/${team.id}`), 401, "unauthorized");
    const fresh = asPerson((await personToken(m.email)).body.access_token);
    expect((await fresh.get(`/teams/${team.id}`)).status).toBe(200);
    await sql(
      "UPDATE person_sessions SET expires_at = ? WHERE revoked_at IS NULL AND person_id = (SELECT id FROM people WHERE email = ?)",
      new Date(Date.now() - 1000).toISOString(),
      m.email,
    );
    expectError(await fresh.get(`/teams/${team.id}`), 401, "unauthorized");
  });

  it("throttles failed attempts per email and per address", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const m = await join(s, team.id, "member");
    for (let i = 0; i < 5; i++) expect((await personToken(m.email, `wrong ${i}`, "198.51.100.7")).status).toBe(400);
    // The sixth, even with the right password and from another address, is refused: the email is throttled.
    const throttled = await personToken(m.email, PASSWORD, "198.51.100.8");
    expect(throttled.status).toBe(429);
    expect(throttled.body.code).toBe("rate_limited");
    expect((await form("/dashboard/people/sign-in", { email: m.email, password: PASSWORD })).location).toBe(
      "/dashboard/sign-in?failed=throttled",
    );
    // Per address: 20 failures over many emails from one address close it for everyone.
    for (let i = 0; i < 20; i++) await personToken(uniqueEmail("nobody"), "guess", "198.51.100.9");
    const other = await join(s, team.id, "member");
    expect((await personToken(other.email, PASSWORD, "198.51.100.9")).status).toBe(429);
    expect((await personToken(other.email, PASSWORD, "198.51.100.10")).status).toBe(200);
  }, 30_000);

  it("password reset by a single-use link through the outbox; it ends every session", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const m = await join(s, team.id, "member");
    await form("/dashboard/password-reset/request", { email: uniqueEmail("unknown") });
    const r = await form("/dashboard/password-reset/request", { email: m.email });
    expect(r.location).toBe("/dashboard/password-reset?sent=1");
    const token = await tokenFromOutbox(m.email, "password_reset");
    expect((await page(`/dashboard/password-reset?token=${token}`)).html).toContain("Choose a new password");
    expect((await form("/dashboard/password-reset", { token, password: "a brand new password" })).location).toBe(
      "/dashboard/sign-in?reset=1",
    );
    expect((await form("/dashboard/password-reset", { token, password: "another new password" })).html).toContain(
      "not valid any more",
    );
    expectError(await m.get(`/teams/${team.id}`), 401, "unauthorized");
    expect((await personToken(m.email)).status).toBe(400);
    expect((await personToken(m.email, "a brand new password")).status).toBe(200);
  });

  it("throttles password-reset requests per email and per address, whether or not the email has an account", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const m = await join(s, team.id, "member");
    const ask = (email: string, address: string) =>
      form("/dashboard/password-reset/request", { email }, "", { "CF-Connecting-IP": address }).then((r) => r.location);
    const resets = async (email: string) =>
      (
        await sql<{ n: number }>("SELECT count(*) AS n FROM email_outbox WHERE to_email = ? AND kind = 'password_reset'", email)
      )[0].n;
    // Per email: 3 links a window; the fourth, even from another address, is refused and sends nothing.
    for (let i = 0; i < 3; i++) expect(await ask(m.email, "198.51.100.20")).toBe("/dashboard/password-reset?sent=1");
    expect(await ask(m.email, "198.51.100.21")).toBe("/dashboard/password-reset?failed=throttled");
    expect(await resets(m.email)).toBe(3);
    expect((await page("/dashboard/password-reset?failed=throttled")).html).toContain("Too many");
    // An email without an account is throttled the same way (the answers tell nothing about accounts).
    const nobody = uniqueEmail("nobody");
    for (let i = 0; i < 3; i++) expect(await ask(nobody, "198.51.100.22")).toBe("/dashboard/password-reset?sent=1");
    expect(await ask(nobody, "198.51.100.23")).toBe("/dashboard/password-reset?failed=throttled");
    // Per address: 10 requests from one address, over many emails, close it for every email.
    for (let i = 0; i < 10; i++) await ask(uniqueEmail("spray"), "198.51.100.24");
    const other = await join(s, team.id, "member");
    expect(await ask(other.email, "198.51.100.24")).toBe("/dashboard/password-reset?failed=throttled");
    expect(await resets(other.email)).toBe(0);
    expect(await ask(other.email, "198.51.100.25")).toBe("/dashboard/password-reset?sent=1");
    expect(await resets(other.email)).toBe(1);
  }, 30_000);
});

describe("email outbox", () => {
  it("prints messages in development (no EMAIL_WEBHOOK_URL) and marks them logged", async () => {
    const s = await session();
    const email = uniqueEmail();
    await s.post("/teams", { name: "Mail", admin_email: email });
    // Delivered right after the response (waitUntil): give it a moment.
    for (let i = 0; i < 50; i++) {
      const [row] = await sql<{ state: string }>("SELECT state FROM email_outbox WHERE to_email = ?", email);
      if (row?.state === "logged") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await sql("SELECT kind, state, attempts FROM email_outbox WHERE to_email = ?", email)).toEqual([
      { kind: "invitation", state: "logged", attempts: 1 },
    ]);
  });
});

describe("dashboard by role", () => {
  async function cookieFor(email: string) {
    const r = await form("/dashboard/people/sign-in", { email, password: PASSWORD });
    return r.setCookie!.split(";")[0];
  }

  /** The page a form's 303 leads to, with the one-time message it set (what a browser does). */
  async function followed(r: { location: string | null; setCookie: string | null }, cookie: string) {
    const flash = /cp_flash=[^;]+/.exec(r.setCookie ?? "")?.[0];
    return page(r.location!, flash ? `${cookie}; ${flash}` : cookie);
  }

  it("accepting an invitation lands the person signed in, on the team they joined", async () => {
    const s = await session();
    const { team } = await newTeam(s, "Landing");
    const email = uniqueEmail();
    await s.post(`/teams/${team.id}/invitations`, { email, role_slug: "member" });
    const accepted = await accept(await tokenFromOutbox(email));
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe(`/dashboard/teams/${team.id}`);
    const cookie = /cp_person=[^;]+/.exec(accepted.setCookie ?? "")?.[0];
    expect(cookie, "a session cookie").toBeDefined();
    const landed = await page(accepted.location!, cookie);
    expect(landed.status).toBe(200);
    expect(landed.html).toContain("<h1>Landing</h1>");
    // A wrong password for an existing account starts no session.
    const other = await newTeam(s, "Other");
    await s.post(`/teams/${other.team.id}/invitations`, { email, role_slug: "member" });
    const wrong = await accept(await tokenFromOutbox(email), "not the password!");
    expect(wrong.status).toBe(200);
    expect(wrong.setCookie ?? "").not.toContain("cp_person");
  });

  it("the directory validates with the environment API's schemas: errors beside their fields, nothing stored", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const support = await join(s, team.id, "support");
    const cs = await cookieFor(support.email);
    const base = `/dashboard/teams/${team.id}/environments/${environments[0].id}`;
    const bad = await form(`${base}/users`, { email: "not-an-email" }, cs);
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Email must be an email address.");
    expect(bad.html).toContain('value="not-an-email"');
    expect(await sql("SELECT count(*) AS n FROM users WHERE email = 'not-an-email'")).toEqual([{ n: 0 }]);
    // The API's answer to the same input.
    const api = envApi(await mintKey(s, team.id, environments[0].id));
    expect((await api.post("/user_management/users", { email: "not-an-email" })).status).toBe(422);
    const blank = await form(`${base}/organizations`, { name: "   " }, cs);
    expect(blank.status).toBe(422);
    expect(blank.html).toContain("Name is required.");
    // The same trimming as the API: an address with spaces around it is stored without them.
    const ok = await form(`${base}/users`, { email: "  spaced@customer.test " }, cs);
    expect(ok.status).toBe(303);
    expect((await followed(ok, cs)).html).toContain("User spaced@customer.test added.");
    expect(await sql("SELECT email FROM users WHERE email LIKE '%spaced@customer.test%'")).toEqual([
      { email: "spaced@customer.test" },
    ]);
  });

  it("support manages an environment's users and organizations and sees nothing else; support-viewer only reads", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const support = await join(s, team.id, "support");
    const viewer = await join(s, team.id, "support-viewer");
    const cs = await cookieFor(support.email);
    const base = `/dashboard/teams/${team.id}/environments/${environments[0].id}`;
    expect((await form(`${base}/users`, { email: "someone@customer.test" }, cs)).status).toBe(303);
    expect((await form(`${base}/organizations`, { name: "Customer Co" }, cs)).status).toBe(303);
    const usersPage = await page(`${base}/directory`, cs);
    expect(usersPage.html).toContain("someone@customer.test");
    expect(usersPage.html).toContain("Customer Co");
    expect(usersPage.html).toContain("Add a user");
    // Deleting is destructive: behind a confirmation that says what goes.
    expect(usersPage.html).toMatch(
      /<details class="confirm"><summary>Delete<\/summary><p>someone@customer\.test and their memberships are deleted/,
    );
    const billing = await page(`/dashboard/teams/${team.id}/billing`, cs);
    expect(billing.status).toBe(403);
    expect(billing.html).toContain("billing:read");
    expect((await page(base, cs)).status).toBe(403);

    const cv = await cookieFor(viewer.email);
    const readOnly = await page(`${base}/directory`, cv);
    expect(readOnly.html).toContain("someone@customer.test");
    expect(readOnly.html).not.toContain("Add a user");
    expect((await form(`${base}/users`, { email: "other@customer.test" }, cv)).status).toBe(403);
    expect(await sql("SELECT count(*) AS n FROM users WHERE email = 'other@customer.test'")).toEqual([{ n: 0 }]);
  });

  it("an admin invites, changes roles and removes from the members page; a member sees it read-only", async () => {
    const s = await session();
    const { team } = await newTeam(s);
    const admin = await join(s, team.id, "admin");
    const ca = await cookieFor(admin.email);
    const email = uniqueEmail("invited");
    const invited = await form(`/dashboard/teams/${team.id}/invitations`, { email, role_slug: "member-sandbox" }, ca);
    expect(invited.location).toBe(`/dashboard/teams/${team.id}/members`);
    expect((await followed(invited, ca)).html).toContain(`Invitation sent to ${email}`);
    // The activity names the member who did it by email.
    expect((await page(`/dashboard/teams/${team.id}/activity`, ca)).html).toContain(` · by ${admin.email} · `);
    const bad = await form(`/dashboard/teams/${team.id}/invitations`, { email: "not-an-email", role_slug: "owner" }, ca);
    expect(bad.status).toBe(422);
    expect(bad.html).toContain("Email must be an email address.");
    expect(bad.html).toContain("Role must be one of");
    expect(bad.html).toContain('value="not-an-email"');
    expect((await accept(await tokenFromOutbox(email))).status).toBe(303);
    const [m] = await sql<{ id: string }>(
      "SELECT members.id FROM members JOIN people ON people.id = person_id WHERE email = ?",
      email,
    );
    expect((await form(`/dashboard/teams/${team.id}/members/${m.id}/role`, { role_slug: "member" }, ca)).status).toBe(303);
    const demoteSelf = await form(`/dashboard/teams/${team.id}/members/${admin.memberId}/role`, { role_slug: "member" }, ca);
    expect(demoteSelf.html).toContain("at least one admin");
    const cm = await cookieFor(email);
    const membersPage = await page(`/dashboard/teams/${team.id}/members`, cm);
    expect(membersPage.html).toContain(admin.email);
    expect(membersPage.html).not.toContain("Send the invitation");
    expect((await form(`/dashboard/teams/${team.id}/invitations`, { email: uniqueEmail(), role_slug: "admin" }, cm)).status).toBe(
      403,
    );
    expect((await form(`/dashboard/teams/${team.id}/members/${m.id}/remove`, {}, ca)).status).toBe(303);
    expect((await page(`/dashboard/teams/${team.id}/members`, cm)).location).toBe("/dashboard/sign-in?expired=1");
  });
});
