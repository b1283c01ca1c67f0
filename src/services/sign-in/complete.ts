import { and, eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { UserRow } from "../users";
import { eventScope, type SignInContext } from "./context";
import { invalidGrant } from "./errors";
import { issueRefreshToken } from "./refresh-tokens";
import { recordSessionLocation } from "./session-locations";
import {
  type AuthenticationMethod,
  createUserSession,
  findUserSession,
  isActive,
  setSessionOrganization,
  type UserSessionRow,
} from "./sessions";
import { membershipRole, mintAccessToken, mintIdToken } from "./tokens";

export interface CompleteSignIn {
  user: UserRow;
  method: AuthenticationMethod;
  /** Sign in into this organization (the user must be a member of it). */
  organizationId?: string | null;
  /** Continue this session (a code exchange, a refresh) instead of starting one. */
  sessionId?: string;
  /** The session of `sessionId`, when the caller has just read it (saves reading it again). */
  session?: UserSessionRow;
  /** The ID token's nonce (when `openid` is in `scope`). */
  nonce?: string | null;
  scope?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  /** A refresh: the rotated token's successor is the answer's refresh token (no new one is issued). */
  refreshToken?: string;
}

export interface SignInResult {
  user: UserRow;
  organization_id?: string;
  access_token: string;
  refresh_token: string;
  id_token?: string;
  authentication_method: AuthenticationMethod;
  session: UserSessionRow;
}

/**
 * The one place a user's session starts (when no `sessionId` is given) and tokens are minted: every grant and
 * the hosted sign-in page end here. A new sign-in stamps the user's `last_sign_in_at`; a refresh does not.
 */
export async function completeSignIn(ctx: SignInContext, input: CompleteSignIn): Promise<SignInResult> {
  let user = input.user;
  if (user.environmentId !== ctx.environment.id) throw invalidGrant("The user is not of this environment.");
  const organizationId = input.organizationId ?? undefined;
  if (organizationId && !(await membershipRole(ctx, user.id, organizationId)))
    throw invalidGrant("The user is not a member of this organization.");
  let session: UserSessionRow;
  if (input.sessionId) {
    const found =
      input.session?.id === input.sessionId
        ? input.session
        : await findUserSession(ctx.store, ctx.environment.id, input.sessionId);
    if (!isActive(found) || found.userId !== user.id) throw invalidGrant("The session has ended.");
    session = found;
    if (organizationId && organizationId !== session.organizationId)
      session = await setSessionOrganization(ctx.store, session, organizationId);
  } else {
    session = await createUserSession(eventScope(ctx), {
      userId: user.id,
      clientId: ctx.application.clientId,
      method: input.method,
      organizationId,
      ipAddress: input.ipAddress,
      userAgent: input.userAgent,
    });
    await recordSessionLocation(ctx.db, ctx.environment, session.id);
  }
  if (!input.refreshToken) {
    const now = new Date().toISOString();
    const [stamped] = await ctx.store
      .update(users)
      // A sign-in is not an edit of the user: updated_at stays.
      .set({ lastSignInAt: now, updatedAt: user.updatedAt })
      .where(and(eq(users.id, user.id), eq(users.environmentId, ctx.environment.id)))
      .returning();
    if (!stamped) throw invalidGrant("The user no longer exists.");
    user = stamped;
  }
  const openid = (input.scope ?? "").split(" ").includes("openid");
  const [accessToken, refreshToken, idToken] = await Promise.all([
    mintAccessToken(ctx, session),
    input.refreshToken ?? issueRefreshToken(ctx, session),
    openid ? mintIdToken(ctx, { user, session, nonce: input.nonce }) : undefined,
  ]);
  return {
    user,
    ...(session.organizationId ? { organization_id: session.organizationId } : {}),
    access_token: accessToken,
    refresh_token: refreshToken,
    ...(idToken ? { id_token: idToken } : {}),
    authentication_method: input.method,
    session,
  };
}
