import * as v from "valibot";
import { createRouter } from "../lib/router";
import { ApiError, notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { ListParams } from "../lib/pagination";
import { Name, validate } from "../lib/validation";
import { expireApiKey, listApiKeys, mintApiKey, serializeApiKey } from "../services/api-keys";
import { getEnvironment } from "../services/environments";
import { loadTeam } from "./teams";

export const CreateApiKey = v.strictObject({
  name: Name,
  expires_at: v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.isoTimestamp("must be an ISO 8601 timestamp."),
        v.transform((s) => new Date(s).toISOString()),
      ),
    ),
  ),
});

const environmentOf = async (c: { var: { db: any; team: { id: string } }; req: { param: (k: "environment_id") => string } }) => {
  const id = c.req.param("environment_id");
  if (!isId("environment", id)) throw notFound("environment", id);
  return getEnvironment(c.var.db, c.var.team.id, id);
};

/** Secret keys of an environment (Platform API). */
export const apiKeyRoutes = createRouter()
  .use("/teams/:team_id/environments/:environment_id/api_keys", loadTeam)
  .use("/teams/:team_id/environments/:environment_id/api_keys/*", loadTeam)
  .post("/teams/:team_id/environments/:environment_id/api_keys", validate("json", CreateApiKey), async (c) => {
    const input = c.req.valid("json");
    if (input.expires_at && input.expires_at <= new Date().toISOString())
      throw new ApiError("validation_failed", "expires_at must be in the future.", {
        errors: [{ field: "expires_at", code: "out_of_range", message: "must be in the future." }],
      });
    const env = await environmentOf(c);
    const { key, value } = await mintApiKey(c.var.db, c.var.caller.clientId, c.var.team, env, { name: input.name, expires_at: input.expires_at ?? undefined });
    return c.json(serializeApiKey(key, value), 201);
  })
  .get("/teams/:team_id/environments/:environment_id/api_keys", validate("query", ListParams), async (c) => {
    const env = await environmentOf(c);
    return c.json(await listApiKeys(c.var.db, env.id, c.req.valid("query")));
  })
  .delete("/teams/:team_id/environments/:environment_id/api_keys/:key_id", async (c) => {
    const env = await environmentOf(c);
    const keyId = c.req.param("key_id");
    if (!isId("apiKey", keyId)) throw notFound("api_key", keyId);
    await expireApiKey(c.var.db, c.var.caller.clientId, c.var.team, env.id, keyId);
    return c.body(null, 204);
  });
