import * as v from "valibot";
import { createRouter } from "../lib/router";
import { coordinate } from "../coordinator/client";
import { newId } from "../lib/ids";
import { ListParams } from "../lib/pagination";
import { Name, validate } from "../lib/validation";
import { getProjectFlag, listProjectFlags, SLUG_PATTERN, serializeProjectFlag, updateProjectFlag } from "../services/feature-flags";
import { projectOf } from "./email-domains";
import { loadTeam } from "./teams";

const Slug = v.pipe(v.string(), v.maxLength(100, "must be at most 100 characters."), v.regex(SLUG_PATTERN, "must be lowercase letters, digits, - and _, starting with a letter or digit."));
const Description = v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500, "must be at most 500 characters.")));
const Tags = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(50, "must be at most 50 characters."))),
  v.maxLength(20, "must list at most 20 tags."),
  v.transform((tags) => [...new Set(tags)]),
);
export const CreateFlag = v.strictObject({ slug: Slug, name: Name, description: v.optional(Description), tags: v.optional(Tags, []), default_value: v.optional(v.boolean(), false) });
// The slug is the flag's key: it cannot change.
export const UpdateFlag = v.strictObject({ name: v.optional(Name), description: v.optional(Description), tags: v.optional(Tags), default_value: v.optional(v.boolean()) });

const BASE = "/teams/:team_id/projects/:project_id/feature_flags";

/** Feature flag definitions of a project (project-level configuration); per-environment state is in the environment API. */
export const featureFlagRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .post(BASE, validate("json", CreateFlag), async (c) => {
    const project = await projectOf(c);
    const input = c.req.valid("json");
    // In the coordinator: a flag blocks transfers out, so its creation is ordered with them.
    const row = await coordinate(c.env, project.id, "create_feature_flag", {
      teamId: c.var.team.id,
      projectId: project.id,
      actor: c.var.caller.clientId,
      flag: { id: newId("featureFlag"), ...input },
    });
    return c.json(serializeProjectFlag(row), 201);
  })
  .get(BASE, validate("query", ListParams), async (c) => c.json(await listProjectFlags(c.var.db, (await projectOf(c)).id, c.req.valid("query"))))
  .get(`${BASE}/:slug`, async (c) => c.json(serializeProjectFlag(await getProjectFlag(c.var.db, (await projectOf(c)).id, c.req.param("slug")))))
  .patch(`${BASE}/:slug`, validate("json", UpdateFlag), async (c) => {
    const project = await projectOf(c);
    const row = await updateProjectFlag(c.var.db, c.var.team.id, c.var.caller.clientId, project.id, c.req.param("slug"), c.req.valid("json"));
    return c.json(serializeProjectFlag(row));
  })
  .delete(`${BASE}/:slug`, async (c) => {
    const project = await projectOf(c);
    await coordinate(c.env, project.id, "delete_feature_flag", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId, slug: c.req.param("slug") });
    return c.body(null, 204);
  });
