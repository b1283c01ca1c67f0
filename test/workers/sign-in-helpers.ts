import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import { applicationByClientId, issueAuthorizationCode, type SignInContext } from "../../src/services/sign-in";
import { type Answer, call, type EnvApi, envApi, mintKey, newTeam, session } from "./helpers";

export const ORIGIN = "http://control-plane.test";
export const PASSWORD = "correct horse battery staple";

/** A team with a staging environment, its key and its default application's client id. */
export async function signInSetup(name = "Acme") {
  const s = await session();
  const { team, project, environments } = await newTeam(s, name);
  const [staging, production] = environments;
  const key = await mintKey(s, team.id, staging.id);
  return { s, team, project, staging, production, key, api: envApi(key), clientId: staging.client_id as string };
}

/** A user with a password, through the environment API. */
export async function createUser(api: EnvApi, email: string, password = PASSWORD, extra: Record<string, unknown> = {}) {
  const r = await api.post("/user_management/users", { email, password, first_name: "Ada", last_name: "Lovelace", ...extra });
  expect(r.status).toBe(201);
  return r.body;
}

/** `POST /user_management/authenticate` as the SDK sends it (JSON, no key). */
export const authenticate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call("POST", "/user_management/authenticate", { body, headers });

export const passwordGrant = (clientId: string, email: string, password = PASSWORD, headers: Record<string, string> = {}) =>
  authenticate({ client_id: clientId, grant_type: "password", email, password }, headers);

/** `POST {issuer}/oauth2/token`, form-encoded. */
export const tokenRequest = (clientId: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  call("POST", `/user_management/${clientId}/oauth2/token`, {
    rawBody: new URLSearchParams(form).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  });

/** The sign-in context of a client id, as the routes build it (for services the hosted page calls). */
export async function contextFor(clientId: string): Promise<SignInContext> {
  const db = openDatabase(env);
  const found = await applicationByClientId(db, clientId);
  if (!found) throw new Error(`no application ${clientId}`);
  const store = storeOf(env, found.environment, db);
  return { env, db, store, environment: found.environment, application: found.application, origin: ORIGIN };
}

/** A PKCE pair (RFC 7636 S256). */
export async function pkce() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/**
 * A code as the hosted page would issue it after a password sign-in: signs the user in (a session) and issues a
 * code for it, bound to the redirect URI, the challenge and the nonce.
 */
export async function codeFor(
  clientId: string,
  email: string,
  options: { redirectUri?: string; challenge?: string; nonce?: string; scope?: string; organizationId?: string } = {},
) {
  const signedIn = await passwordGrant(clientId, email);
  expect(signedIn.status).toBe(200);
  const sid = claimsOf(signedIn.body.access_token).sid as string;
  const ctx = await contextFor(clientId);
  const code = await issueAuthorizationCode(ctx, {
    redirectUri: options.redirectUri ?? "http://localhost:3000/callback",
    codeChallenge: options.challenge,
    nonce: options.nonce,
    scope: options.scope,
    sessionId: sid,
    userId: signedIn.body.user.id,
    organizationId: options.organizationId,
  });
  return { code, sessionId: sid, userId: signedIn.body.user.id as string };
}

/** A JWT's payload, unverified (tests verify with jose where it matters). */
export const claimsOf = (jwt: string): Record<string, any> =>
  JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));

export const headerOf = (jwt: string): Record<string, any> =>
  JSON.parse(atob(jwt.split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));

/** A refused grant: 400 with both the catalog's code and OAuth's error. */
export function expectInvalidGrant(answer: Answer) {
  expect({ status: answer.status, code: answer.body?.code, error: answer.body?.error }).toEqual({
    status: 400,
    code: "invalid_grant",
    error: "invalid_grant",
  });
  expect(typeof answer.body.error_description).toBe("string");
}
