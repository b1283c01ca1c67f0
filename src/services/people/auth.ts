import type { Database, PlatformCaller } from "../../env";
import { ApiError, unauthorized } from "../../lib/errors";
import { checkPassword, createSession, personOfSession, SESSION_PREFIX } from "./sessions";

/** The caller of a person's session token; undefined when the token is not one (then it may be a client's JWT). */
export async function callerOfPersonToken(db: Database, token: string): Promise<PlatformCaller | undefined> {
  if (!token.startsWith(SESSION_PREFIX)) return undefined;
  const person = await personOfSession(db, token);
  if (!person) throw unauthorized("Your session ended (signed out, expired, or you are on no team any more). Sign in again.");
  return { clientId: `person:${person.id}`, person };
}

/**
 * `POST /oauth2/token grant_type=password&username=<email>&password=…`: a person's session as a bearer token
 * for the Platform API (the same server-side session as the dashboard's: revocable, idle and absolute expiry,
 * throttled failures, counted against the caller's `address`). What the person may do is their role on each
 * team, checked per request.
 */
export async function passwordGrant(db: Database, input: { email: string; password: string; address: string }) {
  const person = await checkPassword(db, input.email, input.password, input.address);
  if (!person) throw new ApiError("invalid_grant", "Wrong email or password.", { error: "invalid_grant" });
  const session = await createSession(db, person.id);
  return { access_token: session.token, token_type: "bearer", expires_in: session.expiresIn };
}
