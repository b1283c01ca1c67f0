import type { Database, PlatformCaller } from "../../env";
import { newInvitationStatements } from "./invitations";
import { actorOfCaller, listTeamsOfPerson } from "./members";

/**
 * The statements team creation adds to its batch: `admin_email` is invited as `admin` (the invitation, which
 * records its inviter, and its email in the outbox), so the team exists exactly when its first admin is invited.
 * No separate team event: `team.created` is the event.
 */
export async function firstAdminInvitation(
  db: Database,
  team: { id: string; name: string; adminEmail: string },
  caller: PlatformCaller,
) {
  return (await newInvitationStatements(db, team, { email: team.adminEmail, role: "admin" }, actorOfCaller(caller))).statements;
}

export { listTeamsOfPerson };
