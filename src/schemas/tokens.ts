import * as v from "valibot";

/** `POST /oauth2/token`, form-encoded (or the client in HTTP Basic, as RFC 6749 allows). */
export const TokenRequest = v.object({
  grant_type: v.string(),
  client_id: v.optional(v.string()),
  client_secret: v.optional(v.string()),
  // grant_type=password: a person's email and password (services/people/auth.ts)
  username: v.optional(v.string()),
  password: v.optional(v.string()),
});

export const TokenObject = v.object({
  access_token: v.string(),
  token_type: v.literal("bearer"),
  /** Seconds. */
  expires_in: v.number(),
});
