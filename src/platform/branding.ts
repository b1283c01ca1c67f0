import type { Context } from "hono";
import * as v from "valibot";
import { createRouter } from "../lib/router";
import type { AppEnv } from "../env";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { Id, validate } from "../lib/validation";
import { BrandingInput, copyBranding, getBranding, putBranding } from "../services/branding";
import { getEnvironment } from "../services/environments";
import { loadTeam } from "./teams";

export const CopyBranding = v.strictObject({ source_environment_id: Id("environment") });

const BASE = "/teams/:team_id/environments/:environment_id/branding";

const environmentOf = async (c: Context<AppEnv>) => {
  const id = c.req.param("environment_id") ?? "";
  if (!isId("environment", id)) throw notFound("environment", id);
  return getEnvironment(c.var.db, c.var.team.id, id);
};

/** Per-environment branding: get, replace, copy from another environment of the same team. */
export const brandingRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .get(BASE, async (c) => c.json(await getBranding(c.var.db, (await environmentOf(c)).id)))
  .put(BASE, validate("json", BrandingInput), async (c) => {
    const env = await environmentOf(c);
    return c.json(await putBranding(c.var.db, c.var.caller.clientId, c.var.team.id, env.id, c.req.valid("json")));
  })
  .post(`${BASE}/copy`, validate("json", CopyBranding), async (c) => {
    const target = await environmentOf(c);
    // The source must be an environment of the same team: another team's is simply not found.
    const source = await getEnvironment(c.var.db, c.var.team.id, c.req.valid("json").source_environment_id);
    return c.json(await copyBranding(c.var.db, c.var.caller.clientId, c.var.team.id, target.id, source.id));
  });
