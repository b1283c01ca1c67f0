import { inviteToTeam, revokeInvitation } from "../commands/people";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamScope } from "../middleware/command-scope";
import { loadTeam } from "../middleware/path-resources";
import { CreateInvitation, InvitationList, InvitationObject, ListInvitationsQuery } from "../schemas/invitations";
import { getInvitation, listInvitations, serializeInvitation } from "../services/people/invitations";

const BASE = "/teams/:team_id/invitations";
const invitationIdOf = (raw: string) => {
  if (!isId("invitation", raw)) throw notFound("invitation", raw);
  return raw;
};

/**
 * Invitations to a team, in WorkOS's Platform API shape. Inviting an address that has a pending invitation
 * re-sends it (the same invitation, a new link and expiry) and answers 200 instead of 201.
 */
export const invitationRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .post(
    BASE,
    doc({
      summary: "Invite someone to a team (or re-send a pending invitation: 200)",
      tags: ["Teams"],
      responses: { 201: InvitationObject, 200: InvitationObject },
      errors: ["team_not_found", "forbidden", "user_already_team_member", "idempotency_request_in_progress"],
      write: true,
    }),
    validate("json", CreateInvitation),
    async (c) => {
      const input = c.req.valid("json");
      const { invitation, created } = await inviteToTeam(teamScope(c), input);
      return c.json(serializeInvitation(invitation), created ? 201 : 200);
    },
  )
  .get(
    BASE,
    doc({
      summary: "List a team's invitations",
      tags: ["Teams"],
      responses: { 200: InvitationList },
      errors: ["team_not_found", "forbidden"],
    }),
    validate("query", ListInvitationsQuery),
    async (c) => c.json(await listInvitations(c.var.db, c.var.team.id, c.req.valid("query"))),
  )
  .get(
    `${BASE}/:invitation_id`,
    doc({
      summary: "Get an invitation",
      tags: ["Teams"],
      responses: { 200: InvitationObject },
      errors: ["team_not_found", "invitation_not_found", "forbidden"],
    }),
    async (c) =>
      c.json(serializeInvitation(await getInvitation(c.var.db, c.var.team.id, invitationIdOf(c.req.param("invitation_id"))))),
  )
  .delete(
    `${BASE}/:invitation_id`,
    doc({
      summary: "Revoke an invitation (its link stops working)",
      tags: ["Teams"],
      responses: { 200: InvitationObject },
      errors: ["team_not_found", "invitation_not_found", "forbidden"],
    }),
    async (c) =>
      c.json(serializeInvitation(await revokeInvitation(teamScope(c), { id: invitationIdOf(c.req.param("invitation_id")) }))),
  );
