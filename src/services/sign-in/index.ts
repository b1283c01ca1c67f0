/**
 * Sign-in through applications: a user of an environment signs in through any of its applications (one user
 * base), with the SDK's grants, a standard OpenID Connect client, or the hosted page. The route layer builds a
 * SignInContext (one application of one environment) and calls these.
 */
export { issueAuthorizationCode } from "./authorization-codes";
export { applicationByClientId, assertUnlocked, type SignInContext } from "./context";
export { invalidClient } from "./errors";
export type { GrantRequest } from "./grant";
export { AUTHENTICATE_GRANTS, runGrant, TOKEN_ENDPOINT_GRANTS } from "./grants";
export { issuerOf } from "./issuer";
export { listSigningKeys, publicJwkOf, publishedSigningKeys, rotateSigningKeys, serializeSigningKey } from "./keys";
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
