import * as teams from "../../commands/teams";
import { createRouter } from "../../lib/router";
import { callerScope } from "../../middleware/command-scope";
import { CreateTeam } from "../../schemas/teams";
import { attempt, check, done, text } from "../forms";
import { activityPage, teamPage, transfersPage } from "../pages/team";
import { TEAM_LABELS, teamsPage } from "../pages/teams";
import { teamUrl } from "../shell";

/** The caller's teams, a new team, and a team's overview, activity and transfer record. */
export const teamRoutes = createRouter()
  .get("/", (c) => teamsPage(c))
  .post("/teams", (c) =>
    attempt(
      c,
      "team",
      TEAM_LABELS,
      async (f) => {
        const input = check(CreateTeam, { name: text(f, "name"), admin_email: text(f, "admin_email") });
        const team = await teams.createTeam(callerScope(c), input);
        return done(c, teamUrl(team), {
          message: `Team ${team.name} created, with a Default project holding Staging and Production.`,
        });
      },
      (s) => teamsPage(c, s),
    ),
  )
  .get("/teams/:team_id", (c) => teamPage(c, c.var.team))
  .get("/teams/:team_id/activity", (c) => activityPage(c, c.var.team))
  .get("/teams/:team_id/transfers", (c) => transfersPage(c, c.var.team));
