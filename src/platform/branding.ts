import { copyBranding, putBranding } from "../commands/branding";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamEnvironmentScope } from "../middleware/command-scope";
import { BrandingInput, BrandingObject, CopyBranding } from "../schemas/branding";
import { getBranding } from "../services/branding";
import { IDEMPOTENT, IN_ENVIRONMENT } from "./doc";

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
