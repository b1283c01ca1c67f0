import * as endpoints from "../services/webhook-endpoints";
import type { EnvironmentScope } from "./scope";

/** Where an environment's events are delivered (src/webhooks/). Each returns the endpoint's row, or nothing. */

export const createWebhookEndpoint = (scope: EnvironmentScope, input: { endpoint_url: string; events: string[] }) =>
  endpoints.insertWebhookEndpoint(scope.store, scope.environment, input);

/** Changes the given fields; a change of nothing answers the endpoint as it is. */
export const updateWebhookEndpoint = (scope: EnvironmentScope, input: { id: string } & endpoints.WebhookEndpointPatch) => {
  const { id, ...patch } = input;
  return endpoints.changeWebhookEndpoint(scope.store, scope.environment, id, patch);
};

/** Deletes the endpoint with its pending deliveries. */
export const deleteWebhookEndpoint = (scope: EnvironmentScope, input: { id: string }) =>
  endpoints.removeWebhookEndpoint(scope.store, scope.environment.id, input.id);
