import { describe, expect, it } from "vitest";
import { browse, count, ORIGIN } from "./hosted-helpers";
import { createUser, PASSWORD, passwordGrant, signInSetup } from "./sign-in-helpers";

/** The path and query of a link the environment API answered with (it must point at this Worker). */
const pathOf = (link: string) => {
  const url = new URL(link);
  expect(url.origin).toBe(ORIGIN);
  return `${url.pathname}${url.search}`;
};

const NEW_PASSWORD = "a brand new passphrase";

async function resetLink(setup: Awaited<ReturnType<typeof signInSetup>>, email: string) {
  const r = await setup.api.post("/user_management/password_reset", { email });
  expect(r.status).toBe(201);
  return r.body as { password_reset_token: string; password_reset_url: string };
}

async function invitationLink(setup: Awaited<ReturnType<typeof signInSetup>>, email: string, organizationId?: string) {
  const r = await setup.api.post("/user_management/invitations", { email, organization_id: organizationId });
  expect(r.status).toBe(201);
  return r.body as { id: string; token: string; accept_invitation_url: string };
}

const expectInvalidLink = (page: { status: number; text: string }) => {
  expect(page.status).toBe(400);
  expect(page.text).toContain("This link is not valid");
};

describe("the links of the environment API open in a browser (/user_management/{client_id}/…)", () => {
  it("password_reset_url: the form, then the reset (sessions ended, email verified), then a page; the new password signs in", async () => {
    const setup = await signInSetup();
    const user = await createUser(setup.api, "ada@acme.test");
    expect((await passwordGrant(setup.clientId, "ada@acme.test")).status).toBe(200);
    const reset = await resetLink(setup, "ada@acme.test");
    expect(reset.password_reset_url).toBe(
      `${ORIGIN}/user_management/${setup.clientId}/reset_password?token=${reset.password_reset_token}`,
    );
    const path = pathOf(reset.password_reset_url);
    const form = await browse("GET", path);
    expect(form.status).toBe(200);
    expect(form.headers.get("Content-Type")).toContain("text/html");
    expect(count(form.text, /<input[^>]*name="password"/)).toBe(1);
    expect(count(form.text, /<button type="submit"/)).toBe(1);

    // A form post from another origin is refused, and changes nothing.
    const foreign = await browse("POST", path, {
      form: { token: reset.password_reset_token, password: NEW_PASSWORD },
      origin: "https://evil.test",
    });
    expect(foreign.status).toBe(403);
    // Too short: the form again, the token still good.
    const short = await browse("POST", path, { form: { token: reset.password_reset_token, password: "short" } });
    expect(short.status).toBe(400);
    expect(count(short.text, /<input[^>]*name="password"/)).toBe(1);

    const done = await browse("POST", path, { form: { token: reset.password_reset_token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.location).toBeNull();
    expect(done.text).toContain("Your password was changed");
    expect((await passwordGrant(setup.clientId, "ada@acme.test", NEW_PASSWORD)).status).toBe(200);
    expect((await passwordGrant(setup.clientId, "ada@acme.test", PASSWORD)).status).toBe(400);
    const after = (await setup.api.get(`/user_management/users/${user.id}`)).body;
    expect(after.email_verified).toBe(true);
    // The session of the first sign-in was ended by the reset; only the last one is active.
    const sessions = (await setup.api.get(`/user_management/users/${user.id}/sessions`)).body.data;
    expect(sessions.filter((s: { status: string }) => s.status === "active")).toHaveLength(1);

    // Used: the link now says so, on GET's post and again.
    expectInvalidLink(await browse("POST", path, { form: { token: reset.password_reset_token, password: "yet another one" } }));
  }, 30_000);

  it("a reset link refused: unknown token, no token, an unknown client id, another environment's client id", async () => {
    const setup = await signInSetup();
    const other = await signInSetup("Other");
    await createUser(setup.api, "ada@acme.test");
    const reset = await resetLink(setup, "ada@acme.test");
    expectInvalidLink(
      await browse("POST", `/user_management/${setup.clientId}/reset_password`, {
        form: { token: "not-a-token", password: NEW_PASSWORD },
      }),
    );
    expectInvalidLink(await browse("GET", `/user_management/${setup.clientId}/reset_password`));
    expectInvalidLink(await browse("GET", `/user_management/client_unknown/reset_password?token=x`));
    // Another environment's client id with this environment's valid token: looked up there, not found.
    const elsewhere = `/user_management/${other.clientId}/reset_password?token=${reset.password_reset_token}`;
    expect((await browse("GET", elsewhere)).status).toBe(200);
    expectInvalidLink(await browse("POST", elsewhere, { form: { token: reset.password_reset_token, password: NEW_PASSWORD } }));
    // The token still works where it belongs.
    const done = await browse("POST", `/user_management/${setup.clientId}/reset_password`, {
      form: { token: reset.password_reset_token, password: NEW_PASSWORD },
    });
    expect(done.status).toBe(200);
  }, 30_000);

  it("accept_invitation_url for a new address: the sign-up form for it, then the account (verified) and the invitation accepted", async () => {
    const setup = await signInSetup();
    const inv = await invitationLink(setup, "new@acme.test");
    expect(inv.accept_invitation_url).toBe(
      `${ORIGIN}/user_management/${setup.clientId}/accept_invitation?invitation_token=${inv.token}`,
    );
    const path = pathOf(inv.accept_invitation_url);
    const form = await browse("GET", path);
    expect(form.status).toBe(200);
    expect(form.text).toContain("new@acme.test");
    expect(count(form.text, /<input[^>]*name="password"/)).toBe(1);
    expect(count(form.text, /<button type="submit"/)).toBe(1);
    expect((await browse("POST", path, { form: { password: PASSWORD }, origin: "https://evil.test" })).status).toBe(403);
    // Another address in the form does not matter: the account is the invited one's.
    const done = await browse("POST", path, { form: { email: "someone-else@acme.test", password: PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.location).toBeNull();
    expect(done.text).toContain("Your invitation was accepted");
    const accepted = (await setup.api.get(`/user_management/invitations/${inv.id}`)).body;
    expect(accepted.state).toBe("accepted");
    const users = (await setup.api.get("/user_management/users")).body.data;
    expect(users.map((u: { email: string; email_verified: boolean }) => [u.email, u.email_verified])).toEqual([
      ["new@acme.test", true],
    ]);
    expect(accepted.accepted_user_id).toBe(users[0].id);
    expect((await passwordGrant(setup.clientId, "new@acme.test")).status).toBe(200);
    // Accepted: the link is used up.
    expectInvalidLink(await browse("GET", path));
  }, 30_000);

  it("accept_invitation_url for an existing user: sign in with their password (a wrong one refused), then accepted", async () => {
    const setup = await signInSetup();
    const user = await createUser(setup.api, "ada@acme.test");
    // An existing user is invited to an organization (the environment they already belong to).
    const org = (await setup.api.post("/organizations", { name: "Acme" })).body;
    const inv = await invitationLink(setup, "ada@acme.test", org.id);
    const path = pathOf(inv.accept_invitation_url);
    const form = await browse("GET", path);
    expect(form.status).toBe(200);
    expect(form.text).toContain("Sign in to accept your invitation.");
    const wrong = await browse("POST", path, { form: { email: "ada@acme.test", password: "not the password" } });
    expect(wrong.status).toBe(400);
    expect((await setup.api.get(`/user_management/invitations/${inv.id}`)).body.state).toBe("pending");
    const done = await browse("POST", path, { form: { email: "ada@acme.test", password: PASSWORD } });
    expect(done.status).toBe(200);
    expect(done.text).toContain("Your invitation was accepted");
    const accepted = (await setup.api.get(`/user_management/invitations/${inv.id}`)).body;
    expect(accepted).toMatchObject({ state: "accepted", accepted_user_id: user.id });
    const memberships = (await setup.api.get(`/user_management/organization_memberships?user_id=${user.id}`)).body.data;
    expect(memberships.map((m: { organization_id: string }) => m.organization_id)).toEqual([org.id]);
  }, 30_000);

  it("an invitation link refused: unknown token, revoked, another environment's client id", async () => {
    const setup = await signInSetup();
    const other = await signInSetup("Other");
    const inv = await invitationLink(setup, "new@acme.test");
    expectInvalidLink(await browse("GET", `/user_management/${setup.clientId}/accept_invitation?invitation_token=nope`));
    expectInvalidLink(await browse("GET", `/user_management/${setup.clientId}/accept_invitation`));
    const elsewhere = `/user_management/${other.clientId}/accept_invitation?invitation_token=${inv.token}`;
    expectInvalidLink(await browse("GET", elsewhere));
    expectInvalidLink(await browse("POST", elsewhere, { form: { password: PASSWORD } }));
    expect((await other.api.get("/user_management/users")).body.data).toEqual([]);
    expect((await setup.api.post(`/user_management/invitations/${inv.id}/revoke`, {})).status).toBe(200);
    expectInvalidLink(await browse("GET", pathOf(inv.accept_invitation_url)));
  }, 30_000);

  it("a locked production environment's links: 403 page, nothing read", async () => {
    const setup = await signInSetup();
    const locked = setup.production.client_id as string;
    for (const path of [
      `/user_management/${locked}/reset_password?token=x`,
      `/user_management/${locked}/accept_invitation?invitation_token=x`,
    ]) {
      const refused = await browse("GET", path);
      expect(refused.status).toBe(403);
      expect(refused.text).toContain("environment_locked");
    }
  });
});
