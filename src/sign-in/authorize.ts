import * as v from "valibot";

/**
 * The authorization request (`GET /user_management/authorize`), checked in the order RFC 6749 §4.1.2.1 asks:
 * first the client and its redirect URI, which decide whether an error may be sent back at all (an unknown client
 * or a redirect URI that is not an exact string match of a registered one is shown to the person, never
 * redirected: RFC 9700 §4.1), then everything else, whose errors go back to the redirect URI with the `state`.
 */

/** What a checked authorization request carries into the hosted page and the code it ends with. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  codeChallenge?: string;
  nonce?: string;
  scope?: string;
  screenHint: "sign-in" | "sign-up";
  loginHint?: string;
  prompt?: "none" | "login";
  invitationToken?: string;
}

/** Where the client's part of the request ends: the redirect URI it may be sent back to, or a refusal shown here. */
export type RedirectTarget = { ok: true; redirectUri: string } | { ok: false; message: string };

/** The redirect URI of a request: an exact string match of one of the application's, or its only one when omitted. */
export function redirectTarget(params: URLSearchParams, registered: readonly string[]): RedirectTarget {
  const given = params.getAll("redirect_uri");
  if (given.length > 1) return { ok: false, message: "The request names more than one redirect_uri." };
  if (given.length === 0) {
    if (registered.length === 1) return { ok: true, redirectUri: registered[0] };
    return {
      ok: false,
      message:
        registered.length === 0
          ? "This application has no redirect URI registered."
          : "This application has several redirect URIs: the request must name one (redirect_uri).",
    };
  }
  // Exact string comparison, no normalization: a trailing slash, another case or an added query is another URI.
  if (!registered.includes(given[0])) return { ok: false, message: "The redirect_uri is not registered for this application." };
  return { ok: true, redirectUri: given[0] };
}

/** The client id of a request, once (a repeated one is refused like an unknown one). */
export function clientIdOf(params: URLSearchParams): string | undefined {
  const given = params.getAll("client_id");
  return given.length === 1 && given[0] !== "" ? given[0] : undefined;
}

export type OAuthError = "invalid_request" | "unsupported_response_type" | "login_required";

export type Checked = { ok: true; request: AuthorizationRequest } | { ok: false; error: OAuthError; description: string };

const Text = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max, `must be at most ${max} characters.`)));

/** The parameters after client_id and redirect_uri. Unknown ones are ignored, as RFC 6749 §3.1 requires. */
const AuthorizeQuery = v.object({
  response_type: v.optional(v.string()),
  provider: v.optional(v.string()),
  state: Text(2048),
  // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters; 43..128 of the unreserved set is what a challenge may be.
  code_challenge: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~-]{43,128}$/, "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.")),
  ),
  code_challenge_method: v.optional(v.string()),
  screen_hint: v.optional(v.picklist(["sign-in", "sign-up"], "must be sign-in or sign-up.")),
  login_hint: Text(320),
  prompt: v.optional(v.picklist(["none", "login"], "must be none or login.")),
  nonce: Text(512),
  scope: Text(1024),
  invitation_token: Text(256),
  connection_id: v.optional(v.string()),
  organization_id: v.optional(v.string()),
});

const SINGLE = Object.keys(AuthorizeQuery.entries);

/**
 * Checks the rest of a request whose client and redirect URI are known good. `native`: a mobile or desktop
 * application, a public client that must use PKCE (RFC 9700 §2.1.1).
 */
export function checkAuthorizationRequest(
  params: URLSearchParams,
  client: { clientId: string; redirectUri: string; native: boolean },
): Checked {
  const fail = (error: OAuthError, description: string): Checked => ({ ok: false, error, description });
  // RFC 6749 §3.1: request parameters must not be included more than once.
  const repeated = SINGLE.find((name) => params.getAll(name).length > 1);
  if (repeated) return fail("invalid_request", `${repeated} is repeated.`);
  const raw: Record<string, string> = {};
  for (const name of SINGLE) {
    const value = params.get(name);
    if (value !== null && value !== "") raw[name] = value;
  }
  const parsed = v.safeParse(AuthorizeQuery, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return fail("invalid_request", `${v.getDotPath(issue) ?? "request"} ${issue.message}`);
  }
  const q = parsed.output;
  if (q.response_type === undefined) return fail("invalid_request", "response_type is required.");
  if (q.response_type !== "code") return fail("unsupported_response_type", "Only response_type=code is supported.");
  if (q.provider !== undefined && q.provider !== "authkit")
    return fail("invalid_request", "Only provider=authkit is available: no other identity provider is reachable.");
  if (q.connection_id !== undefined || q.organization_id !== undefined)
    return fail("invalid_request", "Sign-in through an SSO connection or organization is not available.");
  if (q.code_challenge_method !== undefined && q.code_challenge_method !== "S256")
    return fail("invalid_request", "code_challenge_method must be S256.");
  // RFC 7636 §4.3: a challenge without a method would be `plain`, which is refused.
  if (q.code_challenge !== undefined && q.code_challenge_method === undefined)
    return fail("invalid_request", "code_challenge_method=S256 is required with a code_challenge.");
  if (q.code_challenge === undefined && q.code_challenge_method !== undefined)
    return fail("invalid_request", "code_challenge is required with a code_challenge_method.");
  if (client.native && q.code_challenge === undefined)
    return fail("invalid_request", "Mobile and desktop applications must use PKCE (code_challenge with S256).");
  return {
    ok: true,
    request: {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      state: params.get("state") ?? undefined,
      codeChallenge: q.code_challenge,
      nonce: q.nonce,
      scope: q.scope,
      screenHint: q.screen_hint ?? "sign-in",
      loginHint: q.login_hint,
      prompt: q.prompt,
      invitationToken: q.invitation_token,
    },
  };
}

/**
 * The redirect back to the client: `redirectUri` with `params` added (its own query kept), always with `state`
 * verbatim when the request had one and `iss` (RFC 9207, so the client can tell which server answered).
 */
export function redirectBack(
  redirectUri: string,
  state: string | null | undefined,
  issuer: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  if (state !== null && state !== undefined) url.searchParams.set("state", state);
  url.searchParams.set("iss", issuer);
  return url.toString();
}
