import * as teams from "../services/teams";
import type { CallerScope, TeamScope } from "./scope";

/** A new team of the caller, with its default project holding `Staging` and `Production` (locked until billing). */
export const createTeam = (scope: CallerScope, input: { name: string; admin_email: string }) =>
  teams.createTeam(scope.db, scope.caller, input);

/** Records the team's billing: production becomes Active. Returns the billing row and the team as it is now. */
export const putBilling = (scope: TeamScope, input: { billing_email: string; payment_method: string }) =>
  teams.putBilling(scope.db, scope.caller, scope.team, input);
