import { describe, expect, it } from "vitest";
import { sql } from "./helpers";
import { authorizePath, browse, cookieOf, count, issuerOf, signInSetup, WEB_CALLBACK } from "./hosted-helpers";

/**
 * The hosted page's flows through the sign-in codes services: forgot and reset password (a link through the
 * outbox), email verification when the environment requires it (a code through the outbox), and invitations.
 */

const PASSWORD = "correct horse battery";
const STATE = "st&te";

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const webRequest = (clientId: string, extra: Record<string, string> = {}) =>
  query({ client_id: clientId, redirect_uri: WEB_CALLBACK, response_type: "code", state: STATE, ...extra });
const post = (view: string, q: string, form: Record<string, string>, cookie?: string) =>
  browse("POST", `/user_management/authorize/${view}?${q}`, { form, cookie });

async function withUser(email = "ada@acme.test") {
  const setup = await signInSetup();
  const user = await setup.api.post("/user_management/users", { email, password: PASSWORD });
  expect(user.status).toBe(201);
  return { ...setup, user: user.body };
}

function expectCode(page: Awaited<ReturnType<typeof browse>>, clientId: string) {
  expect({ status: page.status, error: page.location?.searchParams.get("error") ?? null }).toEqual({ status: 303, error: null });
  expect(page.location?.searchParams.get("code")).toBeTruthy();
  expect(page.location?.searchParams.get("state")).toBe(STATE);
  expect(page.location?.searchParams.get("iss")).toBe(issuerOf(clientId));
}

const outbox = (to: string) =>
  sql<{ kind: string; subject: string; body: string; link: string }>(
    "SELECT kind, subject, body, link FROM email_outbox WHERE to_email = ? ORDER BY created_at",
    to,
  );

/** A hidden field's value in a page. */
const hidden = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]+)"`))?.[1] ?? "";

describe("hosted page: forgot and reset password", () => {
  it("mails a reset link (the same answer for an unknown address); the link sets a new password once and ends the user's sessions", async () => {
    const { web, one, staging } = await withUser("reset@acme.test");
    // A browser signed in before the reset.
    const before = await post("sign-in", webRequest(web.client_id), { email: "reset@acme.test", password: PASSWORD });
    expectCode(before, web.client_id);
    const cookie = cookieOf(before);

    const form = await browse("GET", `/user_management/authorize/forgot-password?${webRequest(web.client_id)}`);
    expect(form.status).toBe(200);
    expect(count(form.text, /<input[^>]*name="email"/)).toBe(1);
    expect(count(form.text, /<button[^>]*type="submit"/)).toBe(1);
    const known = await post("forgot-password", webRequest(web.client_id), { email: "reset@acme.test" });
    const unknown = await post("forgot-password", webRequest(web.client_id), { email: "nobody-here@acme.test" });
    expect([known.status, unknown.status]).toEqual([200, 200]);
    expect(known.text.replaceAll("reset@acme.test", "X")).toBe(unknown.text.replaceAll("nobody-here@acme.test", "X"));
    expect(await outbox("nobody-here@acme.test")).toEqual([]);
    const [mail] = await outbox("reset@acme.test");
    expect(mail.kind).toBe("password_reset");
    const link = new URL(mail.link, "http://control-plane.test");
    expect(link.pathname).toBe("/user_management/authorize/reset-password");
    expect(link.searchParams.get("client_id")).toBe(web.client_id);
    expect(link.searchParams.get("state")).toBe(STATE);
    const token = link.searchParams.get("password_reset_token") as string;
    expect(token).toBeTruthy();

    const resetForm = await browse("GET", `${link.pathname}${link.search}`);
    expect(resetForm.status).toBe(200);
    expect(count(resetForm.text, /<input[^>]*name="password"/)).toBe(1);
    expect(hidden(resetForm.text, "token")).toBe(token);
    // The form's own action does not carry the token in its URL.
    expect(resetForm.text).not.toMatch(/action="[^"]*password_reset_token/);
    const short = await post("reset-password", webRequest(web.client_id), { token, password: "short" });
    expect(short.status).toBe(400);
    const done = await post("reset-password", webRequest(web.client_id), { token, password: "a brand new password" });
    expect(done.status).toBe(200);
    expect(done.text).toContain("Your password was changed");
    // Once only.
    const again = await post("reset-password", webRequest(web.client_id), { token, password: "another new password" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("expired or was already used");
    // The new password signs in, the old one does not; the browser signed in before is signed out.
    expect((await post("sign-in", webRequest(web.client_id), { email: "reset@acme.test", password: PASSWORD })).status).toBe(400);
    expectCode(
      await post("sign-in", webRequest(web.client_id), { email: "reset@acme.test", password: "a brand new password" }),
      web.client_id,
    );
    const sso = await browse(
      "GET",
      authorizePath({ client_id: one.client_id, response_type: "code", state: STATE, prompt: "none" }),
      { cookie },
    );
    expect(sso.location?.searchParams.get("error")).toBe("login_required");
    expect((await sql("SELECT id FROM users WHERE environment_id = ? AND email_verified = 1", staging.id)).length).toBe(1);
  });

  it("a reset token of another environment does nothing here", async () => {
    const a = await withUser("cross@acme.test");
    const b = await withUser("cross@acme.test");
    expect((await post("forgot-password", webRequest(a.web.client_id), { email: "cross@acme.test" })).status).toBe(200);
    const [mail] = (await outbox("cross@acme.test")).filter((m) => m.link.includes(a.web.client_id));
    const token = new URL(mail.link, "http://control-plane.test").searchParams.get("password_reset_token") as string;
    const refused = await post("reset-password", webRequest(b.web.client_id), { token, password: "a brand new password" });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("expired or was already used");
  });
});

describe("hosted page: email verification", () => {
  async function requiring() {
    const setup = await withUser("unverified@acme.test");
    const patched = await setup.s.patch(`/teams/${setup.team.id}/environments/${setup.staging.id}`, {
      require_email_verification: true,
    });
    expect(patched.status).toBe(200);
    return setup;
  }

  it("a right password of an unverified user asks for the mailed code; a wrong code is refused; the right one signs in", async () => {
    const { web, user, api } = await requiring();
    const asked = await post("sign-in", webRequest(web.client_id), { email: "unverified@acme.test", password: PASSWORD });
    expect(asked.status).toBe(200);
    expect(asked.headers.get("Set-Cookie")).toBeNull();
    expect(asked.headers.get("Location")).toBeNull();
    expect(count(asked.text, /<input[^>]*name="code"/)).toBe(1);
    expect(count(asked.text, /<button[^>]*type="submit"/)).toBe(1);
    const pending = hidden(asked.text, "pending_authentication_token");
    expect(pending).toBeTruthy();
    const [mail] = await outbox("unverified@acme.test");
    expect(mail.kind).toBe("email_verification");
    const code = mail.subject.match(/(\d{6})/)?.[1] as string;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await post("verify-email", webRequest(web.client_id), { pending_authentication_token: pending, code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("tries left");
    const verified = await post("verify-email", webRequest(web.client_id), { pending_authentication_token: pending, code });
    expectCode(verified, web.client_id);
    expect(verified.headers.get("Set-Cookie")).toContain("HttpOnly");
    expect((await api.get(`/user_management/users/${user.id}`)).body.email_verified).toBe(true);
    // The pending token is spent.
    const replay = await post("verify-email", webRequest(web.client_id), { pending_authentication_token: pending, code });
    expect(replay.status).toBe(400);
  });

  it("another application's pending token is refused", async () => {
    const { web, one } = await requiring();
    const asked = await post("sign-in", webRequest(web.client_id), { email: "unverified@acme.test", password: PASSWORD });
    const pending = hidden(asked.text, "pending_authentication_token");
    const [mail] = await outbox("unverified@acme.test");
    const code = mail.subject.match(/(\d{6})/)?.[1] as string;
    const other = await post("verify-email", query({ client_id: one.client_id, response_type: "code", state: STATE }), {
      pending_authentication_token: pending,
      code,
    });
    expect(other.status).toBe(400);
    expect(other.headers.get("Location")).toBeNull();
  });
});

describe("hosted page: invitations", () => {
  it("a new address signs up through its invitation (verified, accepted); an existing user signs in to accept", async () => {
    const { web, api } = await withUser("member@acme.test");
    const org = await api.post("/organizations", { name: "Acme Org" });
    expect(org.status).toBe(201);
    const invited = await api.post("/user_management/invitations", { email: "newcomer@acme.test", organization_id: org.body.id });
    expect(invited.status).toBe(201);
    const page = await browse(
      "GET",
      authorizePath({
        client_id: web.client_id,
        redirect_uri: WEB_CALLBACK,
        response_type: "code",
        state: STATE,
        invitation_token: invited.body.token,
      }),
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain("newcomer@acme.test");
    expect(page.text).toContain("Create account");
    const signedUp = await post("sign-up", webRequest(web.client_id, { invitation_token: invited.body.token }), {
      email: "newcomer@acme.test",
      password: PASSWORD,
    });
    expectCode(signedUp, web.client_id);
    const accepted = await api.get(`/user_management/invitations/${invited.body.id}`);
    expect(accepted.body.state).toBe("accepted");
    const user = (await api.get("/user_management/users?email=newcomer@acme.test")).body.data[0];
    expect(user.email_verified).toBe(true);
    expect(accepted.body.accepted_user_id).toBe(user.id);
    const members = await api.get(`/user_management/organization_memberships?organization_id=${org.body.id}`);
    expect(members.body.data.map((m: any) => m.user_id)).toContain(user.id);

    const second = await api.post("/user_management/invitations", { email: "member@acme.test", organization_id: org.body.id });
    expect(second.status).toBe(201);
    const signInPage = await browse(
      "GET",
      authorizePath({
        client_id: web.client_id,
        redirect_uri: WEB_CALLBACK,
        response_type: "code",
        state: STATE,
        invitation_token: second.body.token,
      }),
    );
    expect(signInPage.text).toContain("Sign in to accept your invitation.");
    expectCode(
      await post("sign-in", webRequest(web.client_id, { invitation_token: second.body.token }), {
        email: "member@acme.test",
        password: PASSWORD,
      }),
      web.client_id,
    );
    expect((await api.get(`/user_management/invitations/${second.body.id}`)).body.state).toBe("accepted");
  });

  it("an invitation is accepted only by its own address, and a revoked one is shown as no longer valid", async () => {
    const { web, api } = await withUser("someone@acme.test");
    const invited = await api.post("/user_management/invitations", { email: "invitee@acme.test" });
    const other = await post("sign-in", webRequest(web.client_id, { invitation_token: invited.body.token }), {
      email: "someone@acme.test",
      password: PASSWORD,
    });
    expectCode(other, web.client_id);
    expect((await api.get(`/user_management/invitations/${invited.body.id}`)).body.state).toBe("pending");
    expect((await api.post(`/user_management/invitations/${invited.body.id}/revoke`)).status).toBe(200);
    const page = await browse(
      "GET",
      authorizePath({
        client_id: web.client_id,
        redirect_uri: WEB_CALLBACK,
        response_type: "code",
        state: STATE,
        invitation_token: invited.body.token,
      }),
    );
    expect(page.text).toContain("no longer valid");
  });
});
