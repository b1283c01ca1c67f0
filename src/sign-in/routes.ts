import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import * as v from "valibot";
import { users } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, ENVIRONMENT_DATA, unauthorized } from "../lib/errors";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import {
  AuthenticationResponseObject,
  JwksObject,
  OpenIdConfigurationObject,
  TokenResponseObject,
  UserinfoObject,
} from "../schemas/sign-in";
import { environmentForKey } from "../services/api-keys";
import {
  AUTHENTICATE_GRANTS,
  type GrantRequest,
  invalidClient,
  issuerOf,
  publicJwkOf,
  publishedSigningKeys,
  runGrant,
  type SignInContext,
  TOKEN_ENDPOINT_GRANTS,
  verifyAccessToken,
} from "../services/sign-in";
import { ACCESS_TOKEN_TTL_SECONDS } from "../services/sign-in/keys";
import { findUserSession, isActive } from "../services/sign-in/sessions";
import { serializeUser } from "../services/users";
import { clientAddressOf, signInContext } from "./context";

/**
 * Sign-in through applications, without an environment key: the environment comes from the application's client
 * id. The SDK's `POST /user_management/authenticate`, the JWKS, and each application's OpenID Connect issuer
 * (discovery, token endpoint, userinfo). Token answers are never stored (no idempotent replay: these routes sit
 * outside the idempotency middleware) nor logged.
 */

const Field = v.optional(v.pipe(v.string(), v.maxLength(4096, "must be at most 4096 characters.")));

/** The SDK's body: the fields its grants send; any other field (Radar, invitation_token, …) is accepted and ignored. */
const AuthenticateBody = v.looseObject({
  client_id: v.pipe(v.string(), v.nonEmpty("is required."), v.maxLength(100, "must be at most 100 characters.")),
  grant_type: v.pipe(v.string(), v.maxLength(200, "must be at most 200 characters.")),
  client_secret: Field,
  code: Field,
  code_verifier: Field,
  redirect_uri: Field,
  email: Field,
  password: Field,
  refresh_token: Field,
  organization_id: Field,
  pending_authentication_token: Field,
  ip_address: Field,
  user_agent: Field,
});

/** The token endpoint's form (RFC 6749 §4.1.3, §6); unknown fields are ignored. */
const TokenForm = v.looseObject({
  grant_type: Field,
  code: Field,
  redirect_uri: Field,
  code_verifier: Field,
  refresh_token: Field,
  client_id: Field,
  client_secret: Field,
  scope: Field,
});

const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** Only string fields reach a grant (a JSON body may hold anything else in the fields it ignores). */
const stringFields = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => typeof value === "string")) as Record<string, string>;

/** A `client_secret` must be an API key of the application's own environment. */
async function secretOpens(ctx: SignInContext, secret: string) {
  const found = await environmentForKey(ctx.db, secret);
  return found !== undefined && found.environment.id === ctx.environment.id;
}

/**
 * Who is signing in, for the throttle and the events. The per-address throttle counts the connecting address; a
 * confidential client (it proved the environment's key) signs its users in from its own server, so the address it
 * reports for its user (`ip_address`, as the SDK sends it) is the one counted: otherwise every user of that server
 * would share one budget. An unauthenticated caller's `ip_address` is never trusted for that.
 */
const requestFacts = (c: Context<AppEnv>, fields: Record<string, string>, clientAuthenticated: boolean) => ({
  clientAddress: clientAuthenticated && fields.ip_address ? fields.ip_address : clientAddressOf(c),
  ipAddress: fields.ip_address ?? c.req.header("CF-Connecting-IP") ?? null,
  userAgent: fields.user_agent ?? c.req.header("User-Agent") ?? null,
});

const GRANT_ERRORS = [
  ...ENVIRONMENT_DATA,
  "invalid_grant",
  "invalid_request",
  "unsupported_grant_type",
  "invalid_client",
  "environment_locked",
  "rate_limited",
] as const;

/** The application named by the path's `:client_id` (JWKS, discovery, userinfo): an unknown one is a plain 404. */
const pathClientContext = (c: Context<AppEnv>) =>
  signInContext(c, c.req.param("client_id") ?? "", () => new ApiError("not_found", "No application with this client id."));

export const signInRoutes = createRouter()
  .get(
    "/sso/jwks/:client_id",
    doc({
      summary: "Get the JSON Web Key Set",
      description:
        "The public keys that verify access and ID tokens of the application's environment (any application's client id). No key needed; cacheable for 5 minutes.",
      tags: ["User management"],
      responses: { 200: JwksObject },
      errors: ["not_found", "environment_locked", ...ENVIRONMENT_DATA],
      security: "none",
    }),
    async (c) => {
      const ctx = await pathClientContext(c);
      const keys = await publishedSigningKeys(ctx.env, ctx.store, ctx.environment.id);
      return c.json({ keys: keys.map(publicJwkOf) }, 200, { "Cache-Control": "public, max-age=300" });
    },
  )
  .get(
    "/user_management/:client_id/.well-known/openid-configuration",
    doc({
      summary: "OpenID Connect discovery",
      description:
        "The metadata of the application's issuer, `{origin}/user_management/{client_id}` (OpenID Connect Discovery 1.0).",
      tags: ["User management"],
      responses: { 200: OpenIdConfigurationObject },
      errors: ["not_found", "environment_locked", ...ENVIRONMENT_DATA],
      security: "none",
    }),
    async (c) => {
      const ctx = await pathClientContext(c);
      const origin = ctx.origin;
      const issuer = issuerOf(origin, ctx.application.clientId);
      return c.json(
        {
          issuer,
          authorization_endpoint: `${origin}/user_management/authorize`,
          token_endpoint: `${issuer}/oauth2/token`,
          userinfo_endpoint: `${issuer}/oauth2/userinfo`,
          jwks_uri: `${origin}/sso/jwks/${ctx.application.clientId}`,
          end_session_endpoint: `${origin}/user_management/sessions/logout`,
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          subject_types_supported: ["public"],
          claims_supported: [
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "sid",
            "email",
            "email_verified",
            "name",
            "given_name",
            "family_name",
          ],
          authorization_response_iss_parameter_supported: true,
        },
        200,
        { "Cache-Control": "public, max-age=300" },
      );
    },
  )
  .post(
    "/user_management/authenticate",
    doc({
      summary: "Authenticate a user",
      description:
        "The SDK's `authenticateWith*`: `grant_type` is `authorization_code` (`code` with `code_verifier`, or `client_secret`), `password` (`email`, `password`) or `refresh_token` (`refresh_token`, optional `organization_id` to switch organization). No environment key: `client_id` names the application. A `client_secret`, when sent, must be an API key of that environment. A refused grant is 400 `invalid_grant`; 5 failed passwords per email (20 per address) in 15 minutes answer 429 with Retry-After. " +
        "`urn:workos:oauth:grant-type:magic-auth:code` (`email`, `code`) signs in with a Magic Auth code (an email without a user signs up, verified). " +
        "When the environment sets `require_email_verification`, a user with an unverified email is refused with 403 `email_verification_required` " +
        "(`pending_authentication_token`, `email`, `email_verification_id`; a code is sent): `urn:workos:oauth:grant-type:email-verification:code` " +
        "(`pending_authentication_token`, `code`), through the same application, completes that sign-in. A wrong code counts a try; the fifth burns it.",
      tags: ["User management"],
      responses: { 200: AuthenticationResponseObject },
      errors: [...GRANT_ERRORS, "email_verification_required"],
      security: "none",
      write: true,
    }),
    validate("json", AuthenticateBody),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await signInContext(c, body.client_id);
      const fields = stringFields(body);
      let clientAuthenticated = false;
      if (body.client_secret !== undefined) {
        if (!(await secretOpens(ctx, body.client_secret)))
          throw invalidClient("client_secret is not an API key of this client's environment.");
        clientAuthenticated = true;
      }
      const request: GrantRequest = { fields, clientAuthenticated, ...requestFacts(c, fields, clientAuthenticated) };
      const result = await runGrant(AUTHENTICATE_GRANTS, ctx, request);
      return c.json(
        {
          user: serializeUser(result.user),
          ...(result.organization_id ? { organization_id: result.organization_id } : {}),
          access_token: result.access_token,
          refresh_token: result.refresh_token,
          authentication_method: result.authentication_method,
        },
        200,
        NO_STORE,
      );
    },
  )
  .post(
    "/user_management/:client_id/oauth2/token",
    doc({
      summary: "OAuth 2.0 token endpoint",
      description:
        "Form-encoded (RFC 6749): `authorization_code` (with `redirect_uri`, and `code_verifier` for PKCE) and `refresh_token`. The client authenticates with HTTP Basic (`client_secret_basic`), `client_secret` in the form (`client_secret_post`) — an API key of the environment — or not at all (`none`, with PKCE).",
      tags: ["User management"],
      responses: { 200: TokenResponseObject },
      // bad_request: a body that is not a form (the form validator refuses it before the route runs).
      errors: [...GRANT_ERRORS, "invalid_parameters", "bad_request"],
      security: "none",
    }),
    validate("form", TokenForm),
    async (c) => {
      const clientId = c.req.param("client_id");
      const form = stringFields(c.req.valid("form"));
      let basicId: string | undefined;
      let secret = form.client_secret;
      const basic = c.req.header("Authorization")?.match(/^Basic\s+(\S+)$/i);
      if (basic) {
        // RFC 6749 §2.3.1: each part form-urlencoded before joining.
        let decoded: string[];
        try {
          decoded = atob(basic[1]).split(":");
        } catch {
          throw basicRefused(c, "Malformed HTTP Basic credentials.");
        }
        if (decoded.length < 2) throw basicRefused(c, "Malformed HTTP Basic credentials.");
        const [id, ...rest] = decoded;
        basicId = decodeURIComponent(id.replace(/\+/g, " "));
        secret = decodeURIComponent(rest.join(":").replace(/\+/g, " "));
      }
      const claimedId = basicId ?? form.client_id;
      if (claimedId !== undefined && claimedId !== clientId)
        throw basic
          ? basicRefused(c, "The client does not match this issuer.")
          : invalidClient("client_id does not match this issuer.");
      const ctx = await signInContext(c, clientId, () =>
        basic ? basicRefused(c, "Unknown client.") : invalidClient("Unknown client."),
      );
      let clientAuthenticated = false;
      if (secret !== undefined) {
        if (!(await secretOpens(ctx, secret)))
          throw basic
            ? basicRefused(c, "Wrong client secret.")
            : invalidClient("client_secret is not an API key of this environment.");
        clientAuthenticated = true;
      }
      const request: GrantRequest = { fields: form, clientAuthenticated, ...requestFacts(c, form, clientAuthenticated) };
      const result = await runGrant(TOKEN_ENDPOINT_GRANTS, ctx, request);
      return c.json(
        {
          access_token: result.access_token,
          token_type: "Bearer" as const,
          expires_in: ACCESS_TOKEN_TTL_SECONDS,
          refresh_token: result.refresh_token,
          ...(result.id_token ? { id_token: result.id_token } : {}),
        },
        200,
        NO_STORE,
      );
    },
  )
  .get(
    "/user_management/:client_id/oauth2/userinfo",
    doc({
      summary: "OpenID Connect userinfo",
      description: "The signed-in user's claims, for an access token of this issuer (`Authorization: Bearer`).",
      tags: ["User management"],
      responses: { 200: UserinfoObject },
      errors: ["unauthorized", "not_found", "environment_locked", ...ENVIRONMENT_DATA],
      security: "none",
    }),
    async (c) => {
      const ctx = await pathClientContext(c);
      const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
      // RFC 6750 §3: a refused bearer token names itself in the challenge.
      const refuse = (message: string) => {
        c.header("WWW-Authenticate", 'Bearer error="invalid_token"');
        return unauthorized(message);
      };
      if (!token) throw refuse("Missing bearer access token.");
      const claims = await verifyAccessToken(ctx, token).catch((err: ApiError) => {
        throw refuse(err.message);
      });
      const session = await findUserSession(ctx.store, ctx.environment.id, claims.sid);
      if (!isActive(session)) throw refuse("The session of this access token has ended.");
      const user = await ctx.store
        .select()
        .from(users)
        .where(and(eq(users.id, claims.sub), eq(users.environmentId, ctx.environment.id)))
        .get();
      if (!user) throw refuse("The user of this access token no longer exists.");
      const u = serializeUser(user);
      return c.json(
        {
          sub: u.id,
          email: u.email,
          email_verified: u.email_verified,
          name: u.name,
          given_name: u.first_name,
          family_name: u.last_name,
        },
        200,
        NO_STORE,
      );
    },
  );

/** 401 invalid_client for HTTP Basic, with the challenge RFC 6749 §5.2 asks for. */
function basicRefused(c: Context<AppEnv>, description: string) {
  c.header("WWW-Authenticate", 'Basic realm="token"');
  return invalidClient(description);
}
