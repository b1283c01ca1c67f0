import { createFeatureFlag, deleteFeatureFlag, updateFeatureFlag } from "../commands/feature-flags";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { projectScope } from "../middleware/command-scope";
import { CreateFlag, ProjectFeatureFlagObject, UpdateFlag } from "../schemas/feature-flags";
import { ListOf } from "../schemas/fields";
import { getProjectFlag, listProjectFlags, serializeProjectFlag } from "../services/feature-flags";
import { IDEMPOTENT, IN_PROJECT } from "./doc";

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
      responses: { 201: ProjectFeatureFlagObject },
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
      responses: { 200: ListOf(ProjectFeatureFlagObject) },
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
      responses: { 200: ProjectFeatureFlagObject },
      errors: [...IN_PROJECT, "feature_flag_not_found"],
    }),
    async (c) => c.json(serializeProjectFlag(await getProjectFlag(c.var.db, c.var.project.id, c.req.param("slug")))),
  )
  .patch(
    `${BASE}/:slug`,
    doc({
      summary: "Update a feature flag",
      tags: ["Project configuration"],
      responses: { 200: ProjectFeatureFlagObject },
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
