import * as connections from "../services/connections";
import type { EnvironmentScope } from "../services/environment-events";
import { wakeDispatcher } from "../webhooks/dispatcher";
import type { TeamEnvironmentScope } from "./scope";

/**
 * The environment's write scope (services/environment-events.ts): its webhook dispatcher is woken after the
 * answer when the scope has `waitUntil`; a failed wake-up leaves the deliveries queued for the next one.
 */
export function environmentWriteScope(scope: TeamEnvironmentScope): EnvironmentScope {
  const { env, db, environment } = scope;
  return {
    db,
    environment,
    onDeliveriesQueued: () => {
      const work = wakeDispatcher(env, environment.id).catch((err) =>
        console.error(JSON.stringify({ webhook_dispatch: environment.id, error: String(err) })),
      );
      scope.waitUntil?.(work);
    },
  };
}

/** An active SSO connection for an organization of the environment (`connection.activated`). Returns the connection object. */
export const createConnection = (
  scope: TeamEnvironmentScope,
  input: { organization_id: string; connection_type: string; name: string },
) => connections.createConnection(environmentWriteScope(scope), input);
