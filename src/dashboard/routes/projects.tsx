import * as environments from "../../commands/environments";
import * as projects from "../../commands/projects";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { projectScope, teamScope } from "../../middleware/command-scope";
import { CreateEnvironment } from "../../schemas/environments";
import { PatchProject } from "../../schemas/projects";
import { productionRequiresBilling } from "../../services/environments";
import { productionLocked } from "../../services/teams";
import { attempt, check, done, text } from "../forms";
import { ENVIRONMENT_LABELS, PROJECT_LABELS, projectPage } from "../pages/project";
import { environmentUrl, projectUrl, teamUrl } from "../shell";

const P = "/teams/:team_id/projects/:project_id";

/** A project: its page, rename, delete, and a new environment in it. */
export const projectRoutes = createRouter()
  .get(P, (c) => projectPage(c, c.var.team, c.var.project))
  .post(`${P}/rename`, (c) =>
    attempt(
      c,
      "project",
      PROJECT_LABELS,
      async (f) => {
        const { name } = check(PatchProject, { name: text(f, "name") });
        await projects.updateProject(projectScope(c), { name });
        return done(c, projectUrl(c.var.team, c.var.project), { message: `Project renamed to ${name}.` });
      },
      (s) => projectPage(c, c.var.team, c.var.project, s),
    ),
  )
  .post(`${P}/delete`, (c) =>
    attempt(
      c,
      "project",
      PROJECT_LABELS,
      async () => {
        await projects.deleteProject(projectScope(c));
        return done(c, teamUrl(c.var.team), { message: `Project ${c.var.project.name} deleted.` });
      },
      (s) => projectPage(c, c.var.team, c.var.project, s),
    ),
  )
  .post(`${P}/environments`, (c) =>
    attempt(
      c,
      "environment",
      ENVIRONMENT_LABELS,
      async (f) => {
        const { team, project } = c.var;
        const input = check(CreateEnvironment, {
          name: text(f, "name"),
          production: text(f, "kind") === "production",
          project_id: project.id,
        });
        if (input.production && productionLocked(team))
          throw new ApiError(productionRequiresBilling().code, undefined, {
            errors: [{ field: "production", code: "locked", message: "is unavailable until the team adds billing information." }],
          });
        const created = await environments.createEnvironment(teamScope(c), input);
        return done(c, environmentUrl(team, created), { message: `Environment ${created.name} added to ${project.name}.` });
      },
      (s) => projectPage(c, c.var.team, c.var.project, s),
    ),
  );
