import { createWebhookEndpoint, deleteWebhookEndpoint, updateWebhookEndpoint } from "../commands/webhook-endpoints";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { ListOf, ListQuery } from "../schemas/fields";
import { CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookEndpointObject } from "../schemas/webhook-endpoints";
import { getWebhookEndpoint, listWebhookEndpoints, serializeWebhookEndpoint } from "../services/webhook-endpoints";
import { envDoc } from "./doc";

const endpointId = (c: Parameters<typeof pathId>[0]) => pathId(c, "webhookEndpoint", "webhook_endpoint");

/** `/webhook_endpoints` (SDK `workos.webhooks.*WebhookEndpoint*`). Deliveries: src/webhooks/. */
export const webhookEndpointsRoutes = createRouter()
  .get(
    "/webhook_endpoints",
    envDoc({ summary: "List webhook endpoints", tags: ["Webhooks"], responses: { 200: ListOf(WebhookEndpointObject) } }),
    validate("query", ListQuery({})),
    async (c) => c.json(await listWebhookEndpoints(c.var.store, c.var.environment.id, c.req.valid("query"))),
  )
  .post(
    "/webhook_endpoints",
    envDoc({
      summary: "Create a webhook endpoint",
      description:
        "Subscribes to events this service emits; a production environment delivers only to https URLs (422 `https_required` on `endpoint_url`).",
      tags: ["Webhooks"],
      responses: { 201: WebhookEndpointObject },
      errors: ["webhook_endpoint_url_taken"],
      write: true,
      post: true,
    }),
    validate("json", CreateWebhookEndpoint),
    async (c) => c.json(serializeWebhookEndpoint(await createWebhookEndpoint(environmentKeyScope(c), c.req.valid("json"))), 201),
  )
  .get(
    "/webhook_endpoints/:id",
    envDoc({
      summary: "Get a webhook endpoint",
      tags: ["Webhooks"],
      responses: { 200: WebhookEndpointObject },
      errors: ["webhook_endpoint_not_found"],
    }),
    async (c) => c.json(serializeWebhookEndpoint(await getWebhookEndpoint(c.var.store, c.var.environment.id, endpointId(c)))),
  )
  .patch(
    "/webhook_endpoints/:id",
    envDoc({
      summary: "Update a webhook endpoint",
      description:
        "Its URL, its status (`enabled`/`disabled`) or its events. An update that changes nothing answers the endpoint as it is.",
      tags: ["Webhooks"],
      responses: { 200: WebhookEndpointObject },
      errors: ["webhook_endpoint_not_found", "webhook_endpoint_url_taken"],
      write: true,
    }),
    validate("json", UpdateWebhookEndpoint),
    async (c) =>
      c.json(
        serializeWebhookEndpoint(
          await updateWebhookEndpoint(environmentKeyScope(c), { id: endpointId(c), ...c.req.valid("json") }),
        ),
      ),
  )
  .delete(
    "/webhook_endpoints/:id",
    envDoc({
      summary: "Delete a webhook endpoint",
      description: "Its pending deliveries are dropped with it.",
      tags: ["Webhooks"],
      responses: { 204: null },
      errors: ["webhook_endpoint_not_found"],
    }),
    async (c) => {
      await deleteWebhookEndpoint(environmentKeyScope(c), { id: endpointId(c) });
      return c.body(null, 204);
    },
  );
