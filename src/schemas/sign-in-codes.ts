import * as v from "valibot";

/**
 * The answers of the one-time codes and invitations of an environment's users, as @workos-inc/node deserializes
 * them (`deserializeMagicAuth`, `deserializeEmailVerification`, `deserializePasswordReset`, `deserializeInvitation`).
 */

const Timestamp = v.pipe(v.string(), v.isoTimestamp());

export const MagicAuthObject = v.object({
  object: v.literal("magic_auth"),
  id: v.string(),
  /** Null for an email without a user until the code signs them up. */
  user_id: v.nullable(v.string()),
  email: v.string(),
  expires_at: Timestamp,
  /** Six digits; also in `GET` (an application may send its own email). Never in the event. */
  code: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const EmailVerificationObject = v.object({
  object: v.literal("email_verification"),
  id: v.string(),
  user_id: v.string(),
  email: v.string(),
  expires_at: Timestamp,
  code: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const PasswordResetObject = v.object({
  object: v.literal("password_reset"),
  id: v.string(),
  user_id: v.string(),
  email: v.string(),
  /** Only in the answer that creates it: the token is stored as a hash. */
  password_reset_token: v.optional(v.string()),
  password_reset_url: v.optional(v.string()),
  expires_at: Timestamp,
  created_at: Timestamp,
});

const INVITATION_STATES = ["pending", "accepted", "expired", "revoked"] as const;

export const InvitationObject = v.object({
  object: v.literal("invitation"),
  id: v.string(),
  email: v.string(),
  state: v.picklist(INVITATION_STATES),
  accepted_at: v.nullable(Timestamp),
  revoked_at: v.nullable(Timestamp),
  expires_at: Timestamp,
  organization_id: v.nullable(v.string()),
  inviter_user_id: v.nullable(v.string()),
  accepted_user_id: v.nullable(v.string()),
  role_slug: v.nullable(v.string()),
  token: v.string(),
  accept_invitation_url: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** `GET /user_management/users/:id/identities`: a bare array (no identity provider is reachable here: always empty). */
export const IdentitiesObject = v.array(v.object({ idp_id: v.string(), type: v.literal("OAuth"), provider: v.string() }));

// ---- Events (their data never carries a code or token, as WorkOS's) -----------------------------------

const withoutSecret = <T extends v.ObjectEntries, K extends keyof T & string>(o: v.ObjectSchema<T, undefined>, keys: K[]) =>
  v.object(Object.fromEntries(Object.entries(o.entries).filter(([k]) => !keys.includes(k as K))) as Omit<T, K>);

export const MagicAuthEventData = withoutSecret(MagicAuthObject, ["code"]);
export const EmailVerificationEventData = withoutSecret(EmailVerificationObject, ["code"]);
export const PasswordResetEventData = withoutSecret(PasswordResetObject, ["password_reset_token", "password_reset_url"]);
export const InvitationEventData = withoutSecret(InvitationObject, ["token", "accept_invitation_url"]);

export const MAGIC_AUTH_EVENTS = ["magic_auth.created"] as const;
export const EMAIL_VERIFICATION_EVENTS = ["email_verification.created"] as const;
export const PASSWORD_RESET_EVENTS = ["password_reset.created", "password_reset.succeeded"] as const;
export const INVITATION_EVENTS = [
  "invitation.created",
  "invitation.accepted",
  "invitation.revoked",
  "invitation.resent",
] as const;
/** `authentication.*` events of codes (their data: `AuthenticationEventData`, with the password's, in environment-api.ts). */
export const CODE_AUTHENTICATION_EVENTS = [
  "authentication.magic_auth_succeeded",
  "authentication.magic_auth_failed",
  "authentication.email_verification_succeeded",
] as const;
