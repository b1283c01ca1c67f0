import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { EnvironmentScope } from "../services/environment-events";
import type { EnvironmentRow } from "../services/environments";
import { wakeDispatcher } from "./dispatcher";

/**
 * The scope of a write to an environment's data, from a request: its database, the environment, and a wake-up of
 * the environment's webhook dispatcher that runs after the answer (`waitUntil`), never before it.
 */
export function environmentScope(c: Context<AppEnv>, environment: EnvironmentRow = c.var.environment): EnvironmentScope {
  return {
    db: c.var.db,
    environment,
    onDeliveriesQueued: () =>
      c.executionCtx.waitUntil(
        wakeDispatcher(c.env, environment.id).catch((err) =>
          // The deliveries stay queued in D1; the environment's next wake-up sends them.
          console.error(JSON.stringify({ request_id: c.var.requestId, webhook_dispatch: environment.id, error: String(err) })),
        ),
      ),
  };
}
