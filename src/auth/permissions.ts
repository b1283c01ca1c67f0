import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { Role } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { pathEnvironment } from "../middleware/path-resources";
import { membershipOf } from "../services/people/members";

/**
 * THE permission table: what each role may do, and what each route needs. One table for both surfaces:
 * the Platform API (`/platform/…`) and the dashboard's actions (`/dashboard/…`). `authorize` (below) is the one
 * place it is enforced; a route missing from the table is refused, and test/workers/permissions.test.ts fails
 * listing it (the route list comes from the app itself).
 *
 * Platform clients have every permission on the teams they created (ownership is checked by the team loader:
 * another client's team is 404). People have the permissions of their role on each team they are a member of,
 * looked up on every request, so a removed member or a lowered role takes effect on the next request.
 */
export const PERMISSIONS = [
  "teams:create", // platform clients only: a team belongs to the client that created it
  "teams:list", // any signed-in caller (a person sees the teams they are a member of)
  "team:read", // the team, its projects and environments (names, tiers): what every role needs to find its way
  "activity:read", // team events and the transfer record
  "billing:read", // billing and usage
  "billing:manage",
  "members:read", // members and invitations
  "members:manage", // invite, resend, revoke, change roles, remove
  "projects:manage", // create a project from scratch, rename it
  "projects:delete",
  "transfers:create", // preview and create a project by transfer
  "environments:read", // keys (never their values), applications, branding, connections of an environment
  "environments:configure", // create, rename, delete environments; keys, applications, branding, connections
  "project_config:read", // project-level configuration: email domains, feature flags, Audit Logs schemas
  "project_config:manage",
  "users:read", // an environment's users and organizations
  "users:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A grant: a permission everywhere, or only on staging environments (`@staging`). */
type Grant = Permission | `${Permission}@staging`;

/** What each role may do on its team. */
export const ROLE_GRANTS: Record<Role, readonly Grant[]> = {
  admin: [
    "teams:list",
    "team:read",
    "activity:read",
    "billing:read",
    "billing:manage",
    "members:read",
    "members:manage",
    "projects:manage",
    "projects:delete",
    "transfers:create",
    "environments:read",
    "environments:configure",
    "project_config:read",
    "project_config:manage",
    "users:read",
    "users:manage",
  ],
  // Developer: configures environments and manages resources; no billing changes, members, transfers or deletion of projects.
  member: [
    "teams:list",
    "team:read",
    "activity:read",
    "billing:read",
    "members:read",
    "projects:manage",
    "environments:read",
    "environments:configure",
    "project_config:read",
    "project_config:manage",
    "users:read",
    "users:manage",
  ],
  // Manages staging environments; reads production and project-level configuration.
  "member-sandbox": [
    "teams:list",
    "team:read",
    "activity:read",
    "members:read",
    "environments:read",
    "environments:configure@staging",
    "project_config:read",
    "users:read",
    "users:manage@staging",
  ],
  support: ["teams:list", "team:read", "users:read", "users:manage"],
  "support-viewer": ["teams:list", "team:read", "users:read"],
};

/**
 * A route's need. `tiered`: the permission applies to one environment, staging or production — the path's
 * `:environment_id`, or (creating one) the body's `production`. `transfer`: a body with `transfer` also needs
 * `transfers:create`. `public`: no credential at all (sign-in pages).
 */
export type RouteRule = { permission: Permission; tiered?: true; transfer?: true } | { public: true };

const p = (permission: Permission, extra: { tiered?: true; transfer?: true } = {}): RouteRule => ({ permission, ...extra });
const tiered = (permission: Permission) => p(permission, { tiered: true });
const PUBLIC: RouteRule = { public: true };

const T = "/platform/teams/:team_id";
const E = `${T}/environments/:environment_id`;
const P = `${T}/projects/:project_id`;
const D = "/dashboard/teams/:team_id";
const DE = `${D}/environments/:environment_id`;

/** Route (`METHOD path-template`, as the app registers it) → what it needs. */
export const ROUTE_PERMISSIONS: Record<string, RouteRule> = {
  // ---- Platform API ----
  "POST /platform/teams": p("teams:create"),
  "GET /platform/teams": p("teams:list"),
  [`GET ${T}`]: p("team:read"),
  [`GET ${T}/billing`]: p("billing:read"),
  [`PUT ${T}/billing`]: p("billing:manage"),
  [`GET ${T}/usage`]: p("billing:read"),
  [`GET ${T}/events`]: p("activity:read"),
  [`GET ${T}/deletions`]: p("activity:read"),
  [`GET ${T}/transfers`]: p("activity:read"),
  [`POST ${T}/transfers`]: p("transfers:create"),
  [`GET ${T}/members`]: p("members:read"),
  [`PATCH ${T}/members/:member_id`]: p("members:manage"),
  [`DELETE ${T}/members/:member_id`]: p("members:manage"),
  [`GET ${T}/invitations`]: p("members:read"),
  [`POST ${T}/invitations`]: p("members:manage"),
  [`GET ${T}/invitations/:invitation_id`]: p("members:read"),
  [`DELETE ${T}/invitations/:invitation_id`]: p("members:manage"),
  [`GET ${T}/projects`]: p("team:read"),
  [`POST ${T}/projects`]: p("projects:manage", { transfer: true }),
  [`POST ${T}/projects/transfer_preview`]: p("transfers:create"),
  [`GET ${P}`]: p("team:read"),
  [`PATCH ${P}`]: p("projects:manage"),
  [`DELETE ${P}`]: p("projects:delete"),
  [`GET ${P}/email_domains`]: p("project_config:read"),
  [`POST ${P}/email_domains`]: p("project_config:manage"),
  [`GET ${P}/email_domains/:email_domain_id`]: p("project_config:read"),
  [`POST ${P}/email_domains/:email_domain_id/verify`]: p("project_config:manage"),
  [`DELETE ${P}/email_domains/:email_domain_id`]: p("project_config:manage"),
  [`GET ${P}/feature_flags`]: p("project_config:read"),
  [`POST ${P}/feature_flags`]: p("project_config:manage"),
  [`GET ${P}/feature_flags/:slug`]: p("project_config:read"),
  [`PATCH ${P}/feature_flags/:slug`]: p("project_config:manage"),
  [`DELETE ${P}/feature_flags/:slug`]: p("project_config:manage"),
  [`GET ${P}/audit_log_schemas`]: p("project_config:read"),
  [`GET ${T}/environments`]: p("team:read"),
  [`POST ${T}/environments`]: tiered("environments:configure"),
  [`GET ${E}`]: p("team:read"),
  [`PATCH ${E}`]: tiered("environments:configure"),
  [`DELETE ${E}`]: tiered("environments:configure"),
  [`GET ${E}/api_keys`]: p("environments:read"),
  [`POST ${E}/api_keys`]: tiered("environments:configure"),
  [`DELETE ${E}/api_keys/:key_id`]: tiered("environments:configure"),
  [`GET ${E}/applications`]: p("environments:read"),
  [`POST ${E}/applications`]: tiered("environments:configure"),
  [`GET ${E}/applications/:application_id`]: p("environments:read"),
  [`PATCH ${E}/applications/:application_id`]: tiered("environments:configure"),
  [`DELETE ${E}/applications/:application_id`]: tiered("environments:configure"),
  [`GET ${E}/branding`]: p("environments:read"),
  [`PUT ${E}/branding`]: tiered("environments:configure"),
  [`POST ${E}/branding/copy`]: tiered("environments:configure"),
  [`POST ${E}/connections`]: tiered("environments:configure"),
  [`GET ${E}/signing_keys`]: p("environments:read"),
  [`POST ${E}/signing_keys/rotate`]: tiered("environments:configure"),

  // ---- Dashboard (pages and form actions behind sign-in; the sign-in pages are public) ----
  "GET /dashboard": p("teams:list"),
  "GET /dashboard/": p("teams:list"),
  "POST /dashboard/teams": p("teams:create"),
  [`GET ${D}`]: p("team:read"),
  [`GET ${D}/projects/new`]: p("projects:manage"),
  [`POST ${D}/projects`]: p("projects:manage"),
  [`GET ${D}/projects/new/transfer`]: p("transfers:create"),
  [`POST ${D}/projects/transfer`]: p("transfers:create"),
  [`GET ${D}/transfers`]: p("activity:read"),
  [`GET ${D}/activity`]: p("activity:read"),
  [`GET ${D}/projects/new/review`]: p("transfers:create"),
  [`GET ${D}/projects/:project_id`]: p("team:read"),
  [`POST ${D}/projects/:project_id/rename`]: p("projects:manage"),
  [`POST ${D}/projects/:project_id/delete`]: p("projects:delete"),
  [`POST ${D}/projects/:project_id/environments`]: tiered("environments:configure"),
  [`POST ${D}/projects/:project_id/config/feature_flags`]: p("project_config:manage"),
  [`POST ${D}/projects/:project_id/config/feature_flags/:slug`]: p("project_config:manage"),
  [`POST ${D}/projects/:project_id/config/feature_flags/:slug/delete`]: p("project_config:manage"),
  // Switching a flag in one environment configures that environment.
  [`POST ${D}/projects/:project_id/config/feature_flags/:slug/environments/:environment_id`]: tiered("environments:configure"),
  [`POST ${D}/billing/email`]: p("billing:manage"),
  [`POST ${D}/billing/card`]: p("billing:manage"),
  [`GET ${DE}/applications`]: p("environments:read"),
  [`GET ${DE}/branding`]: p("environments:read"),
  [`GET ${DE}/connections`]: p("environments:read"),
  [`GET ${DE}/webhooks`]: p("environments:read"),
  [`GET ${DE}/events`]: p("environments:read"),
  [`GET ${DE}/settings`]: p("environments:read"),
  [`POST ${DE}/rename`]: tiered("environments:configure"),
  [`POST ${DE}/require_email_verification`]: tiered("environments:configure"),
  [`POST ${DE}/signing_keys/rotate`]: tiered("environments:configure"),
  [`POST ${DE}/delete`]: tiered("environments:configure"),
  [`POST ${DE}/connections`]: tiered("environments:configure"),
  [`POST ${DE}/applications/:application_id`]: tiered("environments:configure"),
  [`POST ${DE}/applications/:application_id/delete`]: tiered("environments:configure"),
  [`GET ${D}/billing`]: p("billing:read"),
  [`POST ${D}/billing`]: p("billing:manage"),
  [`GET ${DE}`]: p("environments:read"),
  [`POST ${DE}/api_keys`]: tiered("environments:configure"),
  [`POST ${DE}/api_keys/:key_id/expire`]: tiered("environments:configure"),
  [`POST ${DE}/applications`]: tiered("environments:configure"),
  [`POST ${DE}/branding`]: tiered("environments:configure"),
  [`POST ${DE}/branding/copy`]: tiered("environments:configure"),
  [`GET ${D}/projects/:project_id/config`]: p("project_config:read"),
  [`POST ${D}/projects/:project_id/config/email_domains`]: p("project_config:manage"),
  [`POST ${D}/projects/:project_id/config/email_domains/:email_domain_id/verify`]: p("project_config:manage"),
  [`POST ${D}/projects/:project_id/config/email_domains/:email_domain_id/delete`]: p("project_config:manage"),
  // People (src/dashboard/routes/members.tsx, src/dashboard/environment/directory.tsx)
  [`GET ${D}/members`]: p("members:read"),
  [`POST ${D}/invitations`]: p("members:manage"),
  [`POST ${D}/invitations/:invitation_id/resend`]: p("members:manage"),
  [`POST ${D}/invitations/:invitation_id/revoke`]: p("members:manage"),
  [`POST ${D}/members/:member_id/role`]: p("members:manage"),
  [`POST ${D}/members/:member_id/remove`]: p("members:manage"),
  [`GET ${DE}/users`]: p("users:read"),
  [`GET ${DE}/directory`]: p("users:read"),
  [`POST ${DE}/users`]: tiered("users:manage"),
  [`POST ${DE}/users/:user_id/delete`]: tiered("users:manage"),
  [`GET ${DE}/users/:user_id/sessions`]: p("users:read"),
  [`POST ${DE}/users/:user_id/sessions/:session_id/revoke`]: tiered("users:manage"),
  [`GET ${DE}/organizations`]: p("users:read"),
  [`POST ${DE}/organizations`]: tiered("users:manage"),
  [`POST ${DE}/organizations/:organization_id/delete`]: tiered("users:manage"),
  "GET /dashboard/sign-in": PUBLIC,
  "GET /dashboard/favicon.svg": PUBLIC,
  "GET /dashboard/assets/*": PUBLIC,
  "POST /dashboard/sign-in": PUBLIC,
  "POST /dashboard/sign-out": PUBLIC,
  "POST /dashboard/people/sign-in": PUBLIC,
  "GET /dashboard/invitations/accept": PUBLIC,
  "POST /dashboard/invitations/accept": PUBLIC,
  "GET /dashboard/password-reset": PUBLIC,
  "POST /dashboard/password-reset": PUBLIC,
  "POST /dashboard/password-reset/request": PUBLIC,
};

/** Whether a role may use a permission on an environment tier (undefined: no environment involved). */
export function roleAllows(role: Role, permission: Permission, tier?: "staging" | "production") {
  const grants = ROLE_GRANTS[role] as readonly string[];
  if (grants.includes(permission)) return true;
  return tier === "staging" && grants.includes(`${permission}@staging`);
}

/** The handler's route, `METHOD template`: the first matched route of the request's method (middleware are `ALL`). */
export function routeKey(c: Context<AppEnv>): string | undefined {
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  const route = matchedRoutes(c).find((r) => r.method === method);
  return route ? `${method} ${route.path}` : undefined;
}

/** The path's parameters by the template (middleware mounted on `*` does not see the handler's params). */
export function paramsOf(template: string, path: string): Record<string, string> {
  const names = template.split("/");
  const values = path.split("/");
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name.startsWith(":") && values[i] !== undefined) {
      try {
        out[name.slice(1)] = decodeURIComponent(values[i]);
      } catch {
        out[name.slice(1)] = values[i];
      }
    }
  });
  return out;
}

/** The tier a tiered permission applies to: the path's environment, or (creating one) the tier the body asks for. */
async function tierOf(c: Context<AppEnv>, teamId: string, params: Record<string, string>): Promise<"staging" | "production"> {
  if (params.environment_id !== undefined)
    return (await pathEnvironment(c, teamId, params.environment_id)).production ? "production" : "staging";
  // Creating an environment: the tier is the one asked for (a malformed body is the validator's to refuse).
  const body = await bodyOf(c);
  // JSON says `production: true`; the dashboard's form says `kind=production`.
  return body?.production === true || body?.kind === "production" ? "production" : "staging";
}

/**
 * The body as sent, read before validation: a caller without the permission is refused (403) whether or not
 * the body is valid. Hono keeps what it read, so the validator does not read it again.
 */
async function bodyOf(c: Context<AppEnv>): Promise<Record<string, unknown> | undefined> {
  try {
    const type = c.req.header("Content-Type") ?? "";
    if (type.includes("application/json")) return (await c.req.json()) as Record<string, unknown>;
    if (type.includes("form")) return (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    // malformed: the route's validator answers it
  }
  return undefined;
}

const forbidden = (permission: Permission, why: string) =>
  new ApiError("forbidden", `You need the ${permission} permission to do this${why}.`, { permission });

/**
 * The one enforcement point (mounted on the Platform API and on the dashboard, after authentication):
 * finds the matched route's entry in ROUTE_PERMISSIONS and checks the caller's role on the path's team.
 * For a person: no membership of the path's team is 404 `team_not_found` (another team stays invisible);
 * a role without the permission is 403 `forbidden` with `permission`. The membership found also sets
 * `c.var.team`, so the team loader does not look the team up again.
 */
export const authorize = createMiddleware<AppEnv>(async (c, next) => {
  const key = routeKey(c);
  if (!key) return next(); // no such route: the surface's 404 answers
  const rule = ROUTE_PERMISSIONS[key];
  if (!rule)
    throw new ApiError("forbidden", `The route ${key} has no entry in the permission table; refused.`, { permission: null });
  if ("public" in rule) return next();
  const caller = c.var.caller;
  if (caller.person) {
    const template = key.slice(key.indexOf(" ") + 1);
    const params = paramsOf(template, c.req.path);
    if (!params.team_id) {
      // Routes outside a team: only what any signed-in person may do.
      if (rule.permission !== "teams:list") throw forbidden(rule.permission, " (platform clients only)");
    } else {
      const found = await membershipOf(c.var.db, params.team_id, caller.person.id);
      if (!found) throw notFound("team", params.team_id);
      c.set("team", found.team);
      c.set("caller", { ...caller, member: { id: found.member.id, teamId: found.team.id, role: found.member.role } });
      const role = found.member.role;
      // An environment that is not the team's is 404 `environment_not_found` here (nothing to reveal).
      const tier = rule.tiered ? await tierOf(c, found.team.id, params) : undefined;
      if (!roleAllows(role, rule.permission, tier))
        throw forbidden(rule.permission, tier ? ` on a ${tier} environment (your role is ${role})` : ` (your role is ${role})`);
      if (rule.transfer && (await bodyOf(c))?.transfer !== undefined && !roleAllows(role, "transfers:create"))
        throw forbidden("transfers:create", ` (your role is ${role})`);
    }
  }
  await next();
});
