import * as teams from "../services/teams";
import { deliverQueuedEmail } from "./email";
import type { CallerScope, TeamScope } from "./scope";

/**
 * A new team of the caller, with its default project holding `Staging` and `Production` (locked until billing),
 * and an invitation of its admin, sent.
 */
export async function createTeam(scope: CallerScope, input: { name: string; admin_email: string }) {
  const team = await teams.insertTeam(scope.db, scope.caller, input);
  await deliverQueuedEmail(scope);
  return team;
}

/** Records the team's billing: production becomes Active. Returns the billing row and the team as it is now. */
export const putBilling = (scope: TeamScope, input: { billing_email: string; payment_method: string }) =>
  teams.replaceBilling(scope.db, scope.caller, scope.team, input);
