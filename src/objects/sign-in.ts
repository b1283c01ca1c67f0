import * as v from "valibot";
import { UserObject } from "./environment-api";

/** Sign-in answers, as the SDK and OpenID Connect clients read them. */

/** `GET /sso/jwks/:client_id`: the environment's published keys (the current one, and the previous one for 5 minutes). */
export const JwksObject = v.object({
  keys: v.array(
    v.object({
      kty: v.literal("RSA"),
      kid: v.string(),
      use: v.literal("sig"),
      alg: v.literal("RS256"),
      n: v.string(),
      e: v.string(),
    }),
  ),
});

/** OpenID Connect Discovery 1.0 metadata of one application's issuer. */
export const OpenIdConfigurationObject = v.object({
  issuer: v.string(),
  authorization_endpoint: v.string(),
  token_endpoint: v.string(),
  userinfo_endpoint: v.string(),
  jwks_uri: v.string(),
  end_session_endpoint: v.string(),
  response_types_supported: v.array(v.string()),
  grant_types_supported: v.array(v.string()),
  code_challenge_methods_supported: v.array(v.string()),
  token_endpoint_auth_methods_supported: v.array(v.string()),
  id_token_signing_alg_values_supported: v.array(v.string()),
  scopes_supported: v.array(v.string()),
  subject_types_supported: v.array(v.string()),
  claims_supported: v.array(v.string()),
  authorization_response_iss_parameter_supported: v.boolean(),
});

/** `POST /user_management/authenticate`: what `deserializeAuthenticationResponse` reads. */
export const AuthenticationResponseObject = v.object({
  user: UserObject,
  organization_id: v.optional(v.string()),
  access_token: v.string(),
  refresh_token: v.string(),
  authentication_method: v.string(),
});

/** `POST {issuer}/oauth2/token` (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
export const TokenResponseObject = v.object({
  access_token: v.string(),
  token_type: v.literal("Bearer"),
  expires_in: v.number(),
  refresh_token: v.string(),
  id_token: v.optional(v.string()),
  scope: v.optional(v.string()),
});

/** `GET {issuer}/oauth2/userinfo` (OpenID Connect Core §5.3). */
export const UserinfoObject = v.object({
  sub: v.string(),
  email: v.string(),
  email_verified: v.boolean(),
  name: v.nullable(v.string()),
  given_name: v.nullable(v.string()),
  family_name: v.nullable(v.string()),
});
