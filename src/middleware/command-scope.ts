import type { Context } from "hono";
import type { CallerScope, ProjectScope, TeamEnvironmentScope, TeamScope } from "../commands/scope";
import type { AppEnv } from "../env";

/** The scopes commands take (src/commands/scope.ts), built from a request once its path resources are loaded. */

export const callerScope = (c: Context<AppEnv>): CallerScope => ({
  env: c.env,
  db: c.var.db,
  caller: c.var.caller,
  waitUntil: (work) => c.executionCtx.waitUntil(work),
});
export const teamScope = (c: Context<AppEnv>): TeamScope => ({ ...callerScope(c), team: c.var.team });
export const projectScope = (c: Context<AppEnv>): ProjectScope => ({ ...teamScope(c), project: c.var.project });
export const teamEnvironmentScope = (c: Context<AppEnv>): TeamEnvironmentScope => ({
  ...teamScope(c),
  environment: c.var.environment,
});
