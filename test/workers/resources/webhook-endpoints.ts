import { made, type ResourceFixture } from "../resource-fixtures";

export default {
  name: "webhookEndpoint",
  param: "webhook_endpoint_id",
  collection: "webhook_endpoints",
  create: async (api, slug) =>
    made(
      await api.post("/webhook_endpoints", { endpoint_url: `https://hooks.${slug}.test/h`, events: ["user.created"] }),
      "webhook endpoint",
    ),
  rowsRead: [
    { route: "/webhook_endpoints", path: () => "/webhook_endpoints", atLeast: 1 },
    { route: "/webhook_endpoints/{id}", path: (endpoint) => `/webhook_endpoints/${endpoint.id}` },
  ],
} satisfies ResourceFixture;
