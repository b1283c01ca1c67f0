import { and, eq, ne } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { webhookEndpoints } from "../db/schema";
import type { StoreDatabase } from "../env";
import { randomSecret } from "../lib/crypto";
import { ApiError, invalidField, notFound } from "../lib/errors";
import { ID_PREFIXES, newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { EventName } from "../schemas/events";
import type { WebhookEndpointObject } from "../schemas/webhook-endpoints";
import { errorText } from "./environment-events";
import type { EnvironmentRow } from "./environments";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/** The secret is shown in every answer, as WorkOS does: the customer needs it to verify deliveries. */
export const serializeWebhookEndpoint = (w: WebhookEndpointRow): InferOutput<typeof WebhookEndpointObject> => ({
  object: "webhook_endpoint" as const,
  id: w.id,
  endpoint_url: w.endpointUrl,
  secret: w.secret,
  status: w.status,
  events: w.events as EventName[], // validated against EMITTED_EVENTS on every write
  created_at: w.createdAt,
  updated_at: w.updatedAt,
});

export interface WebhookEndpointPatch {
  endpoint_url?: string;
  status?: "enabled" | "disabled";
  events?: string[];
}

export async function getWebhookEndpoint(db: StoreDatabase, environmentId: string, id: string) {
  const row = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.environmentId, environmentId)))
    .get();
  if (!row) throw notFound("webhook_endpoint", id);
  return row;
}

export async function listWebhookEndpoints(db: StoreDatabase, environmentId: string, params: ListParams) {
  const q = paginate(webhookEndpoints.id, params);
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(where(eq(webhookEndpoints.environmentId, environmentId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeWebhookEndpoint);
}

export async function insertWebhookEndpoint(
  db: StoreDatabase,
  environment: EnvironmentRow,
  input: { endpoint_url: string; events: string[] },
) {
  assertDeliverable(environment, input.endpoint_url);
  await assertUrlAvailable(db, environment.id, "", input.endpoint_url);
  const now = new Date().toISOString();
  const row: WebhookEndpointRow = {
    id: newId("webhookEndpoint"),
    environmentId: environment.id,
    endpointUrl: input.endpoint_url,
    secret: `${ID_PREFIXES.webhookSecret}_${randomSecret(32)}`,
    status: "enabled",
    events: [...new Set(input.events)],
    createdAt: now,
    updatedAt: now,
  };
  await unique(db.insert(webhookEndpoints).values(row).run());
  return row;
}

/** Updates the given fields; an update that changes nothing answers the endpoint as it is (no write, same `updated_at`). */
export async function changeWebhookEndpoint(
  db: StoreDatabase,
  environment: EnvironmentRow,
  id: string,
  patch: WebhookEndpointPatch,
) {
  const current = await getWebhookEndpoint(db, environment.id, id);
  const events = patch.events ? [...new Set(patch.events)] : current.events;
  if (
    (patch.endpoint_url ?? current.endpointUrl) === current.endpointUrl &&
    (patch.status ?? current.status) === current.status &&
    events.length === current.events.length &&
    events.every((e, i) => e === current.events[i])
  )
    return current;
  if (patch.endpoint_url !== undefined && patch.endpoint_url !== current.endpointUrl) {
    assertDeliverable(environment, patch.endpoint_url);
    await assertUrlAvailable(db, environment.id, id, patch.endpoint_url);
  }
  const [updated] = await unique(
    db
      .update(webhookEndpoints)
      .set({
        endpointUrl: patch.endpoint_url ?? current.endpointUrl,
        status: patch.status ?? current.status,
        events,
        updatedAt: new Date().toISOString(),
      })
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.environmentId, environment.id)))
      .returning(),
  );
  if (!updated) throw notFound("webhook_endpoint", id);
  return updated;
}

/** Deletes the endpoint and its pending deliveries (they cascade). */
export async function removeWebhookEndpoint(db: StoreDatabase, environmentId: string, id: string) {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.environmentId, environmentId)))
    .returning({ id: webhookEndpoints.id });
  if (!deleted.length) throw notFound("webhook_endpoint", id);
}

/** Production environments deliver only over https; staging may use http (e.g. a local receiver). */
function assertDeliverable(environment: EnvironmentRow, url: string) {
  if (environment.production && new URL(url).protocol !== "https:")
    throw invalidField("endpoint_url", "https_required", "Production environments deliver webhooks only to https URLs.");
}

async function assertUrlAvailable(db: StoreDatabase, environmentId: string, id: string, url: string) {
  const same = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(eq(webhookEndpoints.environmentId, environmentId), eq(webhookEndpoints.endpointUrl, url), ne(webhookEndpoints.id, id)),
    )
    .get();
  if (same) throw urlTaken();
}

const urlTaken = () =>
  new ApiError("webhook_endpoint_url_taken", "This environment already has a webhook endpoint with this URL.", {
    errors: [{ field: "endpoint_url", code: "taken", message: "is used by another webhook endpoint." }],
  });

/** A write raced by another one with the same URL answers like the check. */
async function unique<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (errorText(err).includes("webhook_endpoints.environment_id, webhook_endpoints.endpoint_url")) throw urlTaken();
    throw err;
  }
}
