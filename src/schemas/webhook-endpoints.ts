import * as v from "valibot";
import { EMITTED_EVENTS, EVENT_NAMES } from "./events";
import { Timestamp } from "./fields";

// ---- Input -------------------------------------------------------------------------------------------

const EndpointUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(2048, "must be at most 2048 characters."),
  v.url("must be an absolute URL."),
  v.check((u) => /^https?:\/\//i.test(u), "must be an http or https URL."),
);

/** Only the events this service emits can be subscribed to: a typo must not subscribe to nothing silently. */
const Events = v.pipe(
  v.array(v.picklist(EMITTED_EVENTS, `must be one of: ${EMITTED_EVENTS.join(", ")}.`)),
  v.minLength(1, "must list at least one event."),
  v.maxLength(EMITTED_EVENTS.length, "lists too many events."),
);

export const CreateWebhookEndpoint = v.strictObject({ endpoint_url: EndpointUrl, events: Events });
export const UpdateWebhookEndpoint = v.strictObject({
  endpoint_url: v.optional(EndpointUrl),
  status: v.optional(v.picklist(["enabled", "disabled"], "must be enabled or disabled.")),
  events: v.optional(Events),
});

// ---- Objects -----------------------------------------------------------------------------------------

export const WebhookEndpointObject = v.object({
  object: v.literal("webhook_endpoint"),
  id: v.string(),
  endpoint_url: v.string(),
  /** Shown in every answer, as WorkOS does: deliveries are signed with it. */
  secret: v.string(),
  status: v.picklist(["enabled", "disabled"]),
  events: v.array(v.picklist(EVENT_NAMES)),
  created_at: Timestamp,
  updated_at: Timestamp,
});
