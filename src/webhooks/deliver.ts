import { and, asc, eq, lte, min } from "drizzle-orm";
import { environments, events, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "../db/schema";
import type { Database, StoreDatabase } from "../env";
import { batch } from "../lib/batch";
import { serializeEvent } from "../services/environment-events";
import { ATTEMPT_TIMEOUT_MS, MAX_ATTEMPTS, nextAttemptAt } from "./schedule";
import { signatureHeader } from "./signature";

/** Deliveries attempted at once per round; a few rounds per wake-up, the rest on the next alarm. */
const ROUND_SIZE = 50;
const MAX_ROUNDS = 4;

/**
 * Attempts every due delivery of an environment, records each attempt, schedules retries.
 * Returns when the next pending delivery is due (ms), or null when none is pending. The environment's tier is
 * read from D1 (`db`), its deliveries from its store; a deleted environment delivers nothing.
 */
export async function deliverDue(db: Database, store: StoreDatabase, environmentId: string): Promise<number | null> {
  // Read once, and only when something is due (the object's alarm runs after every write).
  let environment: { production: boolean } | undefined | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const rows = await store
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, event: events })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
      .where(
        and(
          eq(webhookDeliveries.environmentId, environmentId),
          eq(webhookDeliveries.state, "pending"),
          lte(webhookDeliveries.nextAttemptAt, new Date().toISOString()),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(ROUND_SIZE);
    if (rows.length === 0) break;
    environment ??= await db
      .select({ production: environments.production })
      .from(environments)
      .where(eq(environments.id, environmentId))
      .get();
    // A deleted environment delivers nothing (its data is being erased).
    if (!environment) return null;
    const production = environment.production;
    const due = rows.map((r) => ({ ...r, production }));
    // One receiver's failure or slowness never stops the others.
    await Promise.allSettled(due.map(attempt(store)));
    if (due.length < ROUND_SIZE) break;
  }
  const [next] = await store
    .select({ at: min(webhookDeliveries.nextAttemptAt) })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.environmentId, environmentId), eq(webhookDeliveries.state, "pending")));
  return next?.at ? Date.parse(next.at) : null;
}

interface Due {
  delivery: typeof webhookDeliveries.$inferSelect;
  endpoint: typeof webhookEndpoints.$inferSelect;
  event: typeof events.$inferSelect;
  production: boolean;
}

const attempt = (db: StoreDatabase) => async (d: Due) => {
  const started = Date.now();
  const { status, error, final } = await post(d);
  const attempts = d.delivery.attempts + 1;
  const delivered = status !== null && status >= 200 && status < 300;
  const retryAt = delivered || final || attempts >= MAX_ATTEMPTS ? null : nextAttemptAt(attempts, Date.now());
  const now = new Date().toISOString();
  // The attempt's id is unique per (delivery, attempt number): a concurrent run recording the same attempt fails the batch.
  await batch(db, [
    db.insert(webhookDeliveryAttempts).values({
      id: `${d.delivery.id}_${attempts}`,
      deliveryId: d.delivery.id,
      attempt: attempts,
      statusCode: status,
      error,
      durationMs: Date.now() - started,
      createdAt: now,
    }),
    db
      .update(webhookDeliveries)
      .set({
        state: delivered ? "delivered" : retryAt === null ? "failed" : "pending",
        attempts,
        nextAttemptAt: retryAt === null ? null : new Date(retryAt).toISOString(),
        updatedAt: now,
      })
      .where(and(eq(webhookDeliveries.id, d.delivery.id), eq(webhookDeliveries.attempts, d.delivery.attempts))),
  ]);
};

/** One POST of the event to the endpoint; `final` when retrying cannot help. */
async function post(d: Due): Promise<{ status: number | null; error: string | null; final?: boolean }> {
  if (d.endpoint.status !== "enabled") return { status: null, error: "The endpoint is disabled.", final: true };
  // Checked at creation too; kept here so a production environment never posts in clear text.
  if (d.production && !d.endpoint.endpointUrl.startsWith("https://"))
    return { status: null, error: "Production environments deliver only to https URLs.", final: true };
  const body = JSON.stringify(serializeEvent(d.event));
  try {
    const res = await fetch(d.endpoint.endpointUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "WorkOS-Projects-Webhooks/1",
        "WorkOS-Signature": await signatureHeader(d.endpoint.secret, body),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return { status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    return { status: null, error: String((err as Error)?.message ?? err).slice(0, 500) };
  }
}
