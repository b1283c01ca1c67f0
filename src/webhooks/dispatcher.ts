import { DurableObject } from "cloudflare:workers";
import { openDatabase } from "../db/client";
import type { Env } from "../env";
import { deliverDue } from "./deliver";

/**
 * One per environment (`idFromName(environment_id)`): delivers the environment's webhooks from its alarm, so no
 * API request ever waits for a receiver. Deliveries live in the environment's store (queued in the same batch as their event); the
 * object only remembers which environment it serves and when to wake up next.
 */
export class WebhookDispatcher extends DurableObject<Env> {
  /** New deliveries are due: run the alarm now (unless it is already due). */
  async wake(environmentId: string): Promise<void> {
    if ((await this.ctx.storage.get<string>("environment_id")) !== environmentId)
      await this.ctx.storage.put("environment_id", environmentId);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.now()) await this.ctx.storage.setAlarm(Date.now());
  }

  async alarm(): Promise<void> {
    const environmentId = await this.ctx.storage.get<string>("environment_id");
    if (!environmentId) return;
    const db = openDatabase(this.env);
    // Environments still in D1 (an environment in its own object delivers from that object's alarm).
    const next = await deliverDue(db, db, environmentId);
    if (next === null) return;
    // A wake() during this run may have asked for an earlier alarm: keep the earlier one.
    const pending = await this.ctx.storage.getAlarm();
    if (pending === null || pending > next) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }
}

/** Wakes an environment's dispatcher. */
export function wakeDispatcher(env: Env, environmentId: string): Promise<void> {
  const ns = env.WEBHOOK_DISPATCHER as unknown as DurableObjectNamespace<WebhookDispatcher>;
  return ns.get(ns.idFromName(environmentId)).wake(environmentId);
}
