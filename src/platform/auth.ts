import { createMiddleware } from "hono/factory";
import { decode, sign, verify } from "hono/jwt";
import * as v from "valibot";
import type { AppEnv, Env, PlatformCaller } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { ApiError, unauthorized } from "../lib/errors";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { rateLimit } from "../middleware/rate-limit";
import { callerOfPersonToken, passwordGrant } from "../services/people/auth";
import { TokenObject } from "./objects";

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
  return sign(
    { sub: client.id, iat: nowSeconds, exp: nowSeconds + ttlSeconds, scope: "platform" },
    await hmacKey(client.secret),
    "HS256",
  );
}

// ---- Per-isolate caches (the request path of every platform call) -----------------------------------

/**
 * The HMAC key imported once per client secret: hono/jwt takes a CryptoKey as well as a string, but given the
 * string it re-imports the key on every sign and verify.
 */
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

const TokenRequest = v.object({
  grant_type: v.string(),
  client_id: v.optional(v.string()),
  client_secret: v.optional(v.string()),
  // grant_type=password: a person's email and password (services/people/auth.ts)
  username: v.optional(v.string()),
  password: v.optional(v.string()),
});

/** `POST /oauth2/token`, client credentials (form-encoded, or HTTP Basic as RFC 6749 allows). */
export const tokenRoutes = createRouter().post(
  "/oauth2/token",
  doc({
    summary: "Get a platform access token",
    description:
      "OAuth 2.0 client credentials: a form body (`application/x-www-form-urlencoded`), the client's id and secret in it or in HTTP Basic.",
    tags: ["Authentication"],
    responses: { 200: TokenObject },
    errors: ["unsupported_grant_type", "invalid_client", "invalid_grant", "invalid_parameters", "rate_limited"],
    security: "none",
  }),
  // Slows down secret guessing: a budget per address.
  rateLimit(
    (c) => c.env.TOKEN_RATE_LIMITER,
    (c) => `token:${c.req.header("CF-Connecting-IP") ?? "local"}`,
  ),
  validate("form", TokenRequest),
  async (c) => {
    const form = c.req.valid("form");
    if (form.grant_type === "password") return c.json(await passwordGrant(c, form.username ?? "", form.password ?? ""));
    if (form.grant_type !== "client_credentials")
      throw new ApiError("unsupported_grant_type", "Only grant_type=client_credentials is supported.", {
        error: "unsupported_grant_type",
      });
    let id = form.client_id;
    let secret = form.client_secret;
    const basic = c.req.header("Authorization")?.match(/^Basic\s+(.+)$/i);
    if (basic && !id) [id, secret] = atob(basic[1]).split(":", 2).map(decodeURIComponent);
    const client = authenticateClient(c.env, id, secret);
    if (!client) throw new ApiError("invalid_client", "Unknown client or wrong secret.", { error: "invalid_client" });
    const ttl = tokenTtl(c.env);
    return c.json({ access_token: await issueToken(client, ttl), token_type: "bearer", expires_in: ttl });
  },
);

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
    sub = decode(token).payload.sub;
  } catch {
    throw unauthorized("Malformed access token.");
  }
  const client = platformClients(env).find((cl) => cl.id === sub);
  if (!client) throw unauthorized("Unknown or revoked access token.");
  let exp: number;
  try {
    exp = Number((await verify(token, await hmacKey(client.secret), "HS256")).exp);
  } catch (err) {
    const expired = (err as Error)?.name === "JwtTokenExpired";
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

/** Authenticates a platform request: a bearer token of a configured client, not expired. */
export const requirePlatformClient = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw unauthorized("Missing bearer token. Get one from POST /oauth2/token.");
  // A person's session token (grant_type=password, or the dashboard's) or a platform client's JWT.
  c.set("caller", (await callerOfPersonToken(c.var.db, token)) ?? (await verifyPlatformToken(c.env, token)));
  await next();
});
