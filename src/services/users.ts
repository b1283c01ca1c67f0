import { and, eq, ne, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { organizationMemberships, users } from "../db/schema";
import type { StoreDatabase } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { UserObject } from "../schemas/users";
import { type EnvironmentWriter, writeWithEvents } from "./environment-events";
import { mergeMetadata, sameMetadata } from "./metadata";
import { hashUserPassword } from "./sign-in/passwords";
import { countCreated, countDeleted } from "./usage";

export type UserRow = typeof users.$inferSelect;

export const serializeUser = (u: UserRow): InferOutput<typeof UserObject> => ({
  object: "user" as const,
  id: u.id,
  email: u.email,
  email_verified: u.emailVerified,
  name: u.name ?? ([u.firstName, u.lastName].filter(Boolean).join(" ") || null),
  first_name: u.firstName,
  last_name: u.lastName,
  profile_picture_url: u.profilePictureUrl,
  last_sign_in_at: u.lastSignInAt,
  locale: u.locale,
  external_id: u.externalId,
  metadata: u.metadata,
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

/** The password fields of a create or update: a password (hashed here) or a hash imported from another system. */
export interface PasswordInput {
  password?: string;
  password_hash?: string;
  password_hash_type?: string;
}

/** Optional fields take null to clear them. */
export interface UserInput extends PasswordInput {
  email: string;
  email_verified?: boolean;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  external_id?: string | null;
  metadata?: Record<string, string>;
  locale?: string | null;
}

export type UserPatch = Partial<Omit<UserInput, "metadata">> & { metadata?: Record<string, string | null> };

export async function getUser(db: StoreDatabase, environmentId: string, id: string) {
  const user = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.environmentId, environmentId)))
    .get();
  if (!user) throw notFound("user", id);
  return user;
}

/** The user with this external id, or 404. */
export async function getUserByExternalId(db: StoreDatabase, environmentId: string, externalId: string) {
  const user = await db
    .select()
    .from(users)
    .where(and(eq(users.environmentId, environmentId), eq(users.externalId, externalId)))
    .get();
  if (!user) throw notFound("user");
  return user;
}

export async function listUsers(
  db: StoreDatabase,
  environmentId: string,
  params: ListParams & { email?: string; organization_id?: string },
) {
  if (params.organization_id) return listMembers(db, environmentId, params.organization_id, params);
  const q = paginate(users.id, params);
  const rows = await db
    .select()
    .from(users)
    .where(
      where(
        eq(users.environmentId, environmentId),
        params.email ? eq(users.email, params.email.toLowerCase()) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeUser);
}

/** An organization's users, walked through its memberships' (organization_id, user_id) index: a page reads a page. */
async function listMembers(
  db: StoreDatabase,
  environmentId: string,
  organizationId: string,
  params: ListParams & { email?: string },
) {
  if (params.email) {
    // Through the user: (environment_id, email) names at most one, then its membership by the (organization_id,
    // user_id) unique index. Walking the organization's members to compare emails would read all of them.
    const q = paginate(users.id, params);
    const rows = await db
      .select()
      .from(users)
      .where(
        where(
          eq(users.environmentId, environmentId),
          eq(users.email, params.email.toLowerCase()),
          sql`EXISTS (SELECT 1 FROM organization_memberships m WHERE m.organization_id = ${organizationId} AND m.user_id = ${users.id} AND m.environment_id = ${environmentId})`,
          q.where,
        ),
      )
      .orderBy(q.orderBy)
      .limit(q.limit);
    return q.page(rows, serializeUser);
  }
  const q = paginate(organizationMemberships.userId, params);
  const rows = await db
    .select({ user: users })
    .from(organizationMemberships)
    .innerJoin(users, eq(users.id, organizationMemberships.userId))
    .where(
      where(
        eq(organizationMemberships.organizationId, organizationId),
        eq(organizationMemberships.environmentId, environmentId),
        params.email ? eq(users.email, params.email.toLowerCase()) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(
    rows.map((r) => r.user),
    serializeUser,
  );
}

export async function insertUser(writer: EnvironmentWriter, input: UserInput) {
  const { db, environment } = writer;
  const now = new Date().toISOString();
  const user: UserRow = {
    id: newId("user"),
    environmentId: environment.id,
    email: input.email.toLowerCase(),
    name: input.name ?? null,
    firstName: input.first_name ?? null,
    lastName: input.last_name ?? null,
    locale: input.locale ?? null,
    emailVerified: input.email_verified ?? false,
    profilePictureUrl: null,
    passwordHash: (await passwordHashOf(input)) ?? null,
    externalId: input.external_id ?? null,
    metadata: input.metadata ?? {},
    lastSignInAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await assertAvailable(db, environment.id, user.id, user.email, user.externalId);
  const data = serializeUser(user);
  await writeWithEvents(
    writer,
    [db.insert(users).values(user), countCreated(db, "users", user.id)],
    [{ event: "user.created", data }],
    { onConstraint: constraintError },
  );
  return data;
}

/** Updates the given fields. An update that changes nothing (e.g. `{}`) answers the user as they are, with no write and no `user.updated`. */
export async function changeUser(writer: EnvironmentWriter, id: string, patch: UserPatch) {
  const { db, environment } = writer;
  const current = await getUser(db, environment.id, id);
  const email = patch.email?.toLowerCase() ?? current.email;
  const user: UserRow = {
    ...current,
    email,
    // A changed address is not verified any more, unless the caller says it is.
    emailVerified: patch.email_verified ?? (email !== current.email ? false : current.emailVerified),
    name: patch.name !== undefined ? patch.name : current.name,
    firstName: patch.first_name !== undefined ? patch.first_name : current.firstName,
    lastName: patch.last_name !== undefined ? patch.last_name : current.lastName,
    locale: patch.locale !== undefined ? patch.locale : current.locale,
    externalId: patch.external_id !== undefined ? patch.external_id : current.externalId,
    metadata: mergeMetadata(current.metadata, patch.metadata),
    passwordHash: (await passwordHashOf(patch)) ?? current.passwordHash,
    updatedAt: new Date().toISOString(),
  };
  // A new password always changes the stored hash (a fresh salt): setting one is a change.
  const unchanged = (
    ["email", "emailVerified", "name", "firstName", "lastName", "locale", "externalId", "passwordHash"] as const
  ).every((k) => user[k] === current[k]);
  if (unchanged && sameMetadata(user.metadata, current.metadata)) return serializeUser(current);
  await assertAvailable(
    db,
    environment.id,
    id,
    email !== current.email ? email : null,
    user.externalId !== current.externalId ? user.externalId : null,
  );
  const { id: _, environmentId: __, createdAt: ___, ...fields } = user;
  const data = serializeUser(user);
  await writeWithEvents(
    writer,
    [
      db
        .update(users)
        .set(fields)
        .where(and(eq(users.id, id), eq(users.environmentId, environment.id))),
    ],
    [{ event: "user.updated", data }],
    {
      guard: existsGuard(environment.id, id),
      onConstraint: constraintError,
    },
  );
  return data;
}

/** Deletes a user and their memberships (which cascade). */
export async function removeUser(writer: EnvironmentWriter, id: string) {
  const { db, environment } = writer;
  const user = await getUser(db, environment.id, id);
  await writeWithEvents(
    writer,
    [countDeleted(db, "users", id), db.delete(users).where(and(eq(users.id, id), eq(users.environmentId, environment.id)))],
    [{ event: "user.deleted", data: serializeUser(user) }],
    {
      guard: existsGuard(environment.id, id),
    },
  );
}

// ---- Rules ------------------------------------------------------------------------------------------

const existsGuard = (environmentId: string, id: string) => ({
  exists: sql`EXISTS (SELECT 1 FROM users WHERE id = ${id} AND environment_id = ${environmentId})`,
  missing: () => notFound("user", id),
});

/** An email address (case-insensitive) and an external id name at most one user of an environment. */
async function assertAvailable(
  db: StoreDatabase,
  environmentId: string,
  userId: string,
  email: string | null,
  externalId: string | null,
) {
  const [sameEmail, sameExternal] = await Promise.all([
    email
      ? db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.environmentId, environmentId), eq(users.email, email), ne(users.id, userId)))
          .get()
      : undefined,
    externalId
      ? db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.environmentId, environmentId), eq(users.externalId, externalId), ne(users.id, userId)))
          .get()
      : undefined,
  ]);
  if (sameEmail) throw emailNotAvailable();
  if (sameExternal) throw externalIdTaken();
}

const emailNotAvailable = () =>
  new ApiError("email_not_available", "Another user of this environment has this email address.", {
    errors: [{ field: "email", code: "taken", message: "is used by another user." }],
  });

const externalIdTaken = () =>
  new ApiError("external_id_taken", "Another user of this environment has this external_id.", {
    errors: [{ field: "external_id", code: "taken", message: "is used by another user." }],
  });

const constraintError = (message: string) =>
  message.includes("users.environment_id, users.email")
    ? emailNotAvailable()
    : message.includes("users.environment_id, users.external_id")
      ? externalIdTaken()
      : undefined;

// ---- Passwords --------------------------------------------------------------------------------------

/** Ours (services/sign-in/passwords.ts), or a hash imported from another system kept with its type. */
async function passwordHashOf(input: PasswordInput): Promise<string | undefined> {
  if (input.password_hash !== undefined) return `${input.password_hash_type}$${input.password_hash}`;
  if (input.password === undefined) return undefined;
  return hashUserPassword(input.password);
}
