import type { Context } from "hono";
import { storeOf } from "../db/store-client";
import type { AppEnv } from "../env";
import type { ApiError } from "../lib/errors";
import { applicationByClientId, assertUnlocked, type SignInContext } from "../services/sign-in";
import { invalidClient } from "../services/sign-in/errors";
import { wakeDispatcher } from "../webhooks/dispatcher";

/** The origin the request reached: issuers and endpoints are built from it. */
export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

/**
 * The sign-in context of a request for an application's client id: the application, its environment (refused
 * when it is a locked production environment: 403 environment_locked) and the request's origin. An unknown
 * client id throws `unknown()` (401 invalid_client by default).
 */
export async function signInContext(
  c: Context<AppEnv>,
  clientId: string,
  unknown: () => ApiError = () => invalidClient("Unknown client_id."),
): Promise<SignInContext> {
  const found = await applicationByClientId(c.var.db, clientId);
  if (!found) throw unknown();
  assertUnlocked(found);
  const { environment, application } = found;
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  return {
    env: c.env,
    db: c.var.db,
    store: storeOf(c.env, environment, c.var.db),
    environment,
    application,
    origin: originOf(c),
    waitUntil,
    onDeliveriesQueued: () =>
      waitUntil(
        wakeDispatcher(c.env, environment.id).catch((err) =>
          // The deliveries stay queued in the environment's store; the environment's next wake-up sends them.
          console.error(JSON.stringify({ request_id: c.var.requestId, webhook_dispatch: environment.id, error: String(err) })),
        ),
      ),
  };
}

/** The connecting address (what the password throttle counts per address). */
export const clientAddressOf = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP") ?? "unknown";
