/**
 * Sign-in through applications: a user of an environment signs in through any of its applications (one user
 * base), with the SDK's grants, a standard OpenID Connect client, or the hosted page. The route layer builds a
 * SignInContext (one application of one environment) and calls these.
 */
export { issueAuthorizationCode, redeemAuthorizationCode } from "./authorization-codes";
export { requireVerifiedEmail } from "./code-grants";
export { completeSignIn, type SignInResult } from "./complete";
export { applicationByClientId, assertUnlocked, issuerOf, type SignInContext } from "./context";
export { invalidClient, invalidGrant, invalidRequest } from "./errors";
export { AUTHENTICATE_GRANTS, type Grant, type GrantRequest, runGrant, TOKEN_ENDPOINT_GRANTS } from "./grants";
export { currentSigningKey, publicJwkOf, publishedSigningKeys, rotateSigningKeys, serializeSigningKey } from "./keys";
export { INCORRECT_CREDENTIALS, signInWithPassword } from "./password-sign-in";
export { hashUserPassword, verifyUserPassword } from "./passwords";
export {
  type AuthenticationMethod,
  createUserSession,
  findUserSession,
  listUserSessions,
  revokeSessionsOfUser,
  revokeUserSession,
  serializeUserSession,
} from "./sessions";
export { verifyAccessToken } from "./tokens";
