import { createApiKey, expireApiKey } from "../commands/api-keys";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamEnvironmentScope } from "../middleware/command-scope";
import { ApiKeyObject, CreateApiKey } from "../schemas/api-keys";
import { ListOf } from "../schemas/fields";
import { listApiKeys, serializeApiKey } from "../services/api-keys";
import { IDEMPOTENT, IN_ENVIRONMENT } from "./doc";

const BASE = "/teams/:team_id/environments/:environment_id/api_keys";

/** Secret keys of an environment (Platform API). */
export const apiKeyRoutes = createRouter()
  .post(
    BASE,
    doc({
      summary: "Create an API key",
      description: "`sk_test_…` for staging, `sk_live_…` for production (which needs billing). The value is in this answer only.",
      tags: ["Environments"],
      responses: { 201: ApiKeyObject },
      errors: [...IN_ENVIRONMENT, ...IDEMPOTENT, "production_environment_requires_billing"],
      write: true,
    }),
    validate("json", CreateApiKey),
    async (c) => {
      const { key, value } = await createApiKey(teamEnvironmentScope(c), c.req.valid("json"));
      return c.json(serializeApiKey(key, value), 201);
    },
  )
  .get(
    BASE,
    doc({ summary: "List API keys", tags: ["Environments"], responses: { 200: ListOf(ApiKeyObject) }, errors: IN_ENVIRONMENT }),
    validate("query", ListParams),
    async (c) => c.json(await listApiKeys(c.var.db, c.var.environment.id, c.req.valid("query"))),
  )
  .delete(
    `${BASE}/:key_id`,
    doc({
      summary: "Expire an API key",
      description: "At once; the key stays listed with its `expires_at`.",
      tags: ["Environments"],
      responses: { 204: null },
      errors: [...IN_ENVIRONMENT, "api_key_not_found"],
    }),
    async (c) => {
      await expireApiKey(teamEnvironmentScope(c), { id: c.req.param("key_id") });
      return c.body(null, 204);
    },
  );
