import * as v from "valibot";
import { createEnvironment, deleteEnvironment, updateEnvironment } from "../commands/environments";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Id, Name, validate } from "../lib/validation";
import { listEnvironments, serializeEnvironment } from "../services/environments";
import { EnvironmentObject, IDEMPOTENT, IN_ENVIRONMENT, IN_PROJECT, IN_TEAM, ListOf } from "./objects";
import { teamEnvironmentScope, teamScope } from "./resources";

export const CreateEnvironment = v.strictObject({
  name: Name,
  production: v.optional(v.boolean(), false),
  project_id: v.optional(Id("project")),
});

/** `project_id` is accepted only to refuse it clearly when it would move the environment. */
export const PatchEnvironment = v.strictObject({
  name: v.optional(Name),
  project_id: v.optional(v.string()),
  require_email_verification: v.optional(v.boolean()),
});

const ListEnvironments = v.object({ ...ListParams.entries, project_id: v.optional(Id("project")) });

export const environmentRoutes = createRouter()
  .post(
    "/teams/:team_id/environments",
    doc({
      summary: "Create an environment",
      description:
        "In the named project, or the team's default (oldest) project. A production environment needs the team's billing first.",
      tags: ["Environments"],
      responses: { 201: EnvironmentObject },
      errors: [...IN_PROJECT, ...IDEMPOTENT, "production_environment_requires_billing"],
      write: true,
    }),
    validate("json", CreateEnvironment),
    async (c) => c.json(serializeEnvironment(await createEnvironment(teamScope(c), c.req.valid("json")), c.var.team), 201),
  )
  .get(
    "/teams/:team_id/environments",
    doc({ summary: "List environments", tags: ["Environments"], responses: { 200: ListOf(EnvironmentObject) }, errors: IN_TEAM }),
    validate("query", ListEnvironments),
    async (c) => c.json(await listEnvironments(c.var.db, c.var.team, c.req.valid("query"))),
  )
  .get(
    "/teams/:team_id/environments/:environment_id",
    doc({ summary: "Get an environment", tags: ["Environments"], responses: { 200: EnvironmentObject }, errors: IN_ENVIRONMENT }),
    (c) => c.json(serializeEnvironment(c.var.environment, c.var.team)),
  )
  .patch(
    "/teams/:team_id/environments/:environment_id",
    doc({
      summary: "Update an environment",
      description:
        "Its `name`, or `require_email_verification` (sign-in then refuses a user with an unverified email until they verify it). " +
        "`project_id` of another project is refused: environments leave a project only by transfer into a new one.",
      tags: ["Environments"],
      responses: { 200: EnvironmentObject },
      errors: [...IN_ENVIRONMENT, "move_requires_transfer"],
      write: true,
    }),
    validate("json", PatchEnvironment),
    async (c) => c.json(serializeEnvironment(await updateEnvironment(teamEnvironmentScope(c), c.req.valid("json")), c.var.team)),
  )
  .delete(
    "/teams/:team_id/environments/:environment_id",
    doc({
      summary: "Delete an environment",
      description: "With everything it owns; never its project's last environment.",
      tags: ["Environments"],
      responses: { 204: null },
      errors: [...IN_ENVIRONMENT, "project_must_keep_environment", "environment_moved"],
    }),
    async (c) => {
      await deleteEnvironment(teamEnvironmentScope(c));
      return c.body(null, 204);
    },
  );
