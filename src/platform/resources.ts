import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { CallerScope, ProjectScope, TeamEnvironmentScope, TeamScope } from "../commands/scope";
import type { AppEnv } from "../env";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { getEnvironment } from "../services/environments";
import { getProject } from "../services/projects";
import { getTeam } from "../services/teams";

/**
 * The path's resources, resolved once per request by middleware on their path prefix (src/platform/index.ts),
 * with ownership checked here and nowhere else:
 * - `:team_id` → `c.var.team`: a team of the calling client;
 * - `:project_id` → `c.var.project`: a project of that team;
 * - `:environment_id` → `c.var.environment`: an environment of that team. (On the environment API the same
 *   variable is the environment of the secret key: in both, "the environment this request acts on".)
 * Anything else (a malformed id, a missing one, another client's team, another team's project or environment)
 * is the same 404 `<entity>_not_found`: never reveal that someone else's id exists.
 *
 * A resource is resolved only when the route that will answer names its parameter: `POST …/projects/transfer_preview`
 * is not a project id, and an unknown path is the API's plain 404.
 */
const answeredWith = (c: Context<AppEnv>, param: string) =>
  matchedRoutes(c).some((r) => r.method !== "ALL" && r.path.split("/").includes(`:${param}`));

export const loadTeam = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.param("team_id") ?? "";
  // The dashboard guards two prefixes with it: load the team once per request.
  if (c.var.team?.id !== id && answeredWith(c, "team_id")) {
    if (!isId("team", id)) throw notFound("team", id);
    c.set("team", await getTeam(c.var.db, c.var.caller, id));
  }
  await next();
});

export const loadProject = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.param("project_id") ?? "";
  if (answeredWith(c, "project_id")) {
    if (!isId("project", id)) throw notFound("project", id);
    c.set("project", await getProject(c.var.db, c.var.team.id, id));
  }
  await next();
});

export const loadEnvironment = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.param("environment_id") ?? "";
  if (answeredWith(c, "environment_id")) {
    if (!isId("environment", id)) throw notFound("environment", id);
    c.set("environment", await getEnvironment(c.var.db, c.var.team.id, id));
  }
  await next();
});

// ---- The scopes commands take (src/commands/scope.ts), from a request -------------------------------

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
