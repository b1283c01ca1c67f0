import * as v from "valibot";
import { createRouter } from "../lib/router";
import { pathId } from "../environment-api/schemas";
import { ListParams } from "../lib/pagination";
import { Name, validate } from "../lib/validation";
import { createApplication, deleteApplication, getApplication, listApplications, serializeApplication, updateApplication } from "../services/applications";
import { getEnvironment } from "../services/environments";
import { loadTeam } from "./teams";

const Type = v.picklist(["web", "mobile", "desktop"], "must be web, mobile or desktop.");
/** Shape only; which schemes and hosts are allowed depends on the environment and the type (services/applications.ts). */
const RedirectUris = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(2048, "must be at most 2048 characters."))),
  v.maxLength(20, "must list at most 20 URIs."),
);

export const CreateApplication = v.strictObject({ name: Name, type: Type, redirect_uris: v.optional(RedirectUris, []) });
export const UpdateApplication = v.strictObject({ name: v.optional(Name), type: v.optional(Type), redirect_uris: v.optional(RedirectUris) });

type Ctx = Parameters<typeof pathId>[0];
const environmentOf = (c: Ctx) => getEnvironment(c.var.db, c.var.team.id, pathId(c, "environment", "environment", "environment_id"));
const applicationId = (c: Ctx) => pathId(c, "application", "application", "application_id");

const base = "/teams/:team_id/environments/:environment_id/applications";

/** Applications of an environment (Platform API): each has its own client id; the default one cannot be deleted. */
export const applicationsRoutes = createRouter()
  .use(base, loadTeam)
  .use(`${base}/*`, loadTeam)
  .get(base, validate("query", ListParams), async (c) => c.json(await listApplications(c.var.db, (await environmentOf(c)).id, c.req.valid("query"))))
  .post(base, validate("json", CreateApplication), async (c) =>
    c.json(serializeApplication(await createApplication(c.var.db, await environmentOf(c), c.req.valid("json"))), 201),
  )
  .get(`${base}/:application_id`, async (c) => c.json(serializeApplication(await getApplication(c.var.db, (await environmentOf(c)).id, applicationId(c)))))
  .patch(`${base}/:application_id`, validate("json", UpdateApplication), async (c) =>
    c.json(serializeApplication(await updateApplication(c.var.db, await environmentOf(c), applicationId(c), c.req.valid("json")))),
  )
  .delete(`${base}/:application_id`, async (c) => {
    await deleteApplication(c.var.db, (await environmentOf(c)).id, applicationId(c));
    return c.body(null, 204);
  });
