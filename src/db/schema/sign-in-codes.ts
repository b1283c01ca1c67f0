import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamps } from "./columns";
import { organizations, users } from "./environment-data";
import { environments } from "./teams";

/**
 * One-time codes and tokens of an environment's users: Magic Auth codes, email verifications, pending
 * authentications, password resets and invitations. Each table references `environment_id` (and rows of the same
 * environment) only, and every uniqueness is per environment, so the tables move as they are into a
 * per-environment store (migration 0011).
 *
 * No code or token is stored: six-digit codes and invitation tokens are derived from the row's id under a Worker
 * secret (services/sign-in/one-time-secrets.ts), so a copy of the database reveals none, yet `GET` can show them as
 * WorkOS does; tokens that are looked up (invitations, password resets, pending authentications) are kept as
 * SHA-256 hashes.
 */
const environmentId = () =>
  text("environment_id")
    .notNull()
    .references(() => environments.id, { onDelete: "cascade" });

/** A Magic Auth code. `user_id` is null for an email without a user until the code signs them up. */
export const magicAuths = sqliteTable(
  "magic_auths",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    /** Wrong codes tried against it; at 5 it is burned. */
    failedAttempts: integer("failed_attempts").notNull().default(0),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    ...timestamps,
  },
  (t) => [
    // The newest code of an email (the one that counts).
    index("magic_auths_email_idx").on(t.environmentId, t.email, t.id),
    index("magic_auths_user_idx").on(t.userId),
    // The Cron Trigger's cleanup (services/sign-in/code-cleanup.ts) walks each table by expiry.
    index("magic_auths_expiry_idx").on(t.expiresAt),
  ],
);

export const emailVerifications = sqliteTable(
  "email_verifications",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    ...timestamps,
  },
  // The newest code of a user (the one that counts); also the foreign key's index.
  (t) => [
    index("email_verifications_user_idx").on(t.userId, t.id),
    index("email_verifications_expiry_idx").on(t.expiresAt),
    // A move out of D1 pages an environment's rows (migrations/0020_email_verifications_by_environment.sql).
    index("email_verifications_environment_idx").on(t.environmentId, t.id),
  ],
);

/**
 * A sign-in that is waiting for its user to verify their email: the `pending_authentication_token` (hashed) the
 * refused grant answered, bound to the application it was issued for and the email verification that completes it.
 */
export const pendingAuthentications = sqliteTable(
  "pending_authentications",
  {
    environmentId: environmentId(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emailVerificationId: text("email_verification_id")
      .notNull()
      .references(() => emailVerifications.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    /** The authentication method that was refused, e.g. `Password`: the completed sign-in reports it. */
    authMethod: text("auth_method").notNull(),
    organizationId: text("organization_id"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.environmentId, t.tokenHash] }),
    index("pending_authentications_user_idx").on(t.userId),
    index("pending_authentications_verification_idx").on(t.emailVerificationId),
    index("pending_authentications_expiry_idx").on(t.expiresAt),
  ],
);

export const userPasswordResets = sqliteTable(
  "user_password_resets",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("user_password_resets_token_unq").on(t.environmentId, t.tokenHash),
    index("user_password_resets_user_idx").on(t.userId),
    index("user_password_resets_expiry_idx").on(t.expiresAt),
  ],
);

/**
 * An invitation of an environment's user (not a team member: those are `invitations`). `state` stores
 * pending | accepted | revoked | expired; a pending one past `expires_at` also reads as expired.
 */
export const userInvitations = sqliteTable(
  "user_invitations",
  {
    id: text("id").primaryKey(),
    environmentId: environmentId(),
    email: text("email").notNull(),
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    inviterUserId: text("inviter_user_id").references(() => users.id, { onDelete: "set null" }),
    acceptedUserId: text("accepted_user_id").references(() => users.id, { onDelete: "set null" }),
    roleSlug: text("role_slug"),
    state: text("state").$type<"pending" | "accepted" | "revoked" | "expired">().notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    revokedAt: text("revoked_at"),
    ...timestamps,
  },
  (t) => [
    index("user_invitations_environment_idx").on(t.environmentId, t.id),
    index("user_invitations_email_idx").on(t.environmentId, t.email, t.id),
    index("user_invitations_org_idx").on(t.organizationId, t.id),
    index("user_invitations_inviter_idx").on(t.inviterUserId),
    index("user_invitations_accepted_user_idx").on(t.acceptedUserId),
    uniqueIndex("user_invitations_token_unq").on(t.environmentId, t.tokenHash),
    // One pending invitation per email and organization (or none) of an environment.
    uniqueIndex("user_invitations_pending_unq")
      .on(t.environmentId, t.email, sql`coalesce(${t.organizationId}, '')`)
      .where(sql`state = 'pending'`),
  ],
);
