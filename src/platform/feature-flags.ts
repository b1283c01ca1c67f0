import * as v from "valibot";
import { createFeatureFlag, deleteFeatureFlag, updateFeatureFlag } from "../commands/feature-flags";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Name, validate } from "../lib/validation";
import { getProjectFlag, listProjectFlags, SLUG_PATTERN, serializeProjectFlag } from "../services/feature-flags";
import { FeatureFlagObject, IDEMPOTENT, IN_PROJECT, ListOf } from "./objects";
import { projectScope } from "./resources";

const Slug = v.pipe(
  v.string(),
  v.maxLength(100, "must be at most 100 characters."),
  v.regex(SLUG_PATTERN, "must be lowercase letters, digits, - and _, starting with a letter or digit."),
);
const Description = v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500, "must be at most 500 characters.")));
const Tags = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(50, "must be at most 50 characters."))),
  v.maxLength(20, "must list at most 20 tags."),
  v.transform((tags) => [...new Set(tags)]),
);
export const CreateFlag = v.strictObject({
  slug: Slug,
  name: Name,
  description: v.optional(Description),
  tags: v.optional(Tags, []),
  default_value: v.optional(v.boolean(), false),
});
// The slug is the flag's key: it cannot change.
export const UpdateFlag = v.strictObject({
  name: v.optional(Name),
  description: v.optional(Description),
  tags: v.optional(Tags),
  default_value: v.optional(v.boolean()),
});

const BASE = "/teams/:team_id/projects/:project_id/feature_flags";

/** Feature flag definitions of a project (project-level configuration); per-environment state is in the environment API. */
export const featureFlagRoutes = createRouter()
  .post(
    BASE,
    doc({
      summary: "Create a feature flag",
      description:
        "Defined once for the whole project; switched on per environment through the environment API. Blocks transfers out of the project.",
      tags: ["Project configuration"],
      responses: { 201: FeatureFlagObject },
      errors: [...IN_PROJECT, ...IDEMPOTENT, "feature_flag_slug_taken"],
      write: true,
    }),
    validate("json", CreateFlag),
    async (c) => c.json(serializeProjectFlag(await createFeatureFlag(projectScope(c), c.req.valid("json"))), 201),
  )
  .get(
    BASE,
    doc({
      summary: "List feature flags",
      tags: ["Project configuration"],
      responses: { 200: ListOf(FeatureFlagObject) },
      errors: IN_PROJECT,
    }),
    validate("query", ListParams),
    async (c) => c.json(await listProjectFlags(c.var.db, c.var.project.id, c.req.valid("query"))),
  )
  .get(
    `${BASE}/:slug`,
    doc({
      summary: "Get a feature flag",
      tags: ["Project configuration"],
      responses: { 200: FeatureFlagObject },
      errors: [...IN_PROJECT, "feature_flag_not_found"],
    }),
    async (c) => c.json(serializeProjectFlag(await getProjectFlag(c.var.db, c.var.project.id, c.req.param("slug")))),
  )
  .patch(
    `${BASE}/:slug`,
    doc({
      summary: "Update a feature flag",
      tags: ["Project configuration"],
      responses: { 200: FeatureFlagObject },
      errors: [...IN_PROJECT, "feature_flag_not_found"],
      write: true,
    }),
    validate("json", UpdateFlag),
    async (c) =>
      c.json(
        serializeProjectFlag(await updateFeatureFlag(projectScope(c), { slug: c.req.param("slug"), ...c.req.valid("json") })),
      ),
  )
  .delete(
    `${BASE}/:slug`,
    doc({
      summary: "Delete a feature flag",
      description: "With its state and targets in every environment.",
      tags: ["Project configuration"],
      responses: { 204: null },
      errors: [...IN_PROJECT, "feature_flag_not_found"],
    }),
    async (c) => {
      await deleteFeatureFlag(projectScope(c), { slug: c.req.param("slug") });
      return c.body(null, 204);
    },
  );
