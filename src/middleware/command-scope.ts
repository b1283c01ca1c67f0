import type { Context } from "hono";
import type {
  CallerScope,
  EnvironmentScope,
  ProjectScope,
  RequestScope,
  TeamEnvironmentScope,
  TeamScope,
} from "../commands/scope";
import { storeOf } from "../db/store-client";
import type { AppEnv } from "../env";

/** The scopes commands take (src/commands/scope.ts), built from a request once its path resources are loaded. */

/** A request without a caller yet (accepting an invitation, asking for a password reset). */
export const requestScope = (c: Context<AppEnv>): RequestScope => ({
  env: c.env,
  db: c.var.db,
  origin: new URL(c.req.url).origin,
  waitUntil: (work) => c.executionCtx.waitUntil(work),
});
export const callerScope = (c: Context<AppEnv>): CallerScope => ({ ...requestScope(c), caller: c.var.caller });
export const teamScope = (c: Context<AppEnv>): TeamScope => ({ ...callerScope(c), team: c.var.team });
export const projectScope = (c: Context<AppEnv>): ProjectScope => ({ ...teamScope(c), project: c.var.project });
export const teamEnvironmentScope = (c: Context<AppEnv>): TeamEnvironmentScope => ({
  ...teamScope(c),
  environment: c.var.environment,
  store: c.var.store,
});

/** A write to one environment: the request's secret key's (the environment API), or the one a client id names (sign-in). */
export const environmentKeyScope = (c: Context<AppEnv>, environment = c.var.environment): EnvironmentScope => ({
  ...requestScope(c),
  environment,
  // The store of the environment given (sign-in names one by client id), not necessarily the request's.
  store: c.var.environment?.id === environment.id && c.var.store ? c.var.store : storeOf(c.env, environment, c.var.db),
});
