import { decodeJwt, jwtVerify, SignJWT } from "jose";
import type { Env, PlatformCaller } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { unauthorized } from "../lib/errors";

/**
 * Platform clients and their access tokens, for every surface that signs one in (the Platform API's
 * `POST /oauth2/token`, the dashboard's sign-in form).
 */

interface PlatformClient {
  id: string;
  secret: string;
}

/** Platform clients from configuration: PLATFORM_CLIENT_ID/SECRET, plus PLATFORM_CLIENTS="id:secret,id:secret". */
export function platformClients(env: Env): PlatformClient[] {
  const clients: PlatformClient[] = [];
  if (env.PLATFORM_CLIENT_ID && env.PLATFORM_CLIENT_SECRET)
    clients.push({ id: env.PLATFORM_CLIENT_ID, secret: env.PLATFORM_CLIENT_SECRET });
  for (const pair of (env.PLATFORM_CLIENTS ?? "").split(",")) {
    const at = pair.indexOf(":");
    if (at > 0) clients.push({ id: pair.slice(0, at).trim(), secret: pair.slice(at + 1).trim() });
  }
  return clients;
}

export const tokenTtl = (env: Env) => Number(env.TOKEN_TTL_SECONDS ?? 3600) || 3600;

/**
 * Access tokens are HS256 JWTs signed with the client's own secret: rotating a secret, or removing the
 * client from configuration, revokes every token it was issued. No token table, no lookup per request.
 */
export async function issueToken(client: PlatformClient, ttlSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)) {
  return new SignJWT({ sub: client.id, iat: nowSeconds, exp: nowSeconds + ttlSeconds, scope: "platform" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(await hmacKey(client.secret));
}

// ---- Per-isolate caches (the request path of every platform call) -----------------------------------

/** The HMAC key, imported once per client secret rather than on every sign and verify. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size >= 64) hmacKeys.clear(); // secrets come from configuration: a handful
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/**
 * Verified tokens, by token string, until their `exp`: a token is checked once per isolate. An entry holds
 * the secret it was verified with, so a rotated or removed client's tokens stop at once (configuration is read
 * per request). Bounded: the oldest entries go first.
 */
export const verifiedTokens = { max: 10_000, entries: new Map<string, { clientId: string; secret: string; exp: number }>() };

/** The caller a platform access token stands for; throws 401 for a malformed, forged, expired or revoked one. */
export async function verifyPlatformToken(env: Env, token: string): Promise<PlatformCaller> {
  const cached = verifiedTokens.entries.get(token);
  if (cached) {
    const client = platformClients(env).find((cl) => cl.id === cached.clientId);
    if (client && client.secret === cached.secret && cached.exp > Date.now() / 1000) return { clientId: client.id };
    verifiedTokens.entries.delete(token);
  }
  let sub: unknown;
  try {
    sub = decodeJwt(token).sub;
  } catch {
    throw unauthorized("Malformed access token.");
  }
  const client = platformClients(env).find((cl) => cl.id === sub);
  if (!client) throw unauthorized("Unknown or revoked access token.");
  let exp: number;
  try {
    // jose, as for the sign-in tokens (one JWT library in the Worker); an `iat` in the future is refused too.
    const { payload } = await jwtVerify(token, await hmacKey(client.secret), { algorithms: ["HS256"] });
    if (typeof payload.iat === "number" && payload.iat > Date.now() / 1000) throw new Error("issued in the future");
    exp = Number(payload.exp);
  } catch (err) {
    const expired = (err as { code?: string })?.code === "ERR_JWT_EXPIRED";
    throw unauthorized(expired ? "The access token has expired." : "Invalid access token.");
  }
  if (Number.isFinite(exp)) {
    const { entries, max } = verifiedTokens;
    if (entries.size >= max) entries.delete(entries.keys().next().value!);
    entries.set(token, { clientId: client.id, secret: client.secret, exp });
  }
  return { clientId: client.id };
}

/** Checks a client's credentials; the client, or undefined. Constant-time on the secret. */
export function authenticateClient(env: Env, id: string | undefined, secret: string | undefined) {
  const client = platformClients(env).find((cl) => cl.id === id);
  return client && secret && timingSafeEqual(client.secret, secret) ? client : undefined;
}
