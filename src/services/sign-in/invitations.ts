import { and, eq, lte, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { organizationMemberships, organizations, userInvitations, users } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { ApiError, type FieldError, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { type ListParams, paginate, where } from "../../lib/pagination";
import type { InvitationObject } from "../../schemas/sign-in-codes";
import { writeWithEvents } from "../environment-events";
import { insertMembership } from "../memberships";
import { insertUser } from "../users";
import { type CodeScope, inMs } from "./codes";
import { type SecretsKey, tokenHash, tokenOf } from "./one-time-secrets";

/**
 * Invitations of an environment's users (WorkOS's `/user_management/invitations`), to the environment or to one of
 * its organizations. Accepting one makes the user (when there is none with the address) and, with an organization,
 * their membership. The token is derived from the id (one-time-secrets.ts): shown in every answer as WorkOS does,
 * stored only as its hash, to find the invitation by it.
 */
export type InvitationRow = typeof userInvitations.$inferSelect;

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_EXPIRES_IN_DAYS = 7;

/**
 * Where the hosted page accepts an invitation (the token in the query, as WorkOS's `accept_invitation_url`). The
 * path names the environment by its client id (its default application's), since tokens are looked up per environment.
 */
const acceptInvitationUrl = (origin: string, clientId: string, token: string) =>
  `${origin}/user_management/${encodeURIComponent(clientId)}/accept_invitation?invitation_token=${encodeURIComponent(token)}`;

/** A pending invitation past its expiry reads as expired. */
const stateOf = (i: InvitationRow, now = new Date().toISOString()) =>
  i.state === "pending" && i.expiresAt <= now ? "expired" : i.state;

const eventData = (i: InvitationRow) => ({
  object: "invitation" as const,
  id: i.id,
  email: i.email,
  state: stateOf(i),
  accepted_at: i.acceptedAt,
  revoked_at: i.revokedAt,
  expires_at: i.expiresAt,
  organization_id: i.organizationId,
  inviter_user_id: i.inviterUserId,
  accepted_user_id: i.acceptedUserId,
  role_slug: i.roleSlug,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

async function serializeInvitation(
  { key, origin, environment }: { key: SecretsKey; origin: string; environment: Pick<CodeScope["environment"], "clientId"> },
  i: InvitationRow,
): Promise<InferOutput<typeof InvitationObject>> {
  const token = await tokenOf(key, "invitation", i.id);
  const { created_at, updated_at, ...rest } = eventData(i);
  return {
    ...rest,
    token,
    accept_invitation_url: acceptInvitationUrl(origin, environment.clientId, token),
    created_at,
    updated_at,
  };
}

export interface SendInvitationInput {
  email: string;
  organization_id?: string;
  expires_in_days?: number;
  inviter_user_id?: string;
  role_slug?: string;
}

export async function sendInvitation(scope: CodeScope, input: SendInvitationInput) {
  const { db, environment } = scope;
  const email = input.email.toLowerCase();
  const [org, inviter, existing] = await Promise.all([
    input.organization_id
      ? db
          .select({ id: organizations.id })
          .from(organizations)
          .where(and(eq(organizations.id, input.organization_id), eq(organizations.environmentId, environment.id)))
          .get()
      : undefined,
    input.inviter_user_id
      ? db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.id, input.inviter_user_id), eq(users.environmentId, environment.id)))
          .get()
      : undefined,
    db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.environmentId, environment.id), eq(users.email, email)))
      .get(),
  ]);
  const errors: FieldError[] = [];
  if (input.organization_id && !org)
    errors.push({ field: "organization_id", code: "not_found", message: "is no organization of this environment." });
  if (input.inviter_user_id && !inviter)
    errors.push({ field: "inviter_user_id", code: "not_found", message: "is no user of this environment." });
  if (errors.length) throw new ApiError("validation_failed", errors.map((e) => `${e.field}: ${e.message}`).join(" "), { errors });
  if (existing && !org)
    // Invited to the environment, an existing user has nothing to accept.
    throw new ApiError("email_not_available", "A user of this environment already has this email address.", {
      errors: [{ field: "email", code: "taken", message: "is already a user of this environment." }],
    });
  if (existing && org) {
    const member = await db
      .select({ id: organizationMemberships.id })
      .from(organizationMemberships)
      .where(and(eq(organizationMemberships.organizationId, org.id), eq(organizationMemberships.userId, existing.id)))
      .get();
    if (member)
      throw new ApiError("organization_membership_already_exists", "This user is already a member of this organization.", {
        errors: [{ field: "email", code: "taken", message: "is already a member of this organization." }],
      });
  }
  const now = new Date();
  const id = newId("userInvitation");
  const row: InvitationRow = {
    id,
    environmentId: environment.id,
    email,
    organizationId: org?.id ?? null,
    inviterUserId: inviter?.id ?? null,
    acceptedUserId: null,
    roleSlug: input.role_slug ?? null,
    state: "pending",
    tokenHash: await tokenHash(await tokenOf(scope.key, "invitation", id)),
    expiresAt: inMs((input.expires_in_days ?? DEFAULT_EXPIRES_IN_DAYS) * DAY_MS, now.getTime()),
    acceptedAt: null,
    revokedAt: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await writeWithEvents(
    scope,
    [
      // An expired pending invitation of the same address no longer holds its place.
      db
        .update(userInvitations)
        .set({ state: "expired", updatedAt: row.createdAt })
        .where(
          and(
            eq(userInvitations.environmentId, environment.id),
            eq(userInvitations.email, email),
            sql`coalesce(${userInvitations.organizationId}, '') = ${row.organizationId ?? ""}`,
            eq(userInvitations.state, "pending"),
            lte(userInvitations.expiresAt, row.createdAt),
          ),
        ),
      db.insert(userInvitations).values(row),
    ],
    [{ event: "invitation.created", data: eventData(row), organizationId: row.organizationId }],
    {
      // SQLite names an expression index by its name, not its columns.
      onConstraint: (m) => (m.includes("user_invitations_pending_unq") ? new ApiError("invitation_already_pending") : undefined),
    },
  );
  return serializeInvitation(scope, row);
}

async function invitationRow(db: StoreDatabase, environmentId: string, id: string) {
  const row = await db
    .select()
    .from(userInvitations)
    .where(and(eq(userInvitations.id, id), eq(userInvitations.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("invitation", id);
  return row;
}

export async function getUserInvitation(scope: Pick<CodeScope, "db" | "environment" | "key" | "origin">, id: string) {
  return serializeInvitation(scope, await invitationRow(scope.db, scope.environment.id, id));
}

export async function findInvitationByToken(scope: Pick<CodeScope, "db" | "environment" | "key" | "origin">, token: string) {
  const row = await scope.db
    .select()
    .from(userInvitations)
    .where(and(eq(userInvitations.environmentId, scope.environment.id), eq(userInvitations.tokenHash, await tokenHash(token))))
    .get();
  if (!row) throw notFound("invitation");
  return serializeInvitation(scope, row);
}

export async function listUserInvitations(
  scope: Pick<CodeScope, "db" | "environment" | "key" | "origin">,
  params: ListParams & { email?: string; organization_id?: string },
) {
  const { db, environment } = scope;
  const q = paginate(userInvitations.id, params);
  const rows = await db
    .select()
    .from(userInvitations)
    .where(
      where(
        eq(userInvitations.environmentId, environment.id),
        params.email ? eq(userInvitations.email, params.email.toLowerCase()) : undefined,
        params.organization_id ? eq(userInvitations.organizationId, params.organization_id) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
  const page = q.page(rows, (r) => r);
  return { ...page, data: await Promise.all(page.data.map((r) => serializeInvitation(scope, r))) };
}

/** Refuses a change to an invitation that is not pending (accepted, revoked or expired). */
function assertPending(row: InvitationRow) {
  const state = stateOf(row);
  if (state !== "pending")
    throw new ApiError("invitation_not_pending", `This invitation is ${state}; only a pending invitation can change.`, { state });
}

/** Changes a pending invitation in one batch guarded by its still being pending, with its event. */
async function changePending(
  scope: CodeScope,
  row: InvitationRow,
  set: Partial<InvitationRow>,
  event: "invitation.accepted" | "invitation.revoked" | "invitation.resent",
) {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  const next: InvitationRow = { ...row, ...set, updatedAt: now };
  await writeWithEvents(
    scope,
    [
      db
        .update(userInvitations)
        .set({ ...set, updatedAt: now })
        .where(and(eq(userInvitations.id, row.id), eq(userInvitations.environmentId, environment.id))),
    ],
    [{ event, data: eventData(next), organizationId: row.organizationId }],
    {
      guard: {
        exists: sql`EXISTS (SELECT 1 FROM user_invitations WHERE id = ${row.id} AND environment_id = ${environment.id} AND state = 'pending' AND expires_at > ${now})`,
        missing: () => new ApiError("invitation_not_pending", "This invitation changed meanwhile; it is no longer pending."),
      },
    },
  );
  return serializeInvitation(scope, next);
}

export async function revokeUserInvitation(scope: CodeScope, id: string) {
  const row = await invitationRow(scope.db, scope.environment.id, id);
  assertPending(row);
  return changePending(scope, row, { state: "revoked", revokedAt: new Date().toISOString() }, "invitation.revoked");
}

/** Resending changes nothing but says so (`invitation.resent`): the application sends the email again. */
export async function resendInvitation(scope: CodeScope, id: string) {
  const row = await invitationRow(scope.db, scope.environment.id, id);
  assertPending(row);
  return changePending(scope, row, {}, "invitation.resent");
}

/**
 * Accepts a pending invitation: the environment's user with its address (created, unverified, when there is none:
 * accepting through the API proves no inbox), and with an organization their membership (through the memberships
 * service: `organization_membership.created`), then the invitation itself. A retry after a failure part-way
 * finds the user and the membership made and completes.
 */
export async function acceptUserInvitation(scope: CodeScope, id: string) {
  const { db, environment } = scope;
  const row = await invitationRow(db, environment.id, id);
  assertPending(row);
  const findUser = () =>
    db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.environmentId, environment.id), eq(users.email, row.email)))
      .get();
  let userId = (await findUser())?.id;
  if (!userId) {
    try {
      userId = (await insertUser(scope, { email: row.email })).id;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "email_not_available")) throw err;
      userId = (await findUser())?.id;
      if (!userId) throw err;
    }
  }
  if (row.organizationId) {
    try {
      await insertMembership(scope, {
        organization_id: row.organizationId,
        user_id: userId,
        ...(row.roleSlug ? { role_slug: row.roleSlug } : {}),
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "organization_membership_already_exists")) throw err;
    }
  }
  return changePending(
    scope,
    row,
    { state: "accepted", acceptedAt: new Date().toISOString(), acceptedUserId: userId },
    "invitation.accepted",
  );
}
