import { createMiddleware } from "hono/factory";
import { authenticateClient, issueToken, tokenTtl, verifyPlatformToken } from "../auth/platform-tokens";
import type { AppEnv } from "../env";
import { ApiError, unauthorized } from "../lib/errors";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { clientAddress, rateLimit } from "../middleware/rate-limit";
import { TokenObject, TokenRequest } from "../schemas/tokens";
import { callerOfPersonToken, passwordGrant } from "../services/people/auth";

/**
 * `POST /oauth2/token`, form-encoded: client credentials (in the form, or HTTP Basic as RFC 6749 allows), or a
 * person's email and password (`grant_type=password`).
 */
export const tokenRoutes = createRouter().post(
  "/oauth2/token",
  doc({
    summary: "Get a platform access token",
    description:
      "A form body (`application/x-www-form-urlencoded`). `grant_type=client_credentials`: the client's id and secret in it or in HTTP Basic. " +
      "`grant_type=password`: a team member's email (`username`) and password.",
    tags: ["Authentication"],
    responses: { 200: TokenObject },
    errors: ["unsupported_grant_type", "invalid_client", "invalid_grant", "invalid_parameters", "rate_limited"],
    security: "none",
  }),
  // Slows down secret guessing: a budget per address.
  rateLimit(
    (c) => c.env.TOKEN_RATE_LIMITER,
    (c) => `token:${clientAddress(c)}`,
  ),
  validate("form", TokenRequest),
  async (c) => {
    const form = c.req.valid("form");
    if (form.grant_type === "password") {
      const input = { email: form.username ?? "", password: form.password ?? "", address: clientAddress(c) };
      return c.json(await passwordGrant(c.var.db, input));
    }
    if (form.grant_type !== "client_credentials")
      throw new ApiError("unsupported_grant_type", "grant_type must be client_credentials or password.", {
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

/** Authenticates a platform request: a bearer token of a configured client, not expired. */
export const requirePlatformClient = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) throw unauthorized("Missing bearer token. Get one from POST /oauth2/token.");
  // A person's session token (grant_type=password, or the dashboard's) or a platform client's JWT.
  c.set("caller", (await callerOfPersonToken(c.var.db, token)) ?? (await verifyPlatformToken(c.env, token)));
  await next();
});
