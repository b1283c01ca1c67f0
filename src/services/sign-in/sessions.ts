import { and, eq, gt, isNull, type SQL } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { userSessions } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { randomSecret } from "../../lib/crypto";
import { newId } from "../../lib/ids";
import { type ListParams, paginate, where } from "../../lib/pagination";
import type { SESSION_AUTH_METHODS, SessionObject } from "../../schemas/sessions";
import { type EnvironmentWriter, writeWithEvents } from "../environment-events";

/**
 * Users' sessions (not the team members' dashboard sessions of services/people/sessions.ts). A session starts at a
 * sign-in through one of the environment's applications and ends after 30 days or when revoked; revoking it
 * stops every refresh token it holds.
 */

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type UserSessionRow = typeof userSessions.$inferSelect;
export type SessionAuthMethod = (typeof SESSION_AUTH_METHODS)[number];

/** How the user authenticated, as the authenticate answer says it (the SDK's `authentication_method`). */
export type AuthenticationMethod =
  | "Password"
  | "MagicAuth"
  | "SSO"
  | "Passkey"
  | "Impersonation"
  | "GoogleOAuth"
  | "MicrosoftOAuth"
  | "GitHubOAuth"
  | "AppleOAuth"
  | "CrossAppAuth"
  | "ExternalAuth"
  | "MigratedSession";

/** The session object's `auth_method` for an authentication method. */
export const sessionAuthMethodOf = (method: AuthenticationMethod): SessionAuthMethod =>
  (
    ({
      Password: "password",
      MagicAuth: "magic_code",
      SSO: "sso",
      Passkey: "passkey",
      Impersonation: "impersonation",
      CrossAppAuth: "cross_app_auth",
      ExternalAuth: "external_auth",
      MigratedSession: "migrated_session",
    }) as Partial<Record<AuthenticationMethod, SessionAuthMethod>>
  )[method] ?? "oauth";

/** Active, expired (30 days passed) or revoked. */
export const sessionStatus = (s: UserSessionRow, now = Date.now()): "active" | "expired" | "revoked" =>
  s.revokedAt !== null ? "revoked" : Date.parse(s.expiresAt) <= now ? "expired" : "active";

export const serializeUserSession = (s: UserSessionRow): InferOutput<typeof SessionObject> => {
  const status = sessionStatus(s);
  return {
    object: "session",
    id: s.id,
    user_id: s.userId,
    organization_id: s.organizationId,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    auth_method: s.authMethod as SessionAuthMethod,
    status,
    expires_at: s.expiresAt,
    ended_at: status === "revoked" ? s.revokedAt : status === "expired" ? s.expiresAt : null,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
};

export interface NewUserSession {
  userId: string;
  clientId: string;
  method: AuthenticationMethod;
  organizationId?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** Starts a session (and records `session.created`). The grants go through completeSignIn, which also mints its tokens; the hosted page starts one alone (its code is exchanged for tokens later). */
export async function createUserSession(scope: EnvironmentWriter, input: NewUserSession): Promise<UserSessionRow> {
  const now = new Date();
  const row: UserSessionRow = {
    id: newId("userSession"),
    environmentId: scope.environment.id,
    userId: input.userId,
    organizationId: input.organizationId ?? null,
    clientId: input.clientId,
    authMethod: sessionAuthMethodOf(input.method),
    ipAddress: input.ipAddress ?? null,
    userAgent: input.userAgent ?? null,
    refreshSecret: randomSecret(32),
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    revokedAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await writeWithEvents(
    scope,
    [scope.db.insert(userSessions).values(row)],
    [{ event: "session.created", data: serializeUserSession(row), organizationId: row.organizationId }],
  );
  return row;
}

/** The session of this environment with this id, or undefined. */
export const findUserSession = (db: StoreDatabase, environmentId: string, sessionId: string) =>
  db
    .select()
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.environmentId, environmentId)))
    .get();

/** Whether a session is usable now (not revoked, not expired). */
export const isActive = (s: UserSessionRow | undefined, now = Date.now()): s is UserSessionRow =>
  s !== undefined && sessionStatus(s, now) === "active";

const active = (nowIso: string) => and(isNull(userSessions.revokedAt), gt(userSessions.expiresAt, nowIso));

/**
 * Revokes one session of the environment (its refresh tokens stop at once). Returns the revoked session, or
 * undefined when there is no such active session. Records `session.revoked`.
 */
export async function revokeUserSession(
  db: StoreDatabase | EnvironmentWriter,
  environmentId: string,
  sessionId: string,
): Promise<UserSessionRow | undefined> {
  const [row] = await revokeWhere(writerFor(db, environmentId), eq(userSessions.id, sessionId));
  return row;
}

/** Revokes every active session of a user (a password reset does). Returns how many it revoked. */
export async function revokeSessionsOfUser(db: StoreDatabase | EnvironmentWriter, environmentId: string, userId: string) {
  return (await revokeWhere(writerFor(db, environmentId), eq(userSessions.userId, userId))).length;
}

const writerFor = (db: StoreDatabase | EnvironmentWriter, environmentId: string): EnvironmentWriter =>
  "onDeliveriesQueued" in db
    ? db
    : // Without a scope, the dispatcher is not woken: the deliveries wait for its next wake-up.
      { db, environment: { id: environmentId } as EnvironmentWriter["environment"], onDeliveriesQueued: () => {} };

async function revokeWhere(scope: EnvironmentWriter, filter: SQL | undefined): Promise<UserSessionRow[]> {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  const revoked = await db
    .update(userSessions)
    .set({ revokedAt: now, updatedAt: now })
    .where(and(eq(userSessions.environmentId, environment.id), filter, active(now)))
    .returning();
  if (revoked.length)
    // After the change (the revocation must not wait on, nor be undone by, the event): events record what happened.
    await writeWithEvents(
      scope,
      [],
      revoked.map((s) => ({
        event: "session.revoked" as const,
        data: serializeUserSession(s),
        organizationId: s.organizationId,
      })),
    );
  return revoked;
}

/** A user's sessions, newest first by default (the SDK's `listSessions`). */
export async function listUserSessions(db: StoreDatabase, environmentId: string, userId: string, params: ListParams) {
  const q = paginate(userSessions.id, params);
  const rows = await db
    .select()
    .from(userSessions)
    .where(where(eq(userSessions.environmentId, environmentId), eq(userSessions.userId, userId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeUserSession);
}

/** Moves a session into another organization (a refresh with `organization_id`). */
export async function setSessionOrganization(db: StoreDatabase, session: UserSessionRow, organizationId: string | null) {
  const now = new Date().toISOString();
  await db
    .update(userSessions)
    .set({ organizationId, updatedAt: now })
    .where(and(eq(userSessions.id, session.id), eq(userSessions.environmentId, session.environmentId)))
    .run();
  return { ...session, organizationId, updatedAt: now };
}
