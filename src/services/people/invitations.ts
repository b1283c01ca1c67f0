import { and, eq, sql } from "drizzle-orm";
import { invitations, members, type Role } from "../../db/schema";
import { queueEmail } from "../../email/outbox";
import type { Database } from "../../env";
import type { Statement } from "../../lib/batch";
import { randomSecret } from "../../lib/crypto";
import { notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { type ListParams, paginate, where } from "../../lib/pagination";
import type { Serializes } from "../../schemas/fields";
import type { InvitationObject } from "../../schemas/invitations";
import { type Actor, actorToColumn } from "./actor";
import { hashToken } from "./passwords";

export type InvitationRow = typeof invitations.$inferSelect;

export const INVITATION_TTL_DAYS = 7;
export const ACCEPT_PATH = "/dashboard/invitations/accept";

/** `expired` is derived: a pending invitation past its expiry. */
export const invitationState = (i: Pick<InvitationRow, "state" | "expiresAt">, now = new Date().toISOString()) =>
  i.state === "pending" && i.expiresAt <= now ? ("expired" as const) : i.state;

export const serializeInvitation = (i: InvitationRow) => ({
  object: "workos_team_invitation" as const,
  id: i.id,
  team_id: i.teamId,
  email: i.email,
  role_slug: i.role,
  state: invitationState(i),
  expires_at: i.expiresAt,
  accepted_at: i.acceptedAt,
  revoked_at: i.revokedAt,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

const expiry = () => new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000).toISOString();

/** A fresh single-use token: the link carries it, the row keeps its SHA-256. */
async function newToken() {
  const token = `inv_${randomSecret(32)}`;
  return { token, tokenHash: await hashToken(token) };
}

function invitationEmail(db: Database, teamName: string, email: string, role: Role, token: string) {
  const link = `${ACCEPT_PATH}?token=${encodeURIComponent(token)}`;
  return queueEmail(db, {
    kind: "invitation",
    to: email,
    subject: `You are invited to ${teamName}`,
    body: `You are invited to join the team ${teamName} as ${role}. Accept within ${INVITATION_TTL_DAYS} days: choose a name and a password.`,
    link,
  });
}

/**
 * The rows of a new invitation and its email, to run in one batch (also used by team creation for
 * `admin_email`). The partial unique index refuses a second pending invitation for the address.
 */
export async function newInvitationStatements(
  db: Database,
  team: { id: string; name: string },
  input: { email: string; role: Role },
  inviter: string | Actor,
) {
  const { token, tokenHash } = await newToken();
  const now = new Date().toISOString();
  const row: InvitationRow = {
    id: newId("invitation"),
    teamId: team.id,
    email: input.email.toLowerCase(),
    role: input.role,
    state: "pending",
    tokenHash,
    expiresAt: expiry(),
    inviter: actorToColumn(inviter),
    acceptedAt: null,
    revokedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const mail = invitationEmail(db, team.name, row.email, row.role, token);
  return { row, token, emailId: mail.id, statements: [db.insert(invitations).values(row), mail.statement] as Statement[] };
}

/** Re-sends a pending invitation: a new token (the old link stops working), a new expiry, the role asked now. */
export async function resendStatements(db: Database, team: { id: string; name: string }, invitation: InvitationRow, role: Role) {
  const { token, tokenHash } = await newToken();
  const now = new Date().toISOString();
  const row: InvitationRow = { ...invitation, role, tokenHash, expiresAt: expiry(), updatedAt: now };
  const mail = invitationEmail(db, team.name, row.email, role, token);
  return {
    row,
    token,
    statements: [
      db
        .update(invitations)
        .set({ role, tokenHash, expiresAt: row.expiresAt, updatedAt: now })
        .where(and(eq(invitations.id, invitation.id), eq(invitations.state, "pending"))),
      mail.statement,
    ] as Statement[],
  };
}

export const pendingInvitation = (db: Database, teamId: string, email: string) =>
  db
    .select()
    .from(invitations)
    .where(and(eq(invitations.teamId, teamId), eq(invitations.email, email.toLowerCase()), eq(invitations.state, "pending")))
    .get();

export async function getInvitation(db: Database, teamId: string, id: string) {
  const row = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.teamId, teamId), eq(invitations.id, id)))
    .get();
  if (!row) throw notFound("invitation", id);
  return row;
}

export async function listInvitations(db: Database, teamId: string, params: ListParams & { state?: string }) {
  const q = paginate(invitations.id, params);
  const now = new Date().toISOString();
  // `expired` is derived, so the state filter is a condition on two columns.
  const state =
    params.state === "expired"
      ? sql`${invitations.state} = 'pending' AND ${invitations.expiresAt} <= ${now}`
      : params.state === "pending"
        ? sql`${invitations.state} = 'pending' AND ${invitations.expiresAt} > ${now}`
        : params.state
          ? eq(invitations.state, params.state as "accepted")
          : undefined;
  const rows = await db
    .select()
    .from(invitations)
    .where(where(eq(invitations.teamId, teamId), state, q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeInvitation);
}

export const revokeStatement = (db: Database, teamId: string, id: string) => {
  const now = new Date().toISOString();
  return db
    .update(invitations)
    .set({ state: "revoked", revokedAt: now, updatedAt: now })
    .where(and(eq(invitations.teamId, teamId), eq(invitations.id, id), eq(invitations.state, "pending")))
    .returning();
};

/** The invitation a link's token stands for (whatever its state), or undefined. */
export async function invitationByToken(db: Database, token: string) {
  if (!token || token.length > 200) return undefined;
  return db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, await hashToken(token)))
    .get();
}

/**
 * Accepting, as one batch: the invitation goes pending → accepted (only if it still is, and unexpired), and
 * the membership's role is read from that accepted row, so a NULL role (NOT NULL column) aborts everything
 * when the invitation was already used, revoked or expired. Single use even under simultaneous clicks.
 */
export function acceptStatements(db: Database, invitation: InvitationRow, personId: string, memberId: string) {
  const now = new Date().toISOString();
  return [
    db
      .update(invitations)
      .set({ state: "accepted", acceptedAt: now, updatedAt: now })
      .where(and(eq(invitations.id, invitation.id), eq(invitations.state, "pending"), sql`${invitations.expiresAt} > ${now}`)),
    db.insert(members).values({
      id: memberId,
      teamId: invitation.teamId,
      personId,
      role: sql`(SELECT role FROM invitations WHERE id = ${invitation.id} AND state = 'accepted' AND accepted_at = ${now})`,
      createdAt: now,
      updatedAt: now,
    }),
  ] as Statement[];
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeInvitation, typeof InvitationObject>;
