import type { Database, Env, PlatformCaller, StoreDatabase } from "../env";
import type { EnvironmentWriter } from "../services/environment-events";
import type { EnvironmentRow } from "../services/environments";
import { actorOfCaller } from "../services/people/members";
import type { ProjectRow } from "../services/projects";
import type { TeamRow } from "../services/teams";
import { wakeDispatcher } from "../webhooks/dispatcher";

/**
 * What a command needs to know about the request that runs it, as plain objects (no Hono types): the
 * surfaces build it from their context (src/middleware/command-scope.ts), a test or a script can build it by
 * hand. Resources in a scope are already checked to be the caller's.
 *
 * Commands (src/commands/*.ts) are the surfaces' writes (signing in and out aside: sessions are
 * services/people/sessions.ts, called by the sign-in routes): they mint ids, call the project's
 * coordinator, record team events and check the rules a schema cannot. Every command has the shape
 * `(scope, input)` and returns rows, or the object the environment API answers (the data of the event it
 * recorded), or nothing. Commands call services and the coordinator client; nothing below imports them.
 */
export interface RequestScope {
  /** The Worker's bindings. */
  env: Env;
  db: Database;
  /** The request's origin: links in emails point there when PUBLIC_URL is unset. */
  origin?: string;
  /** Runs work after the answer (the Worker's `waitUntil`), e.g. waking a webhook dispatcher. Optional: without it the work still runs, unawaited. */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** A write by an authenticated caller: a platform client, or a person. */
export interface CallerScope extends RequestScope {
  caller: PlatformCaller;
}

/** A write inside one of the caller's teams. */
export interface TeamScope extends CallerScope {
  team: TeamRow;
}

/** A write to one project of the team (its configuration, its name, the project itself). */
export interface ProjectScope extends TeamScope {
  project: ProjectRow;
}

/** A write to one environment of the team (keys, applications, branding, connections, the environment itself). */
export interface TeamEnvironmentScope extends TeamScope {
  environment: EnvironmentRow;
  /** The environment's data (see `StoreDatabase`); `db` stays the control plane's. */
  store: StoreDatabase;
}

/**
 * A write to one environment's data (its users, organizations, memberships, webhook endpoints, flags, audit
 * logs): through its secret key on the environment API, or by a member of its team on the dashboard (a
 * `TeamEnvironmentScope` is one).
 */
export interface EnvironmentScope extends RequestScope {
  environment: EnvironmentRow;
  /** The environment's data (see `StoreDatabase`); `db` stays the control plane's. */
  store: StoreDatabase;
}

/** Who the team events name as the actor of a change. */
export const actorOf = (scope: CallerScope) => actorOfCaller(scope.caller);

/**
 * How the services write to the environment (services/environment-events.ts): its webhook dispatcher is woken
 * after the answer when the scope has `waitUntil`; a failed wake-up leaves the deliveries queued for the next one.
 */
export function writerOf(scope: EnvironmentScope): EnvironmentWriter {
  const { env, store, environment } = scope;
  return {
    db: store,
    environment,
    onDeliveriesQueued: () => {
      // An environment in its own object delivers from that object's alarm, which every write there sets.
      if (environment.dataLocation === "object") return;
      const work = wakeDispatcher(env, environment.id).catch((err) =>
        console.error(JSON.stringify({ webhook_dispatch: environment.id, error: String(err) })),
      );
      if (scope.waitUntil) scope.waitUntil(work);
    },
  };
}
