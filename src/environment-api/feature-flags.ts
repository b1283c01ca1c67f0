import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import {
  addEnvFlagTarget,
  getEnvFlag,
  listEnvFlags,
  listFlagsFor,
  pollPayload,
  removeEnvFlagTarget,
  serializeEnvFlag,
  setEnvFlagEnabled,
} from "../services/feature-flags";
import { ListQuery, pathId } from "./schemas";

const List = ListQuery({});

/** Feature flags as `workos.featureFlags.*` and its runtime client call them; state and targets are per environment. */
export const featureFlagsRoutes = createRouter()
  .get("/feature-flags", validate("query", List), async (c) => c.json(await listEnvFlags(c.var.db, c.var.environment, c.req.valid("query"))))
  .get("/feature-flags/:slug", async (c) => c.json(serializeEnvFlag(await getEnvFlag(c.var.db, c.var.environment, c.req.param("slug")))))
  .put("/feature-flags/:slug/enable", async (c) => c.json(serializeEnvFlag(await setEnvFlagEnabled(c.var.db, c.var.environment, c.req.param("slug"), true))))
  .put("/feature-flags/:slug/disable", async (c) => c.json(serializeEnvFlag(await setEnvFlagEnabled(c.var.db, c.var.environment, c.req.param("slug"), false))))
  .post("/feature-flags/:slug/targets/:target_id", async (c) => {
    await addEnvFlagTarget(c.var.db, c.var.environment, c.req.param("slug"), c.req.param("target_id"));
    return c.body(null, 204);
  })
  .delete("/feature-flags/:slug/targets/:target_id", async (c) => {
    await removeEnvFlagTarget(c.var.db, c.var.environment, c.req.param("slug"), c.req.param("target_id"));
    return c.body(null, 204);
  })
  .get("/organizations/:id/feature-flags", validate("query", List), async (c) =>
    c.json(await listFlagsFor(c.var.db, c.var.environment, pathId(c, "organization", "organization"), c.req.valid("query"))),
  )
  .get("/user_management/users/:id/feature-flags", validate("query", List), async (c) =>
    c.json(await listFlagsFor(c.var.db, c.var.environment, pathId(c, "user", "user"), c.req.valid("query"))),
  )
  .get("/sdk/feature-flags", async (c) => c.json(await pollPayload(c.var.db, c.var.environment)));
