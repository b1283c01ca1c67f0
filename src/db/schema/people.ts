import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Role } from "../../schemas/roles";
import { timestamps } from "./columns";
import { teams } from "./teams";

/**
 * People on teams; migrations/0006_people.sql is written by hand to match.
 * A person is one account per email address (a password, sessions); a member is a person on one team with
 * one role. Secrets (passwords, session, invitation and reset tokens) are stored only as hashes.
 */
export const people = sqliteTable(
  "people",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** PBKDF2-SHA256, hex; salt per person, iterations stored so they can be raised later. */
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("people_email_unq").on(t.email)],
);

// The roles are the schemas' vocabulary (src/schemas sits below the database layer); re-exported for the columns' readers.
export { ROLES, type Role } from "../../schemas/roles";

export const members = sqliteTable(
  "members",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("members_team_person_unq").on(t.teamId, t.personId),
    index("members_team_idx").on(t.teamId, t.id),
    index("members_team_role_idx").on(t.teamId, t.role),
    index("members_person_idx").on(t.personId, t.teamId),
  ],
);

/** `state` stores pending | accepted | revoked; `expired` is derived (pending past `expires_at`). */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    state: text("state").$type<"pending" | "accepted" | "revoked">().notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    /** The actor who invited (JSON, see services/people/actor.ts). */
    inviter: text("inviter").notNull(),
    acceptedAt: text("accepted_at"),
    revokedAt: text("revoked_at"),
    ...timestamps,
  },
  (t) => [
    index("invitations_team_idx").on(t.teamId, t.id),
    uniqueIndex("invitations_token_unq").on(t.tokenHash),
    uniqueIndex("invitations_pending_unq").on(t.teamId, t.email).where(sql`state = 'pending'`),
  ],
);

export const personSessions = sqliteTable(
  "person_sessions",
  {
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** Idle expiry counts from here. */
    lastSeenAt: text("last_seen_at").notNull(),
    /** Absolute expiry. */
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex("person_sessions_token_unq").on(t.tokenHash), index("person_sessions_person_idx").on(t.personId)],
);

export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex("password_resets_token_unq").on(t.tokenHash)],
);

/** Failed sign-ins, counted per email and per address over a window to throttle guessing. */
export const signInFailures = sqliteTable(
  "sign_in_failures",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    address: text("address").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("sign_in_failures_email_idx").on(t.email, t.createdAt),
    index("sign_in_failures_address_idx").on(t.address, t.createdAt),
  ],
);

/** Password-reset requests (each mails a link), counted per email and per address over a window like sign-in failures. */
export const passwordResetRequests = sqliteTable(
  "password_reset_requests",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    address: text("address").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("password_reset_requests_email_idx").on(t.email, t.createdAt),
    index("password_reset_requests_address_idx").on(t.address, t.createdAt),
  ],
);

/** Mail to send: written in the same batch as what it announces, delivered afterwards (src/email/outbox.ts). */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<"invitation" | "password_reset" | "email_verification">().notNull(),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    link: text("link").notNull(),
    /** pending → sent (or logged, in development) | failed (retries exhausted). */
    state: text("state").$type<"pending" | "sent" | "logged" | "failed">().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    sentAt: text("sent_at"),
    createdAt: timestamps.createdAt,
  },
  (t) => [index("email_outbox_due_idx").on(t.state, t.nextAttemptAt)],
);
