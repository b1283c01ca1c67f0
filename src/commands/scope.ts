import type { Database, Env, PlatformCaller } from "../env";
import type { EnvironmentRow } from "../services/environments";
import { actorOf as actorOfCaller } from "../services/people/members";
import type { ProjectRow } from "../services/projects";
import type { TeamRow } from "../services/teams";

/**
 * What a command needs to know about the request that runs it, as plain objects (no Hono types): the
 * Platform API and the dashboard build it from their context (src/middleware/command-scope.ts), a test
 * or a script can build it by hand. Resources in a scope are already checked to be the caller's.
 *
 * Commands (src/commands/*.ts) are the writes of the Platform API and the dashboard: they mint ids, call the
 * project's coordinator, record team events and check the rules a schema cannot. Every command of a kind
 * has the shape `(scope, input)` and returns rows (or nothing); the surface shapes rows with the serializers
 * in services. Commands call services and the coordinator client; nothing below imports them.
 */
export interface CallerScope {
  env: Env;
  db: Database;
  caller: PlatformCaller;
  /** Runs work after the answer (the Worker's `waitUntil`), e.g. waking a webhook dispatcher. Optional: awaited when absent. */
  waitUntil?: (work: Promise<unknown>) => void;
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
}

/** Who the team events name as the actor of a change. */
export const actorOf = (scope: CallerScope) => actorOfCaller(scope.caller);
