import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { storeOf } from "../db/store-client";
import type { AppEnv } from "../env";
import { type NotFoundEntity, notFound } from "../lib/errors";
import { type IdKind, isId } from "../lib/ids";
import { getEnvironment } from "../services/environments";
import { getProject } from "../services/projects";
import { getTeam } from "../services/teams";

/**
 * The path's resources, resolved once per request by middleware on their path prefix (the Platform API in
 * src/platform/index.ts, the dashboard likewise),
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
  if (answeredWith(c, "environment_id")) await pathEnvironment(c, c.var.team.id, c.req.param("environment_id") ?? "");
  await next();
});

/**
 * The path's environment, of the team, loaded once per request into `c.var.environment` (and its data's client into `c.var.store`): by the loader above,
 * or earlier by `authorize` when a permission depends on the environment's tier (src/auth/permissions.ts).
 */
export async function pathEnvironment(c: Context<AppEnv>, teamId: string, id: string) {
  if (c.var.environment?.id !== id || c.var.environment.teamId !== teamId) {
    if (!isId("environment", id)) throw notFound("environment", id);
    const environment = await getEnvironment(c.var.db, teamId, id);
    c.set("environment", environment);
    c.set("store", storeOf(c.env, environment, c.var.db));
  }
  return c.var.environment;
}

/** A path id of the right shape, or the resource's 404 (a malformed id is simply not found). */
export function pathId(c: Context<AppEnv>, kind: IdKind, entity: NotFoundEntity, param = "id"): string {
  const id = c.req.param(param) ?? "";
  if (!isId(kind, id)) throw notFound(entity, id);
  return id;
}
