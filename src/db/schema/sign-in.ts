import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";
import { users } from "./environment-data";
import { environments } from "./teams";

/**
 * Sign-in through applications (migrations/0010_sign_in.sql). Every table is keyed by `environment_id` and
 * references nothing outside the environment's own data: it moves with its environment, and every lookup is
 * scoped by it, so nothing of one environment works in another. Secrets are stored hashed (codes, refresh
 * tokens) or encrypted (private keys).
 */
const environmentId = () =>
  text("environment_id")
    .notNull()
    .references(() => environments.id, { onDelete: "cascade" });

/** RS256 keys of an environment; `id` is the JWK's `kid`. The current key has no `retired_at`. */
export const signingKeys = sqliteTable(
  "signing_keys",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    /** `{kty, n, e}` of the public key. */
    publicJwk: text("public_jwk", { mode: "json" }).$type<{ kty: "RSA"; n: string; e: string }>().notNull(),
    /** The PKCS#8 private key, AES-GCM encrypted under SIGNING_KEY_SECRET (services/sign-in/keys.ts). */
    privateKey: text("private_key").notNull(),
    createdAt: timestamps.createdAt,
    /** When a rotation replaced it; it stays published until its last access token has expired. */
    retiredAt: text("retired_at"),
  },
  (t) => [
    index("signing_keys_environment_idx").on(t.environmentId, t.id),
    // One current key per environment: two isolates creating the first key at once cannot both win.
    uniqueIndex("signing_keys_current_unq").on(t.environmentId).where(sql`${t.retiredAt} IS NULL`),
  ],
);

/** A user's session, started by a sign-in through one of the environment's applications. */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organizationId: text("organization_id"),
    /** The application it started through. */
    clientId: text("client_id").notNull(),
    /** The session object's `auth_method` (`password`, `magic_code`, …). */
    authMethod: text("auth_method").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** HMAC key deriving each refresh token's successor (a concurrent refresh gets the same one; no token stored). */
    refreshSecret: text("refresh_secret").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    ...timestamps,
  },
  (t) => [index("user_sessions_user_idx").on(t.environmentId, t.userId, t.id), index("user_sessions_user_fk_idx").on(t.userId)],
);

/** Refresh tokens by SHA-256; rotated on every use (`rotated_at` set), bound to the application they were issued to. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    environmentId: environmentId(),
    tokenHash: text("token_hash").notNull(),
    sessionId: text("session_id")
      .notNull()
      .references(() => userSessions.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    rotatedAt: text("rotated_at"),
    createdAt: timestamps.createdAt,
  },
  // WITHOUT ROWID in the migration: the row is its own key.
  (t) => [primaryKey({ columns: [t.environmentId, t.tokenHash] }), index("refresh_tokens_session_idx").on(t.sessionId)],
);

/** Authorization codes by SHA-256: single use, 10 minutes, bound to application, redirect URI, PKCE challenge and nonce. */
export const authorizationCodes = sqliteTable(
  "authorization_codes",
  {
    environmentId: environmentId(),
    codeHash: text("code_hash").notNull(),
    clientId: text("client_id").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    /** S256 challenge (base64url of SHA-256 of the verifier); null when the client sent none. */
    codeChallenge: text("code_challenge"),
    nonce: text("nonce"),
    scope: text("scope"),
    sessionId: text("session_id")
      .notNull()
      .references(() => userSessions.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    organizationId: text("organization_id"),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.codeHash] }),
    index("authorization_codes_session_idx").on(t.sessionId),
    // The minute's clean-up of expired codes (services/sign-in/cleanup.ts).
    index("authorization_codes_expires_idx").on(t.expiresAt),
  ],
);

/**
 * The password throttle: one row per password attempt that failed (or is being checked) in the last 15 minutes,
 * counted per email and per client address of the environment. Stored, so the limit holds across isolates.
 */
export const passwordFailures = sqliteTable(
  "password_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    environmentId: environmentId(),
    email: text("email").notNull(),
    clientAddress: text("client_address").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("password_failures_email_idx").on(t.environmentId, t.email, t.createdAt),
    index("password_failures_address_idx").on(t.environmentId, t.clientAddress, t.createdAt),
    // The minute's clean-up of failures that no longer count (services/sign-in/cleanup.ts).
    index("password_failures_created_idx").on(t.createdAt),
  ],
);

/**
 * The environment of a user session whose data is in its environment's object (migrations/0018_session_locations.sql):
 * the logout link names the session only. D1 only.
 */
export const sessionLocations = sqliteTable("session_locations", {
  sessionId: text("session_id").primaryKey(),
  environmentId: text("environment_id")
    .notNull()
    .references(() => environments.id, { onDelete: "cascade" }),
});
