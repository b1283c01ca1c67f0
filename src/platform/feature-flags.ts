import * as v from "valibot";
import { createRouter } from "../lib/router";
import { createFeatureFlag, deleteFeatureFlag, updateFeatureFlag } from "../commands/feature-flags";
import { ListParams } from "../lib/pagination";
import { Name, validate } from "../lib/validation";
import { getProjectFlag, listProjectFlags, SLUG_PATTERN, serializeProjectFlag } from "../services/feature-flags";
import { projectScope } from "./resources";

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
  .post(BASE, validate("json", CreateFlag), async (c) => c.json(serializeProjectFlag(await createFeatureFlag(projectScope(c), c.req.valid("json"))), 201))
  .get(BASE, validate("query", ListParams), async (c) => c.json(await listProjectFlags(c.var.db, c.var.project.id, c.req.valid("query"))))
  .get(`${BASE}/:slug`, async (c) => c.json(serializeProjectFlag(await getProjectFlag(c.var.db, c.var.project.id, c.req.param("slug")))))
  .patch(`${BASE}/:slug`, validate("json", UpdateFlag), async (c) =>
    c.json(serializeProjectFlag(await updateFeatureFlag(projectScope(c), { slug: c.req.param("slug"), ...c.req.valid("json") }))),
  )
  .delete(`${BASE}/:slug`, async (c) => {
    await deleteFeatureFlag(projectScope(c), { slug: c.req.param("slug") });
    return c.body(null, 204);
  });
