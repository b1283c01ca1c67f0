import * as v from "valibot";
import { copyBranding, putBranding } from "../commands/branding";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { Id, validate } from "../lib/validation";
import { BrandingInput, getBranding } from "../services/branding";
import { BrandingObject, IDEMPOTENT, IN_ENVIRONMENT } from "./objects";
import { teamEnvironmentScope } from "./resources";

export const CopyBranding = v.strictObject({ source_environment_id: Id("environment") });

const BASE = "/teams/:team_id/environments/:environment_id/branding";

/** Per-environment branding: get, replace, copy from another environment of the same team. */
export const brandingRoutes = createRouter()
  .get(
    BASE,
    doc({ summary: "Get branding", tags: ["Environments"], responses: { 200: BrandingObject }, errors: IN_ENVIRONMENT }),
    async (c) => c.json(await getBranding(c.var.db, c.var.environment.id)),
  )
  .put(
    BASE,
    doc({
      summary: "Replace branding",
      description: "The whole document: an omitted field goes back to its default.",
      tags: ["Environments"],
      responses: { 200: BrandingObject },
      errors: IN_ENVIRONMENT,
      write: true,
    }),
    validate("json", BrandingInput),
    async (c) => c.json(await putBranding(teamEnvironmentScope(c), c.req.valid("json"))),
  )
  .post(
    `${BASE}/copy`,
    doc({
      summary: "Copy branding from another environment",
      description: "The source must be an environment of the same team.",
      tags: ["Environments"],
      responses: { 200: BrandingObject },
      errors: [...IN_ENVIRONMENT, ...IDEMPOTENT],
      write: true,
    }),
    validate("json", CopyBranding),
    async (c) => c.json(await copyBranding(teamEnvironmentScope(c), c.req.valid("json"))),
  );
