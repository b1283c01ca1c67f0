import * as v from "valibot";
import { copyBranding, putBranding } from "../commands/branding";
import { createRouter } from "../lib/router";
import { Id, validate } from "../lib/validation";
import { BrandingInput, getBranding } from "../services/branding";
import { teamEnvironmentScope } from "./resources";

export const CopyBranding = v.strictObject({ source_environment_id: Id("environment") });

const BASE = "/teams/:team_id/environments/:environment_id/branding";

/** Per-environment branding: get, replace, copy from another environment of the same team. */
export const brandingRoutes = createRouter()
  .get(BASE, async (c) => c.json(await getBranding(c.var.db, c.var.environment.id)))
  .put(BASE, validate("json", BrandingInput), async (c) => c.json(await putBranding(teamEnvironmentScope(c), c.req.valid("json"))))
  .post(`${BASE}/copy`, validate("json", CopyBranding), async (c) => c.json(await copyBranding(teamEnvironmentScope(c), c.req.valid("json"))));
