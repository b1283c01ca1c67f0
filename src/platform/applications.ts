import type { Context } from "hono";
import * as v from "valibot";
import { createApplication, deleteApplication, updateApplication } from "../commands/applications";
import type { AppEnv } from "../env";
import { pathId } from "../environment-api/schemas";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Name, validate } from "../lib/validation";
import { getApplication, listApplications, serializeApplication } from "../services/applications";
import { ApplicationObject, IDEMPOTENT, IN_ENVIRONMENT, ListOf } from "./objects";
import { teamEnvironmentScope } from "./resources";

const Type = v.picklist(["web", "mobile", "desktop"], "must be web, mobile or desktop.");
/** Shape only; which schemes and hosts are allowed depends on the environment and the type (services/applications.ts). */
const RedirectUris = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(2048, "must be at most 2048 characters."))),
  v.maxLength(20, "must list at most 20 URIs."),
);

export const CreateApplication = v.strictObject({
  name: Name,
  type: Type,
  redirect_uris: v.optional(RedirectUris, []),
  logout_redirect_uris: v.optional(RedirectUris, []),
});
export const UpdateApplication = v.strictObject({
  name: v.optional(Name),
  type: v.optional(Type),
  redirect_uris: v.optional(RedirectUris),
  logout_redirect_uris: v.optional(RedirectUris),
});

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

const BASE = "/teams/:team_id/environments/:environment_id/applications";

/** Applications of an environment (Platform API): each has its own client id; the default one cannot be deleted. */
export const applicationsRoutes = createRouter()
  .get(
    BASE,
    doc({
      summary: "List applications",
      tags: ["Environments"],
      responses: { 200: ListOf(ApplicationObject) },
      errors: IN_ENVIRONMENT,
    }),
    validate("query", ListParams),
    async (c) => c.json(await listApplications(c.var.db, c.var.environment.id, c.req.valid("query"), originOf(c))),
  )
  .post(
    BASE,
    doc({
      summary: "Create an application",
      description:
        "With its own client id. Redirect URIs: https in production (native apps may use http://127.0.0.1); staging also allows http://localhost.",
      tags: ["Environments"],
      responses: { 201: ApplicationObject },
      errors: [...IN_ENVIRONMENT, ...IDEMPOTENT],
      write: true,
    }),
    validate("json", CreateApplication),
    async (c) =>
      c.json(serializeApplication(await createApplication(teamEnvironmentScope(c), c.req.valid("json")), originOf(c)), 201),
  )
  .get(
    `${BASE}/:application_id`,
    doc({
      summary: "Get an application",
      tags: ["Environments"],
      responses: { 200: ApplicationObject },
      errors: [...IN_ENVIRONMENT, "application_not_found"],
    }),
    async (c) =>
      c.json(
        serializeApplication(
          await getApplication(c.var.db, c.var.environment.id, pathId(c, "application", "application", "application_id")),
          originOf(c),
        ),
      ),
  )
  .patch(
    `${BASE}/:application_id`,
    doc({
      summary: "Update an application",
      tags: ["Environments"],
      responses: { 200: ApplicationObject },
      errors: [...IN_ENVIRONMENT, "application_not_found"],
      write: true,
    }),
    validate("json", UpdateApplication),
    async (c) =>
      c.json(
        serializeApplication(
          await updateApplication(teamEnvironmentScope(c), { id: c.req.param("application_id"), ...c.req.valid("json") }),
          originOf(c),
        ),
      ),
  )
  .delete(
    `${BASE}/:application_id`,
    doc({
      summary: "Delete an application",
      tags: ["Environments"],
      responses: { 204: null },
      errors: [...IN_ENVIRONMENT, "application_not_found", "default_application_cannot_be_deleted"],
    }),
    async (c) => {
      await deleteApplication(teamEnvironmentScope(c), { id: c.req.param("application_id") });
      return c.body(null, 204);
    },
  );
