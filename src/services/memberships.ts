import { and, eq, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { organizationMemberships, organizations, users } from "../db/schema";
import type { StoreDatabase } from "../env";
import { ApiError, type FieldError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import { columnCount, mergedSeeks, rowFrom } from "../lib/seek";
import type { MEMBERSHIP_STATUSES, OrganizationMembershipObject } from "../schemas/organization-memberships";
import { type EnvironmentWriter, writeWithEvents } from "./environment-events";

export type MembershipRow = typeof organizationMemberships.$inferSelect;

export const serializeMembership = (
  m: MembershipRow,
  organizationName: string,
): InferOutput<typeof OrganizationMembershipObject> => ({
  object: "organization_membership" as const,
  id: m.id,
  user_id: m.userId,
  organization_id: m.organizationId,
  organization_name: organizationName,
  status: m.status as (typeof MEMBERSHIP_STATUSES)[number], // a text column; only these values are written
  role: { slug: m.roleSlug },
  directory_managed: false,
  custom_attributes: {},
  created_at: m.createdAt,
  updated_at: m.updatedAt,
});

/** Memberships joined with their organization's name, scoped to the environment. */
const selectMemberships = (db: StoreDatabase) =>
  db
    .select({ m: organizationMemberships, organizationName: organizations.name })
    .from(organizationMemberships)
    .innerJoin(organizations, eq(organizations.id, organizationMemberships.organizationId));

export async function getMembership(db: StoreDatabase, environmentId: string, id: string) {
  const row = await selectMemberships(db)
    .where(and(eq(organizationMemberships.id, id), eq(organizationMemberships.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("organization_membership", id);
  return serializeMembership(row.m, row.organizationName);
}

export interface MembershipFilters {
  user_id?: string;
  organization_id?: string;
  statuses?: string[];
}

export async function listMemberships(db: StoreDatabase, environmentId: string, params: ListParams & MembershipFilters) {
  const q = paginate(organizationMemberships.id, params);
  const filter = (status?: string) =>
    where(
      eq(organizationMemberships.environmentId, environmentId),
      params.user_id ? eq(organizationMemberships.userId, params.user_id) : undefined,
      params.organization_id ? eq(organizationMemberships.organizationId, params.organization_id) : undefined,
      status !== undefined ? eq(organizationMemberships.status, status) : undefined,
      q.where,
    );
  let rows: { m: MembershipRow; organizationName: string }[];
  if (params.statuses?.length) {
    // One seek per status on the (environment | user | organization, status, id) indexes, merged in id order (see mergedSeeks).
    const arms = [...new Set(params.statuses)].map((status) =>
      db
        .select({ m: organizationMemberships, organizationName: sql<string>`${organizations.name}`.as("organization_name") })
        .from(organizationMemberships)
        .innerJoin(organizations, eq(organizations.id, organizationMemberships.organizationId))
        .where(filter(status))
        .getSQL(),
    );
    rows = (await mergedSeeks(db, arms, params)).map((r) => ({
      m: rowFrom(organizationMemberships, r),
      organizationName: r[columnCount(organizationMemberships)] as string,
    }));
  } else rows = await selectMemberships(db).where(filter()).orderBy(q.orderBy).limit(q.limit);
  return q.page(
    rows.map((r) => ({ ...r, id: r.m.id })),
    (r) => serializeMembership(r.m, r.organizationName),
  );
}

export async function insertMembership(
  writer: EnvironmentWriter,
  input: { organization_id: string; user_id: string; role_slug?: string },
) {
  const { db, environment } = writer;
  const [org, user] = await Promise.all([
    db
      .select()
      .from(organizations)
      .where(and(eq(organizations.id, input.organization_id), eq(organizations.environmentId, environment.id)))
      .get(),
    db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.user_id), eq(users.environmentId, environment.id)))
      .get(),
  ]);
  const errors: FieldError[] = [];
  if (!org)
    errors.push({
      field: "organization_id",
      code: "not_found",
      message: `No organization with id ${input.organization_id} in this environment.`,
    });
  if (!user)
    errors.push({ field: "user_id", code: "not_found", message: `No user with id ${input.user_id} in this environment.` });
  if (!org || !user) throw new ApiError("validation_failed", errors.map((e) => `${e.field}: ${e.message}`).join(" "), { errors });
  const existing = await db
    .select({ id: organizationMemberships.id })
    .from(organizationMemberships)
    .where(and(eq(organizationMemberships.organizationId, org.id), eq(organizationMemberships.userId, user.id)))
    .get();
  if (existing) throw alreadyMember(existing.id);
  const now = new Date().toISOString();
  const row: MembershipRow = {
    id: newId("organizationMembership"),
    environmentId: environment.id,
    organizationId: org.id,
    userId: user.id,
    roleSlug: input.role_slug ?? "member",
    status: "active",
    createdAt: now,
    updatedAt: now,
  };
  const data = serializeMembership(row, org.name);
  await writeWithEvents(
    writer,
    [db.insert(organizationMemberships).values(row)],
    [{ event: "organization_membership.created", data, organizationId: org.id }],
    {
      // Both may be deleted meanwhile: then nothing is written.
      guard: {
        exists: sql`EXISTS (SELECT 1 FROM organizations WHERE id = ${org.id} AND environment_id = ${environment.id}) AND EXISTS (SELECT 1 FROM users WHERE id = ${user.id} AND environment_id = ${environment.id})`,
        missing: () =>
          new ApiError("validation_failed", "The organization or the user was deleted meanwhile.", {
            errors: [
              { field: "organization_id", code: "not_found", message: "may have been deleted meanwhile." },
              { field: "user_id", code: "not_found", message: "may have been deleted meanwhile." },
            ],
          }),
      },
      onConstraint: (m) =>
        m.includes("organization_memberships.organization_id, organization_memberships.user_id") ? alreadyMember() : undefined,
    },
  );
  return data;
}

/** Changes a membership's role (`organization_membership.updated`); the role it already has changes nothing and emits nothing. */
export async function changeMembershipRole(writer: EnvironmentWriter, id: string, roleSlug: string) {
  const { db, environment } = writer;
  const current = await getMembership(db, environment.id, id);
  if (current.role.slug === roleSlug) return current;
  const now = new Date().toISOString();
  const data = { ...current, role: { slug: roleSlug }, updated_at: now };
  await writeWithEvents(
    writer,
    [
      db
        .update(organizationMemberships)
        .set({ roleSlug, updatedAt: now })
        .where(and(eq(organizationMemberships.id, id), eq(organizationMemberships.environmentId, environment.id))),
    ],
    [{ event: "organization_membership.updated", data, organizationId: data.organization_id }],
    { guard: existsGuard(environment.id, id) },
  );
  return data;
}

export async function removeMembership(writer: EnvironmentWriter, id: string) {
  const { db, environment } = writer;
  const data = await getMembership(db, environment.id, id);
  await writeWithEvents(
    writer,
    [
      db
        .delete(organizationMemberships)
        .where(and(eq(organizationMemberships.id, id), eq(organizationMemberships.environmentId, environment.id))),
    ],
    [{ event: "organization_membership.deleted", data, organizationId: data.organization_id }],
    { guard: existsGuard(environment.id, id) },
  );
}

const existsGuard = (environmentId: string, id: string) => ({
  exists: sql`EXISTS (SELECT 1 FROM organization_memberships WHERE id = ${id} AND environment_id = ${environmentId})`,
  missing: () => notFound("organization_membership", id),
});

const alreadyMember = (id?: string) =>
  new ApiError("organization_membership_already_exists", "This user is already a member of this organization.", {
    ...(id ? { organization_membership_id: id } : {}),
    errors: [{ field: "user_id", code: "taken", message: "is already a member of this organization." }],
  });
