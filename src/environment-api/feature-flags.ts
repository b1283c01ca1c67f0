import { addFeatureFlagTarget, removeFeatureFlagTarget, switchFeatureFlag } from "../commands/feature-flags";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { FeatureFlagObject, FlagPollPayload } from "../schemas/feature-flags";
import { ListOf, ListQuery } from "../schemas/fields";
import { getEnvFlag, listEnvFlags, listFlagsFor, pollPayload, serializeEnvFlag } from "../services/feature-flags";
import { envDoc } from "./doc";

const List = ListQuery({});

const TARGET_ERRORS = ["feature_flag_not_found", "target_not_found", "organization_not_found", "user_not_found"] as const;

/** Feature flags as `workos.featureFlags.*` and its runtime client call them; state and targets are per environment. */
export const featureFlagsRoutes = createRouter()
  .get(
    "/feature-flags",
    envDoc({
      summary: "List feature flags",
      description: "The project's flags with this environment's state.",
      tags: ["Feature flags"],
      responses: { 200: ListOf(FeatureFlagObject) },
    }),
    validate("query", List),
    async (c) => c.json(await listEnvFlags(c.var.db, c.var.store, c.var.environment, c.req.valid("query"))),
  )
  .get(
    "/feature-flags/:slug",
    envDoc({
      summary: "Get a feature flag",
      tags: ["Feature flags"],
      responses: { 200: FeatureFlagObject },
      errors: ["feature_flag_not_found"],
    }),
    async (c) => c.json(serializeEnvFlag(await getEnvFlag(c.var.db, c.var.store, c.var.environment, c.req.param("slug")))),
  )
  .put(
    "/feature-flags/:slug/enable",
    envDoc({
      summary: "Enable a feature flag in this environment",
      tags: ["Feature flags"],
      responses: { 200: FeatureFlagObject },
      errors: ["feature_flag_not_found"],
      bodyless: true,
    }),
    async (c) =>
      c.json(serializeEnvFlag(await switchFeatureFlag(environmentKeyScope(c), { slug: c.req.param("slug"), enabled: true }))),
  )
  .put(
    "/feature-flags/:slug/disable",
    envDoc({
      summary: "Disable a feature flag in this environment",
      tags: ["Feature flags"],
      responses: { 200: FeatureFlagObject },
      errors: ["feature_flag_not_found"],
      bodyless: true,
    }),
    async (c) =>
      c.json(serializeEnvFlag(await switchFeatureFlag(environmentKeyScope(c), { slug: c.req.param("slug"), enabled: false }))),
  )
  .post(
    "/feature-flags/:slug/targets/:target_id",
    envDoc({
      summary: "Target a feature flag at an organization or a user",
      description:
        "`target_id` is an organization (`org_…`) or a user (`user_…`) of this environment; adding a target twice is a no-op.",
      tags: ["Feature flags"],
      responses: { 204: null },
      errors: [...TARGET_ERRORS],
      post: true,
      bodyless: true,
    }),
    async (c) => {
      await addFeatureFlagTarget(environmentKeyScope(c), { slug: c.req.param("slug"), target_id: c.req.param("target_id") });
      return c.body(null, 204);
    },
  )
  .delete(
    "/feature-flags/:slug/targets/:target_id",
    envDoc({
      summary: "Remove a feature flag's target",
      tags: ["Feature flags"],
      responses: { 204: null },
      errors: [...TARGET_ERRORS],
    }),
    async (c) => {
      await removeFeatureFlagTarget(environmentKeyScope(c), { slug: c.req.param("slug"), target_id: c.req.param("target_id") });
      return c.body(null, 204);
    },
  )
  .get(
    "/organizations/:id/feature-flags",
    envDoc({
      summary: "List the feature flags on for an organization",
      tags: ["Feature flags"],
      responses: { 200: ListOf(FeatureFlagObject) },
      errors: ["organization_not_found"],
    }),
    validate("query", List),
    async (c) =>
      c.json(
        await listFlagsFor(
          c.var.db,
          c.var.store,
          c.var.environment,
          pathId(c, "organization", "organization"),
          c.req.valid("query"),
        ),
      ),
  )
  .get(
    "/user_management/users/:id/feature-flags",
    envDoc({
      summary: "List the feature flags on for a user",
      tags: ["Feature flags"],
      responses: { 200: ListOf(FeatureFlagObject) },
      errors: ["user_not_found"],
    }),
    validate("query", List),
    async (c) =>
      c.json(await listFlagsFor(c.var.db, c.var.store, c.var.environment, pathId(c, "user", "user"), c.req.valid("query"))),
  )
  .get(
    "/sdk/feature-flags",
    envDoc({
      summary: "The runtime client's flag payload",
      description: "Every flag of the environment keyed by slug, with its targets, for the SDK's local evaluation.",
      tags: ["Feature flags"],
      responses: { 200: FlagPollPayload },
    }),
    async (c) => c.json(await pollPayload(c.var.db, c.var.store, c.var.environment)),
  );
