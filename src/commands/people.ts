import { people, type Role } from "../db/schema";
import { batch } from "../lib/batch";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import {
  acceptStatements,
  getInvitation,
  type InvitationRow,
  invitationByToken,
  invitationState,
  newInvitationStatements,
  pendingInvitation,
  resendStatements,
  revokeStatement,
} from "../services/people/invitations";
import {
  explainRefusedMemberWrite,
  getMember,
  isMemberOfTeam,
  personByEmail,
  removeMemberStatement,
  revokeSessionsIfTeamless,
  teamEventIfChanged,
  updateRoleStatement,
} from "../services/people/members";
import { hashPassword, passwordProblem, verifyPassword } from "../services/people/passwords";
import { completePasswordReset, normalizeEmail, requestPasswordReset } from "../services/people/sessions";
import { recordTeamEvent } from "../services/team-events";
import { deliverQueuedEmail } from "./email";
import { actorOf, type RequestScope, type TeamScope } from "./scope";

/**
 * Writes about people on a team: each one batch with its team event (and its email, through the outbox).
 * Surfaces (the Platform API, the dashboard) call these; the rules and statements are in services/people.
 */
/**
 * Invites an address to a team. A member already: 400 `user_already_team_member`. A pending invitation for
 * the address (expired or not): re-sent — the same invitation, a new token and expiry — `created: false`.
 * The email goes out after the answer.
 */
export async function inviteToTeam(scope: TeamScope, input: { email: string; role_slug: Role }) {
  const { db, team } = scope;
  const actor = actorOf(scope);
  const email = normalizeEmail(input.email);
  if (await isMemberOfTeam(db, team.id, email))
    throw new ApiError("user_already_team_member", `${email} is already a member of this team.`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const pending = await pendingInvitation(db, team.id, email);
    if (pending) {
      const resent = await resendStatements(db, team, pending, input.role_slug);
      await batch(db, [
        ...resent.statements,
        recordTeamEvent(db, team.id, "invitation.resent", actor, {
          invitation_id: pending.id,
          email,
          role_slug: input.role_slug,
        }),
      ]);
      await deliverQueuedEmail(scope);
      return { invitation: resent.row, created: false };
    }
    const fresh = await newInvitationStatements(db, team, { email, role: input.role_slug }, actor);
    try {
      await batch(db, [
        ...fresh.statements,
        recordTeamEvent(db, team.id, "invitation.created", actor, {
          invitation_id: fresh.row.id,
          email,
          role_slug: input.role_slug,
        }),
      ]);
      await deliverQueuedEmail(scope);
      return { invitation: fresh.row, created: true };
    } catch (err) {
      // A simultaneous invitation of the same address won the partial unique index: resend that one.
      if (
        !/UNIQUE constraint failed: invitations\.team_id, invitations\.email/i.test(
          String((err as Error)?.message ?? err) + String((err as { cause?: unknown })?.cause ?? ""),
        )
      )
        throw err;
    }
  }
  throw new ApiError("idempotency_request_in_progress", "This address is being invited right now; retry shortly.");
}

export async function revokeInvitation(scope: TeamScope, input: { id: string }) {
  const { db } = scope;
  const actor = actorOf(scope);
  const { id } = input;
  const teamId = scope.team.id;
  const invitation = await getInvitation(db, teamId, id);
  if (invitation.state !== "pending") return invitation; // revoking twice, or an accepted one, changes nothing
  const [[revoked]] = (await batch(db, [
    revokeStatement(db, teamId, id),
    recordTeamEvent(db, teamId, "invitation.revoked", actor, { invitation_id: id, email: invitation.email }),
  ])) as [InvitationRow[]];
  return revoked ?? (await getInvitation(db, teamId, id));
}

export async function changeMemberRole(scope: TeamScope, input: { id: string; role_slug: Role }) {
  const { db } = scope;
  const actor = actorOf(scope);
  const { id: memberId, role_slug: role } = input;
  const teamId = scope.team.id;
  const before = await getMember(db, teamId, memberId);
  const [updated] = (await batch(db, [
    updateRoleStatement(db, teamId, memberId, role),
    teamEventIfChanged(db, teamId, "member.updated", actor, {
      member_id: memberId,
      email: before.person.email,
      role_slug: role,
      previous_role_slug: before.member.role,
    }),
  ])) as [unknown[]];
  if (updated.length === 0) await explainRefusedMemberWrite(db, teamId, memberId);
  return getMember(db, teamId, memberId);
}

/** Removes a member; a person left on no team has every session ended in the same batch. */
export async function removeMember(scope: TeamScope, input: { id: string }) {
  const { db } = scope;
  const actor = actorOf(scope);
  const memberId = input.id;
  const teamId = scope.team.id;
  const before = await getMember(db, teamId, memberId);
  const [removed] = (await batch(db, [
    removeMemberStatement(db, teamId, memberId),
    teamEventIfChanged(db, teamId, "member.removed", actor, {
      member_id: memberId,
      email: before.person.email,
      role_slug: before.member.role,
    }),
    revokeSessionsIfTeamless(db, before.member.personId),
  ])) as [unknown[]];
  if (removed.length === 0) await explainRefusedMemberWrite(db, teamId, memberId);
}

export type AcceptOutcome =
  | { ok: true; personId: string; teamId: string }
  | {
      ok: false;
      reason: "invalid" | "expired" | "revoked" | "accepted" | "password" | "wrong_password" | "name";
      message: string;
    };

/**
 * Accepts an invitation with its link's token. A new person chooses a name and a password; a person who
 * already has an account (another team) proves it with their password. Single use (see acceptStatements).
 */
export async function acceptInvitation(
  scope: RequestScope,
  input: { token: string; name: string; password: string },
): Promise<AcceptOutcome> {
  const { db } = scope;
  const { token } = input;
  const invitation = await invitationByToken(db, token);
  if (!invitation)
    return { ok: false, reason: "invalid", message: "This invitation link is not valid (a newer one may have been sent)." };
  const state = invitationState(invitation);
  if (state !== "pending") return { ok: false, reason: state, message: `This invitation is ${state}.` };
  const existing = await personByEmail(db, invitation.email);
  const now = new Date().toISOString();
  const memberId = newId("member");
  let personId: string;
  const statements = [];
  if (existing) {
    if (!(await verifyPassword(input.password, existing)))
      return {
        ok: false,
        reason: "wrong_password",
        message: "You already have an account with this address: enter its password.",
      };
    personId = existing.id;
  } else {
    const name = input.name.trim();
    if (!name || name.length > 100) return { ok: false, reason: "name", message: "Choose a name of 1 to 100 characters." };
    const problem = passwordProblem(input.password);
    if (problem) return { ok: false, reason: "password", message: problem };
    personId = newId("person");
    statements.push(
      db.insert(people).values({
        id: personId,
        email: invitation.email,
        name,
        ...(await hashPassword(input.password)),
        createdAt: now,
        updatedAt: now,
      }),
    );
  }
  statements.push(
    ...acceptStatements(db, invitation, personId, memberId),
    recordTeamEvent(
      db,
      invitation.teamId,
      "invitation.accepted",
      { type: "member", id: memberId, email: invitation.email },
      {
        invitation_id: invitation.id,
        member_id: memberId,
        role_slug: invitation.role,
      },
    ),
  );
  try {
    await batch(db, statements);
  } catch (err) {
    // The guard aborted the batch: the invitation was used (or revoked) meanwhile, or the person exists now.
    const again = await getInvitation(db, invitation.teamId, invitation.id);
    const now2 = invitationState(again);
    if (now2 !== "pending") return { ok: false, reason: now2, message: `This invitation is ${now2}.` };
    throw err;
  }
  return { ok: true, personId, teamId: invitation.teamId };
}

/** Sends a password-reset link to the address, if it is a person's (the answer never says whether it is). */
export async function sendPasswordReset(scope: RequestScope, input: { email: string; address: string }) {
  await requestPasswordReset(scope.db, input.email, input.address);
  await deliverQueuedEmail(scope);
}

/**
 * Chooses a new password with a reset link (single use), ending every session of the person. False when the
 * link is unknown, used or expired.
 */
export const resetPassword = (scope: RequestScope, input: { token: string; password: string }) =>
  completePasswordReset(scope.db, input.token, input.password);
