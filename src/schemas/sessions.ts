import * as v from "valibot";
import { Timestamp } from "./fields";

/** How a session started, as the session object says it (`listSessions`). */
export const SESSION_AUTH_METHODS = [
  "password",
  "magic_code",
  "oauth",
  "sso",
  "passkey",
  "impersonation",
  "cross_app_auth",
  "external_auth",
  "migrated_session",
  "unknown",
] as const;

/** A user's session (`GET /user_management/users/:id/sessions`, `session.*` events). */
export const SessionObject = v.object({
  object: v.literal("session"),
  id: v.string(),
  user_id: v.string(),
  organization_id: v.nullable(v.string()),
  ip_address: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  auth_method: v.picklist(SESSION_AUTH_METHODS),
  status: v.picklist(["active", "expired", "revoked"]),
  expires_at: Timestamp,
  ended_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** The `data` of an `authentication.*` event. */
export const AuthenticationEventData = v.object({
  type: v.string(),
  status: v.picklist(["succeeded", "failed"]),
  user_id: v.nullable(v.string()),
  email: v.nullable(v.string()),
  ip_address: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
});
