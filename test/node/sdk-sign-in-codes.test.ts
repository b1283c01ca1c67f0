import { AuthenticationException, ConflictException, NotFoundException, OauthException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

/**
 * The official SDK (`maxRetries: 0`) against the Worker: Magic Auth, email verification (and the sign-in it gates),
 * password resets, invitations and identities, each through the SDK's own method and deserializer.
 */
const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let team: any;
let staging: any;

beforeAll(async () => {
  ({ team, staging } = await worker.newTeam());
  workos = worker.workos(await worker.mintKey(team.id, staging.id), { clientId: staging.client_id });
});

/** The newest event of a name, read as an application that sends its own email reads it. */
async function newestEvent(name: string) {
  const { data } = await workos.events.listEvents({ events: [name as any] });
  return data.at(-1) as any;
}

describe("SDK: one-time codes", () => {
  it("createMagicAuth / getMagicAuth / authenticateWithMagicAuth", async () => {
    const magic = await workos.userManagement.createMagicAuth({ email: "magic@sdk.test" });
    expect(magic).toMatchObject({
      object: "magic_auth",
      email: "magic@sdk.test",
      userId: null,
      code: expect.stringMatching(/^\d{6}$/),
    });
    expect(await workos.userManagement.getMagicAuth(magic.id)).toEqual(magic);
    const signedIn = await workos.userManagement.authenticateWithMagicAuth({ email: "magic@sdk.test", code: magic.code });
    expect(signedIn).toMatchObject({
      user: { email: "magic@sdk.test", emailVerified: true },
      authenticationMethod: "MagicAuth",
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    // Used up: the SDK raises the refusal as a terminal OAuth error.
    const again = await workos.userManagement
      .authenticateWithMagicAuth({ email: "magic@sdk.test", code: magic.code })
      .catch((e) => e);
    expect(again).toBeInstanceOf(OauthException);
    expect(again.error).toBe("invalid_grant");
  });

  it("sendVerificationEmail / getEmailVerification / verifyEmail", async () => {
    const user = await workos.userManagement.createUser({ email: "verify@sdk.test" });
    const sent = await workos.userManagement.sendVerificationEmail({ userId: user.id });
    expect(sent.user).toEqual(user);
    const created = await newestEvent("email_verification.created");
    expect(created.data).not.toHaveProperty("code");
    const verification = await workos.userManagement.getEmailVerification(created.data.id);
    expect(verification).toMatchObject({ object: "email_verification", userId: user.id, code: expect.stringMatching(/^\d{6}$/) });
    const verified = await workos.userManagement.verifyEmail({ userId: user.id, code: verification.code });
    expect(verified.user).toMatchObject({ id: user.id, emailVerified: true });
    await expect(workos.userManagement.sendVerificationEmail({ userId: user.id })).rejects.toBeInstanceOf(ConflictException);
  });

  it("createPasswordReset / getPasswordReset / resetPassword", async () => {
    const user = await workos.userManagement.createUser({ email: "reset@sdk.test", password: "the old passphrase" });
    const reset = await workos.userManagement.createPasswordReset({ email: "reset@sdk.test" });
    expect(reset).toMatchObject({ object: "password_reset", userId: user.id, passwordResetToken: expect.any(String) });
    expect(reset.passwordResetUrl).toContain(reset.passwordResetToken);
    const got = await workos.userManagement.getPasswordReset(reset.id);
    expect(got).toMatchObject({ id: reset.id, userId: user.id, email: "reset@sdk.test" });
    expect(got.passwordResetToken).toBeUndefined();
    const { user: after } = await workos.userManagement.resetPassword({
      token: reset.passwordResetToken,
      newPassword: "a new passphrase",
    });
    expect(after).toMatchObject({ id: user.id, emailVerified: true });
    const signedIn = await workos.userManagement.authenticateWithPassword({
      email: "reset@sdk.test",
      password: "a new passphrase",
    });
    expect(signedIn.user.id).toBe(user.id);
  });

  it("email_verification_required: authenticateWithPassword → AuthenticationException → authenticateWithEmailVerification", async () => {
    const patched = await worker.platform("PATCH", `/teams/${team.id}/environments/${staging.id}`, {
      require_email_verification: true,
    });
    expect(patched.body.require_email_verification).toBe(true);
    try {
      const user = await workos.userManagement.createUser({ email: "gated@sdk.test", password: "a gated passphrase" });
      const refused = await workos.userManagement
        .authenticateWithPassword({ email: "gated@sdk.test", password: "a gated passphrase" })
        .catch((e) => e);
      expect(refused).toBeInstanceOf(AuthenticationException);
      expect(refused.status).toBe(403);
      expect(refused.code).toBe("email_verification_required");
      expect(refused.pendingAuthenticationToken).toEqual(expect.any(String));
      const verification = await workos.userManagement.getEmailVerification(refused.rawData.email_verification_id);
      const done = await workos.userManagement.authenticateWithEmailVerification({
        code: verification.code,
        pendingAuthenticationToken: refused.pendingAuthenticationToken,
      });
      expect(done).toMatchObject({ user: { id: user.id, emailVerified: true }, authenticationMethod: "Password" });
    } finally {
      await worker.platform("PATCH", `/teams/${team.id}/environments/${staging.id}`, { require_email_verification: false });
    }
  });
});

describe("SDK: invitations and identities", () => {
  it("sendInvitation / getInvitation / findInvitationByToken / listInvitations / resendInvitation / acceptInvitation / revokeInvitation", async () => {
    const org = await workos.organizations.createOrganization({ name: "Invited Org" });
    const invitation = await workos.userManagement.sendInvitation({
      email: "invitee@sdk.test",
      organizationId: org.id,
      roleSlug: "admin",
      expiresInDays: 2,
    });
    expect(invitation).toMatchObject({
      object: "invitation",
      email: "invitee@sdk.test",
      state: "pending",
      organizationId: org.id,
      roleSlug: "admin",
      token: expect.any(String),
      acceptInvitationUrl: expect.stringContaining(invitation.token),
    });
    expect(await workos.userManagement.getInvitation(invitation.id)).toEqual(invitation);
    expect(await workos.userManagement.findInvitationByToken(invitation.token)).toEqual(invitation);
    const listed = await workos.userManagement.listInvitations({ organizationId: org.id });
    expect(listed.data.map((i) => i.id)).toEqual([invitation.id]);
    expect((await workos.userManagement.resendInvitation(invitation.id)).state).toBe("pending");
    const accepted = await workos.userManagement.acceptInvitation(invitation.id);
    expect(accepted).toMatchObject({ state: "accepted", acceptedUserId: expect.stringMatching(/^user_/) });
    const memberships = await workos.userManagement.listOrganizationMemberships({ userId: accepted.acceptedUserId as string });
    expect(memberships.data).toMatchObject([{ organizationId: org.id, role: { slug: "admin" } }]);
    await expect(workos.userManagement.revokeInvitation(invitation.id)).rejects.toBeInstanceOf(ConflictException);

    const other = await workos.userManagement.sendInvitation({ email: "later@sdk.test" });
    expect((await workos.userManagement.revokeInvitation(other.id)).state).toBe("revoked");
    await expect(workos.userManagement.getInvitation("invitation_01ARZ3NDEKTSV4RRFFQ69G5FAV")).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it("getUserIdentities is a bare empty array", async () => {
    const user = await workos.userManagement.createUser({ email: "identities@sdk.test" });
    expect(await workos.userManagement.getUserIdentities(user.id)).toEqual([]);
  });
});
