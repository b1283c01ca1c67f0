import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { drizzle as storeClient } from "drizzle-orm/sqlite-proxy";
import { encodeTime } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import { answered as storeAnswered, storeStub } from "../../src/db/store-client";
import { newMetrics } from "../../src/lib/db-metrics";
import { newId } from "../../src/lib/ids";
import { keyCache } from "../../src/services/api-keys";
import { listConnections } from "../../src/services/connections";
import { listEvents } from "../../src/services/environment-events";
import { environmentsOfProjects, listEnvironments } from "../../src/services/environments";
import { listMemberships } from "../../src/services/memberships";
import { getOrganization, listOrganizations } from "../../src/services/organizations";
import { applyTransfer } from "../../src/services/transfers";
import { pricingOf, teamUsage } from "../../src/services/usage";
import { listUsers } from "../../src/services/users";
import {
  type Answer,
  addEnvironments,
  call,
  d1,
  type EnvApi,
  envApi,
  mintKey,
  newTeam,
  recorded,
  type Session,
  seedStore,
  session,
  sql,
  storeSql,
} from "./helpers";
import type { Json } from "./openapi-support";
import { RESOURCE_FIXTURES } from "./resource-fixtures";

/**
 * Every read is an index seek: the rows a request reads (summed over its queries, with DB_METRICS=1) stay at most
 * the rows the answer shows + 4 (authentication and the look-ahead row), whatever the size of the tables around it.
 *   - The environment API is served in the environment's object: what it read there (X-Store-Rows-Read, counted
 *     from the object's SQL cursors) is held to that bound, and D1 (X-D1-Rows-Read) reads only the key lookup
 *     (KEY_LOOKUP rows, none when the per-isolate cache has it) plus the project-level configuration a route names
 *     (`d1`).
 *   - The Platform API reads the control plane in D1, and an environment's data (its signing keys) in its object:
 *     both are counted together against the bound.
 * Seeded with recursive-CTE INSERTs: the control plane straight into D1 (one team of 20,000 environments in 200
 * projects), and one environment's data straight into its object's storage (seedStore): 50,000 users, 10,000
 * organizations (one domain each), 20,000 memberships (one organization holds 2,000), 20,000 events, 1,000
 * connections, 1,000 invitations.
 *
 * HOW TO ADD A ROUTE OR A FILTER: add a line to PLATFORM or ENVIRONMENT_API below (or, for an environment-scoped
 * resource, to the `rowsRead` lines of its module under ./resources/, measured against one object it makes) — the path (with the filter's
 * query parameter), and `shown` if the answer shows stored rows besides its items (the organization a membership
 * names; an organization's or a connection's domains are not: each row holds their copy). A filter whose column has no index reads the seeded rows and fails the
 * bound. An environment-API route that serves project-level configuration (kept in D1 with its project) names those
 * D1 rows in `d1`. `every documented GET route and query parameter is measured` fails while a route or a parameter of
 * GET /openapi.json has no line here.
 *
 * Reproduce: npx vitest run --project workers test/workers/rows-read.test.ts
 */
const PROJECTS = 200;
const ENVIRONMENTS_PER_PROJECT = 100; // 20,000 environments in the measured team
const USERS = 50_000;
const ORGANIZATIONS = 10_000;
const BIG_ORG_MEMBERS = 2_000;
const MEMBERSHIPS = 20_000;
const EVENTS = 20_000;
const CONNECTIONS = 1_000;
const INVITATIONS = 1_000;
const DELETIONS = 1_000;
const T = "2026-01-01T00:00:00.000Z";

const n = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;

/** The control plane in D1 (the team's projects, environments, pending deletions); the measured environment's data in its object. */
async function seed(teamId: string, environmentId: string) {
  await d1(
    `INSERT INTO projects (id, team_id, name, created_at, updated_at)
    ${n(PROJECTS)} SELECT printf('project_0SEED%021d', i), ?, 'Seeded', '${T}', '${T}' FROM n`,
    teamId,
  );
  await d1(
    `INSERT INTO environments (id, team_id, project_id, name, production, client_id, created_at, updated_at)
    ${n(PROJECTS * ENVIRONMENTS_PER_PROJECT)}
    SELECT printf('environment_0SEED%021d', i), ?, printf('project_0SEED%021d', i / ${ENVIRONMENTS_PER_PROJECT}), 'E', i % 2,
      printf('client_0SEED%021d', i), '${T}', '${T}' FROM n`,
    teamId,
  );
  // Environments deleted from D1 whose objects are still being emptied (the control plane lists them as pending).
  await d1(
    `INSERT INTO store_deletions (environment_id, team_id, project_id, requested_at)
    ${n(DELETIONS)} SELECT printf('environment_0DELETED%018d', i), ?, 'project_0SEED000000000000000000000', '${T}' FROM n`,
    teamId,
  );
  const e = `'${environmentId}'`;
  // Organization i has domain i; organizations and connections hold its copy (src/services/organization-domains.ts).
  const domainsOf = (i: string) =>
    `json_array(json_object('id', printf('org_domain_0SEED%021d', ${i}), 'environmentId', ${e}, 'organizationId', printf('org_0SEED%021d', ${i}),
      'domain', printf('o%06d.seed.test', ${i}), 'state', 'verified', 'verificationStrategy', 'manual', 'createdAt', '${T}', 'updatedAt', '${T}'))`;
  // Events of the last day (ids are ULIDs: a time prefix, then per-row digits), alternating two names.
  const prefix = encodeTime(Date.now() - 24 * 3600_000, 10);
  return seedStore(environmentId, [
    `INSERT INTO users (id, environment_id, email, email_verified, metadata, created_at, updated_at)
    ${n(USERS)} SELECT printf('user_0SEED%021d', i), ${e}, printf('u%06d@seed.test', i), 0, '{}', '${T}', '${T}' FROM n`,
    `INSERT INTO organizations (id, environment_id, name, allow_profiles_outside_organization, metadata, created_at, updated_at, domains)
    ${n(ORGANIZATIONS)} SELECT printf('org_0SEED%021d', i), ${e}, printf('Org %d', i), 0, '{}', '${T}', '${T}', ${domainsOf("i")} FROM n`,
    `INSERT INTO organization_domains (id, environment_id, organization_id, domain, state, verification_strategy, created_at, updated_at)
    ${n(ORGANIZATIONS)} SELECT printf('org_domain_0SEED%021d', i), ${e}, printf('org_0SEED%021d', i), printf('o%06d.seed.test', i), 'verified', 'manual', '${T}', '${T}' FROM n`,
    // Organization 0 has BIG_ORG_MEMBERS members; the other memberships spread one per user over the other organizations.
    `INSERT INTO organization_memberships (id, environment_id, organization_id, user_id, role_slug, status, created_at, updated_at)
    ${n(MEMBERSHIPS)} SELECT printf('om_0SEED%021d', i), ${e},
      CASE WHEN i < ${BIG_ORG_MEMBERS} THEN 'org_0SEED000000000000000000000' ELSE printf('org_0SEED%021d', 1 + i % ${ORGANIZATIONS - 1}) END,
      printf('user_0SEED%021d', i), 'member', 'active', '${T}', '${T}' FROM n`,
    `INSERT INTO events (id, environment_id, event, data, organization_id, created_at)
    ${n(EVENTS)} SELECT printf('event_${prefix}%016d', i), ${e}, CASE i % 2 WHEN 0 THEN 'user.created' ELSE 'organization.created' END, '{}',
      printf('org_0SEED%021d', i % ${ORGANIZATIONS}), '${T}' FROM n`,
    `INSERT INTO connections (id, environment_id, organization_id, connection_type, name, state, created_at, updated_at, domains)
    ${n(CONNECTIONS)} SELECT printf('conn_0SEED%021d', i), ${e}, printf('org_0SEED%021d', i), 'GenericSAML', 'C', 'active', '${T}', '${T}', ${domainsOf("i")} FROM n`,
    // Invitations of users: every other one to an organization (the first, which then has half of them).
    `INSERT INTO user_invitations (id, environment_id, email, organization_id, state, token_hash, expires_at, created_at, updated_at)
    ${n(INVITATIONS)} SELECT printf('invitation_0SEED%021d', i), ${e}, printf('i%06d@seed.test', i),
      CASE i % 2 WHEN 0 THEN 'org_0SEED000000000000000000001' END, 'pending', printf('seeded-hash-%d', i), '2099-01-01T00:00:00.000Z', '${T}', '${T}' FROM n`,
  ]);
}

const rowsRead = (r: { headers: Headers }) => Number(r.headers.get("X-D1-Rows-Read"));
const storeRowsRead = (r: { headers: Headers }) => Number(r.headers.get("X-Store-Rows-Read"));
/** The key's lookup in D1 when the per-isolate cache does not have it: the key, its environment and its team. */
const KEY_LOOKUP = 3;
/** Items of a list, or 1 for an object. */
const items = (body: Json) => (body?.object === "list" ? body.data.length : 1);
/** One lookup per item, the look-ahead row's included. */
const perItem = (body: Json) => items(body) + 1;
/** The SDK's payload: one entry per flag, keyed by slug; its definitions are read with the look-ahead row. */
const flagDefinitions = (body: Json) => Object.keys(body ?? {}).length + 1;
const organizationsNamed = (body: Json) =>
  new Set((body?.object === "list" ? body.data : [body]).map((m: Json) => m.organization_id)).size;

/** The team's row as the services take it, read straight from D1. */
async function teamRowOf(id: string): Promise<typeof schema.teams.$inferSelect> {
  const [t] = await sql<{
    id: string;
    owner_client_id: string;
    name: string;
    admin_email: string;
    production_enabled_at: string | null;
    created_at: string;
    updated_at: string;
  }>("SELECT * FROM teams WHERE id = ?", id);
  return {
    id: t.id,
    ownerClientId: t.owner_client_id,
    name: t.name,
    adminEmail: t.admin_email,
    productionEnabledAt: t.production_enabled_at,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

interface Line {
  /** The documented route (OpenAPI path template) it measures. */
  route: string;
  path: () => string;
  /** Stored rows the answer shows besides its items. */
  shown?: (body: Json) => number;
  /** At least this many items: the case measures a real page, not an empty answer that proves nothing. */
  atLeast?: number;
  /**
   * Index lookups per answer besides the range walked (a membership's user, a domain asked for): D1 bills every row
   * a join visits, and an IN-list seek 2 rows per key. Only for lookups the answer cannot do without.
   */
  seeks?: (body: Json) => number;
  /**
   * Environment API: rows the route reads in D1 besides the key, the project-level configuration it serves (flag
   * definitions, Audit Log schemas live with the project in D1, not in the environment's object).
   */
  d1?: (body: Json) => number;
}

let s: Session;
let api: EnvApi;
let ctx: Awaited<ReturnType<typeof newTeam>>;
const ids: Record<string, string> = {};
/** The object each resource of ./resources/ made in the measured environment. */
const registered: Record<string, any> = {};

const PLATFORM: Line[] = [
  { route: "/platform/teams", path: () => "/teams?limit=100", atLeast: 1 },
  { route: "/platform/teams/{team_id}", path: () => `/teams/${ctx.team.id}` },
  { route: "/platform/teams/{team_id}/billing", path: () => `/teams/${ctx.team.id}/billing` },
  { route: "/platform/teams/{team_id}/events", path: () => `/teams/${ctx.team.id}/events?limit=100`, atLeast: 3 },
  { route: "/platform/teams/{team_id}/projects", path: () => `/teams/${ctx.team.id}/projects?limit=100`, atLeast: 100 },
  {
    route: "/platform/teams/{team_id}/projects",
    path: () => `/teams/${ctx.team.id}/projects?limit=100&order=asc&after=project_0SEED000000000000000000050`,
    atLeast: 100,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}",
    path: () => `/teams/${ctx.team.id}/projects/project_0SEED000000000000000000007`,
  },
  { route: "/platform/teams/{team_id}/transfers", path: () => `/teams/${ctx.team.id}/transfers` },
  { route: "/platform/teams/{team_id}/deletions", path: () => `/teams/${ctx.team.id}/deletions?limit=100`, atLeast: 100 },
  { route: "/platform/teams/{team_id}/environments", path: () => `/teams/${ctx.team.id}/environments?limit=100`, atLeast: 100 },
  {
    route: "/platform/teams/{team_id}/environments",
    path: () => `/teams/${ctx.team.id}/environments?limit=100&project_id=project_0SEED000000000000000000003`,
    atLeast: 100,
  },
  {
    route: "/platform/teams/{team_id}/environments",
    path: () => `/teams/${ctx.team.id}/environments?limit=100&project_id=${ctx.project.id}`,
    atLeast: 2,
  },
  {
    route: "/platform/teams/{team_id}/environments",
    path: () => `/teams/${ctx.team.id}/environments?limit=100&order=asc&before=environment_0SEED000000000000000010000`,
    atLeast: 100,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}",
    path: () => `/teams/${ctx.team.id}/environments/environment_0SEED000000000000000012345`,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}/api_keys",
    path: () => `/teams/${ctx.team.id}/environments/${ids.staging}/api_keys`,
    atLeast: 1,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}/signing_keys",
    path: () => `/teams/${ctx.team.id}/environments/${ids.staging}/signing_keys`,
    atLeast: 1,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}/applications",
    path: () => `/teams/${ctx.team.id}/environments/${ids.staging}/applications`,
    atLeast: 1,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}/branding",
    path: () => `/teams/${ctx.team.id}/environments/${ids.staging}/branding`,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}/feature_flags",
    path: () => `/teams/${ctx.team.id}/projects/${ctx.project.id}/feature_flags`,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}/audit_log_schemas",
    path: () => `/teams/${ctx.team.id}/projects/${ctx.project.id}/audit_log_schemas`,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}/email_domains",
    path: () => `/teams/${ctx.team.id}/projects/${ctx.project.id}/email_domains`,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}/email_domains/{email_domain_id}",
    path: () => `/teams/${ctx.team.id}/projects/${ctx.project.id}/email_domains/${ids.emailDomain}`,
  },
  {
    route: "/platform/teams/{team_id}/projects/{project_id}/feature_flags/{slug}",
    path: () => `/teams/${ctx.team.id}/projects/${ctx.project.id}/feature_flags/seeded-flag`,
  },
  {
    route: "/platform/teams/{team_id}/environments/{environment_id}/applications/{application_id}",
    path: () => `/teams/${ctx.team.id}/environments/${ids.staging}/applications/${ids.application}`,
  },
  { route: "/platform/teams/{team_id}/members", path: () => `/teams/${ctx.team.id}/members` },
  { route: "/platform/teams/{team_id}/invitations", path: () => `/teams/${ctx.team.id}/invitations`, atLeast: 2 },
  { route: "/platform/teams/{team_id}/invitations", path: () => `/teams/${ctx.team.id}/invitations?state=pending`, atLeast: 2 },
  {
    route: "/platform/teams/{team_id}/invitations/{invitation_id}",
    path: () => `/teams/${ctx.team.id}/invitations/${ids.invitation}`,
  },
];

const ENVIRONMENT_API: Line[] = [
  { route: "/user_management/users", path: () => "/user_management/users?limit=100", atLeast: 100 },
  { route: "/user_management/users", path: () => "/user_management/users?email=u012345@seed.test", atLeast: 1 },
  {
    route: "/user_management/users",
    path: () => "/user_management/users?organization_id=org_0SEED000000000000000000000&limit=100",
    atLeast: 100,
    // The one exception to "returned + 4": each membership, then its user (202 read for 100). Measured in
    // workerd: walking the covering (organization_id, user_id) index bills 1 row per entry, a user by primary key
    // 1 more, an IN list of user ids 2 per key; no order of the two lookups bills less. Fitting the bound would
    // mean copying every user into each of their memberships (rewritten on every user update).
    seeks: perItem,
  },
  {
    route: "/user_management/users",
    path: () => "/user_management/users?organization_id=org_0SEED000000000000000000000&email=u001999@seed.test",
    atLeast: 1,
  },
  {
    route: "/user_management/users",
    path: () => "/user_management/users?organization_id=org_0SEED000000000000000000000&email=u045000@seed.test",
  },
  { route: "/user_management/users/{id}", path: () => "/user_management/users/user_0SEED000000000000000004321" },
  { route: "/user_management/users/external_id/{external_id}", path: () => "/user_management/users/external_id/ext-1" },
  { route: "/organizations", path: () => "/organizations?limit=100", atLeast: 100 },
  {
    route: "/organizations",
    path: () => "/organizations?limit=100&order=asc&after=org_0SEED000000000000000005000",
    atLeast: 100,
  },
  {
    route: "/organizations",
    path: () => "/organizations?domains[]=o000042.seed.test&domains[]=o009000.seed.test",
    atLeast: 2,
    seeks: () => 2 * 2 /* per domain asked: its IN-list seek */,
  },
  { route: "/organizations/{id}", path: () => "/organizations/org_0SEED000000000000000000777" },
  { route: "/organizations/external_id/{external_id}", path: () => "/organizations/external_id/ext-org-1" },
  {
    route: "/user_management/organization_memberships",
    path: () => "/user_management/organization_memberships?user_id=user_0SEED000000000000000000005",
    atLeast: 1,
    shown: organizationsNamed,
  },
  {
    route: "/user_management/organization_memberships",
    path: () => "/user_management/organization_memberships?user_id=user_0SEED000000000000000000005&statuses=pending",
  },
  {
    route: "/user_management/organization_memberships",
    path: () => "/user_management/organization_memberships?user_id=user_0SEED000000000000000000005&statuses=pending,inactive",
  },
  {
    route: "/user_management/organization_memberships",
    path: () => "/user_management/organization_memberships?organization_id=org_0SEED000000000000000000000&limit=100",
    atLeast: 100,
    shown: organizationsNamed,
  },
  {
    route: "/user_management/organization_memberships",
    path: () => "/user_management/organization_memberships?organization_id=org_0SEED000000000000000000000&statuses=pending",
  },
  {
    route: "/user_management/organization_memberships",
    path: () =>
      "/user_management/organization_memberships?organization_id=org_0SEED000000000000000000000&statuses=active,pending&limit=100",
    atLeast: 100,
    shown: organizationsNamed,
  },
  {
    route: "/user_management/organization_memberships/{id}",
    path: () => "/user_management/organization_memberships/om_0SEED000000000000000000010",
    shown: organizationsNamed,
  },
  { route: "/connections", path: () => "/connections?limit=100", atLeast: 100 },
  {
    route: "/connections",
    path: () => "/connections?domain=o000005.seed.test",
    atLeast: 1,
  },
  { route: "/connections", path: () => "/connections?connection_type=OktaSAML" },
  {
    route: "/connections",
    path: () => "/connections?connection_type=GenericSAML&limit=100",
    atLeast: 100,
  },
  {
    route: "/connections",
    path: () => "/connections?organization_id=org_0SEED000000000000000000009",
    atLeast: 1,
  },
  { route: "/connections/{id}", path: () => "/connections/conn_0SEED000000000000000000009" },
  { route: "/events", path: () => "/events?limit=100", atLeast: 100 },
  { route: "/events", path: () => "/events?events=connection.activated,user.deleted" },
  { route: "/events", path: () => "/events?events=user.created,organization.created&limit=100", atLeast: 100 },
  { route: "/events", path: () => "/events?events=user.created&organization_id=org_0SEED000000000000000000000", atLeast: 1 },
  { route: "/events", path: () => "/events?organization_id=org_0SEED000000000000000000000", atLeast: 2 },
  {
    route: "/events",
    path: () =>
      `/events?range_start=${new Date(Date.now() - 2 * 86_400_000).toISOString()}&range_end=${new Date().toISOString()}&limit=100`,
    atLeast: 100,
  },
  {
    route: "/events",
    path: () => `/events?events[]=user.created&range_start=${new Date(Date.now() - 2 * 86_400_000).toISOString()}&limit=100`,
    atLeast: 100,
  },
  ...RESOURCE_FIXTURES.flatMap((f) => f.rowsRead.map((l) => ({ ...l, path: () => l.path(registered[f.name]) }))),
  { route: "/feature-flags", path: () => "/feature-flags", d1: perItem },
  { route: "/feature-flags/{slug}", path: () => "/feature-flags/seeded-flag", d1: perItem },
  { route: "/organizations/{id}/feature-flags", path: () => "/organizations/org_0SEED000000000000000000001/feature-flags" },
  {
    route: "/user_management/users/{id}/feature-flags",
    path: () => "/user_management/users/user_0SEED000000000000000000001/feature-flags",
  },
  { route: "/sdk/feature-flags", path: () => "/sdk/feature-flags", d1: flagDefinitions },
  {
    route: "/user_management/users/{id}/sessions",
    path: () => "/user_management/users/user_0SEED000000000000000000001/sessions",
  },
  { route: "/audit_logs/actions", path: () => "/audit_logs/actions", atLeast: 1, d1: perItem },
  {
    route: "/audit_logs/actions/{action}/schemas",
    path: () => "/audit_logs/actions/seeded.action/schemas",
    atLeast: 1,
    d1: perItem,
  },
  { route: "/user_management/magic_auth/{id}", path: () => `/user_management/magic_auth/${ids.magicAuth}` },
  { route: "/user_management/password_reset/{id}", path: () => `/user_management/password_reset/${ids.passwordReset}` },
  {
    route: "/user_management/email_verification/{id}",
    path: () => `/user_management/email_verification/${ids.emailVerification}`,
  },
  {
    route: "/user_management/users/{id}/identities",
    path: () => "/user_management/users/user_0SEED000000000000000004321/identities",
  },
  { route: "/user_management/invitations", path: () => "/user_management/invitations?limit=100", atLeast: 100 },
  {
    route: "/user_management/invitations",
    path: () => "/user_management/invitations?limit=100&organization_id=org_0SEED000000000000000000001",
    atLeast: 100,
  },
  { route: "/user_management/invitations", path: () => "/user_management/invitations?email=i000777@seed.test", atLeast: 1 },
  {
    route: "/user_management/invitations/by_token/{token}",
    path: () => `/user_management/invitations/by_token/${ids.invitationToken}`,
  },
  { route: "/user_management/invitations/{id}", path: () => `/user_management/invitations/${ids.userInvitation}` },
];

// The seeded events carry `{}` as their data (this file measures reads, not shapes): their answers are left out of
// the response check (test/workers/check-responses.ts); every other answer of this file is checked as usual.
afterAll(() => {
  const kept = recorded.filter((r) => r.path !== "/events");
  recorded.splice(0, recorded.length, ...kept);
});

describe("rows read per request at scale (20,000 environments; 50,000 users, 10,000 organizations, 20,000 memberships, events)", () => {
  const measured: string[] = [];
  afterAll(() => console.log(`rows read per request:\n${measured.join("\n")}`));

  beforeAll(async () => {
    s = await session();
    ctx = await newTeam(s);
    ids.staging = ctx.environments[0].id;
    const took = await seed(ctx.team.id, ids.staging);
    measured.push(`(seeded the environment's object in ${took} ms)`);
    // The environment's data is in its object, none of it in D1: what is measured below is the object's.
    const [totals] = await storeSql<Record<string, number>>(ids.staging, "SELECT * FROM environment_totals");
    expect(totals).toMatchObject({ users: USERS, organizations: ORGANIZATIONS, connections: CONNECTIONS });
    expect(await d1("SELECT id FROM users WHERE environment_id = ? LIMIT 1", ids.staging)).toEqual([]);
    api = envApi(await mintKey(s, ctx.team.id, ids.staging));
    expect(
      (await s.put(`/teams/${ctx.team.id}/billing`, { billing_email: "b@seed.test", payment_method: "4242424242424242" })).status,
    ).toBe(200);
    // A few rows created through the API, for the gets that need them.
    expect((await api.post("/user_management/users", { email: "ext@seed.test", external_id: "ext-1" })).status).toBe(201);
    expect((await api.post("/organizations", { name: "Ext", external_id: "ext-org-1" })).status).toBe(201);
    for (const f of RESOURCE_FIXTURES) registered[f.name] = await f.create(api, "seed");
    expect(
      (await s.post(`/teams/${ctx.team.id}/projects/${ctx.project.id}/feature_flags`, { slug: "seeded-flag", name: "Seeded" }))
        .status,
    ).toBe(201);
    expect((await api.post("/audit_logs/actions/seeded.action/schemas", { targets: [{ type: "team" }] })).status).toBe(201);
    const domain = await s.post(`/teams/${ctx.team.id}/projects/${ctx.project.id}/email_domains`, { domain: "mail.seed.test" });
    expect(domain.status).toBe(201);
    ids.emailDomain = domain.body.id;
    ids.application = (await s.get(`/teams/${ctx.team.id}/environments/${ids.staging}/applications`)).body.data[0].id;
    const invitation = await s.post(`/teams/${ctx.team.id}/invitations`, { email: "dev@seed.test", role_slug: "member" });
    expect(invitation.status).toBe(201);
    ids.invitation = invitation.body.id;
    // One of each one-time object of the environment's users.
    ids.magicAuth = (await api.post("/user_management/magic_auth", { email: "ext@seed.test" })).body.id;
    ids.passwordReset = (await api.post("/user_management/password_reset", { email: "ext@seed.test" })).body.id;
    const ext = (await api.get("/user_management/users?email=ext@seed.test")).body.data[0];
    expect((await api.post(`/user_management/users/${ext.id}/email_verification/send`, {})).status).toBe(200);
    [{ id: ids.emailVerification }] = await sql<{ id: string }>("SELECT id FROM email_verifications WHERE user_id = ?", ext.id);
    const userInvitation = await api.post("/user_management/invitations", { email: "invitee@seed.test" });
    expect(userInvitation.status).toBe(201);
    ids.userInvitation = userInvitation.body.id;
    ids.invitationToken = userInvitation.body.token;
    const [{ count }] = await sql<{ count: number }>("SELECT count(*) AS count FROM environments WHERE team_id = ?", ctx.team.id);
    expect(count).toBeGreaterThanOrEqual(PROJECTS * ENVIRONMENTS_PER_PROJECT);
  }, 120_000);

  const answered = (label: string, line: Line, r: Answer) => {
    expect(r.status, `${label}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
    if (line.atLeast !== undefined) expect(items(r.body), label).toBeGreaterThanOrEqual(line.atLeast);
    return items(r.body) + (line.shown?.(r.body) ?? 0);
  };
  const figures = (read: number, where: string, returned: number) =>
    `${String(read).padStart(6)} read (${where.padEnd(16)}) / ${String(returned).padStart(4)} returned`;

  it.each(PLATFORM.map((l, i) => [`${l.route} (${i})`, l] as const))("platform GET %s", async (_, line) => {
    const label = `GET /platform${line.path()}`;
    const r = await s.get(line.path());
    const returned = answered(label, line, r);
    // The control plane in D1, and an environment's data in its object when the route reads some: both count.
    const read = rowsRead(r) + storeRowsRead(r);
    measured.push(`${figures(read, `D1 ${rowsRead(r)} + store ${storeRowsRead(r)}`, returned)}  ${label}`);
    expect(read, label).toBeLessThanOrEqual(returned + (line.seeks?.(r.body) ?? 0) + 4);
  });

  it.each(ENVIRONMENT_API.map((l, i) => [`${l.route} (${i})`, l] as const))("environment API GET %s", async (_, line) => {
    const label = `GET ${line.path()}`;
    // The second request is the one measured; the first fills the per-isolate key cache (emptied here, so that its
    // D1 figure is the key's own lookup). Both read D1 only for the key and the project-level configuration it names.
    keyCache.entries.clear();
    const first = await api.get(line.path());
    const r = await api.get(line.path());
    const returned = answered(label, line, r);
    measured.push(`${figures(storeRowsRead(r), `object; D1 ${rowsRead(first)}/${rowsRead(r)}`, returned)}  ${label}`);
    // Served in the environment's object, in one RPC: the bound holds there.
    expect(r.headers.get("X-Store-Calls"), label).toBe("1");
    expect(storeRowsRead(r), label).toBeLessThanOrEqual(returned + (line.seeks?.(r.body) ?? 0) + 4);
    for (const answer of [first, r])
      expect(rowsRead(answer), label).toBeLessThanOrEqual(KEY_LOOKUP + (line.d1?.(answer.body) ?? 0));
  });

  it("usage: one page of projects reads its environments and their counters in a bounded number of queries", async () => {
    const r = await s.get(`/teams/${ctx.team.id}/usage?limit=10`);
    expect(r.status).toBe(200);
    const lines = r.body.lines.length;
    // The default project (2 environments, its id sorts first) and 9 seeded projects.
    expect(lines).toBeGreaterThanOrEqual(10 + 2 + 9 * ENVIRONMENTS_PER_PROJECT);
    expect(r.body.list_metadata.after).toEqual(expect.any(String));
    measured.push(
      `${String(rowsRead(r)).padStart(6)} read / ${String(lines).padStart(4)} lines     GET /platform/teams/:id/usage?limit=10`,
    );
    // Per environment line: the environment and at most 3 counters of the period (none are seeded here).
    expect(rowsRead(r)).toBeLessThanOrEqual(lines * 4 + 4);
    expect(Number(r.headers.get("X-D1-Queries") ?? 0)).toBeLessThanOrEqual(5);
  });

  it("the dashboard's team page: the environments of a page of projects, never the team's 20,000", async () => {
    const metrics = newMetrics();
    const projectIds = Array.from({ length: 3 }, (_, i) => `project_0SEED${String(i + 20).padStart(21, "0")}`);
    const envs = await environmentsOfProjects(openDatabase(env, metrics), await teamRowOf(ctx.team.id), projectIds);
    expect(envs).toHaveLength(3 * ENVIRONMENTS_PER_PROJECT);
    measured.push(
      `${String(metrics.rowsRead).padStart(6)} read / ${String(envs.length).padStart(4)} returned  environmentsOfProjects (3 projects; dashboard team page)`,
    );
    // One seek per project: D1 bills the step that ends each (see `seeks`).
    expect(metrics.rowsRead).toBeLessThanOrEqual(envs.length + 2 * projectIds.length + 4);
  });

  it("query plans: the services' list and get queries never SCAN a big table (EXPLAIN QUERY PLAN)", async () => {
    // Records every statement the services run (with its bindings), then asks SQLite for each one's plan where it
    // ran: the control plane's in D1, the environment's data in its object.
    const recordingOf = (recorded: { sql: string; args: unknown[] }[]) =>
      new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "prepare")
            return (query: string) => {
              const stmt = target.prepare(query);
              const entry = { sql: query, args: [] as unknown[] };
              recorded.push(entry);
              return new Proxy(stmt, {
                get(t, p) {
                  if (p === "bind")
                    return (...args: unknown[]) => {
                      entry.args = args;
                      return t.bind(...args);
                    };
                  const v = Reflect.get(t, p);
                  return typeof v === "function" ? v.bind(t) : v;
                },
              });
            };
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    const inD1: { sql: string; args: unknown[] }[] = [];
    const inStore: { sql: string; args: unknown[] }[] = [];
    const db = drizzle(recordingOf(inD1), { schema });
    const stub = storeStub(env, ids.staging);
    // The environment's object as the services reach it (storeOf's client), each statement recorded on its way.
    const store = storeClient(
      async (sql, params, method) => {
        inStore.push({ sql, args: params });
        return storeAnswered(await stub.query(ids.staging, { sql, params, method }));
      },
      async (queries) => {
        inStore.push(...queries.map((q) => ({ sql: q.sql, args: q.params })));
        return storeAnswered(await stub.batch(ids.staging, queries));
      },
    );
    const teamRow = await teamRowOf(ctx.team.id);
    const list = { limit: 100, order: "desc" as const };
    const E = ids.staging;
    const ORG = "org_0SEED000000000000000000000";
    await listEnvironments(db, teamRow, { ...list, project_id: "project_0SEED000000000000000000003" });
    await environmentsOfProjects(db, teamRow, ["project_0SEED000000000000000000003"]);
    await teamUsage(db, pricingOf(env), teamRow, "2026-01", { limit: 10 });
    await listUsers(store, E, { ...list, organization_id: ORG, email: "u001999@seed.test" });
    await listUsers(store, E, { ...list, email: "u001999@seed.test" });
    await listMemberships(store, E, { ...list, user_id: "user_0SEED000000000000000000005", statuses: ["pending", "inactive"] });
    await listMemberships(store, E, { ...list, organization_id: ORG, statuses: ["pending"] });
    await listMemberships(store, E, { ...list, statuses: ["pending"] });
    await listEvents(store, E, { ...list, events: ["user.deleted", "connection.activated"] });
    await listConnections(store, E, { ...list, domain: "o000005.seed.test" });
    await listConnections(store, E, { ...list, connection_type: "OktaSAML" });
    await listOrganizations(store, E, list);
    await getOrganization(store, E, "org_0SEED000000000000000000777");
    const big = [
      "environments",
      "users",
      "organizations",
      "organization_domains",
      "organization_memberships",
      "events",
      "connections",
      "usage_counters",
    ];
    const scansOf = async (statements: { sql: string; args: unknown[] }[], where: "D1" | "object") => {
      const scans: string[] = [];
      for (const r of statements) {
        const query = `EXPLAIN QUERY PLAN ${r.sql}`;
        const plan =
          where === "object"
            ? await storeSql<{ detail: string }>(E, query, ...r.args)
            : await d1<{ detail: string }>(query, ...r.args);
        expect(plan.length, r.sql).toBeGreaterThan(0);
        for (const { detail } of plan) {
          const m = detail.match(/^SCAN (\w+)/);
          if (m && big.includes(m[1])) scans.push(`${detail} ← ${r.sql.slice(0, 160)}`);
        }
      }
      return scans;
    };
    expect(inD1.length).toBeGreaterThanOrEqual(3);
    expect(inStore.length).toBeGreaterThanOrEqual(10);
    expect(await scansOf(inD1, "D1")).toEqual([]);
    expect(await scansOf(inStore, "object")).toEqual([]);
    // The check itself catches a filter without an index, on either side.
    const unindexed = [
      { sql: "SELECT * FROM users WHERE environment_id = ? AND name = ? ORDER BY name LIMIT 10", args: [E, "x"] },
      { sql: "SELECT * FROM connections WHERE name = ?", args: ["C"] },
    ];
    expect(await scansOf(unindexed, "object")).toHaveLength(1);
    expect(await scansOf([{ sql: "SELECT * FROM environments WHERE name = ?", args: ["E"] }], "D1")).toHaveLength(1);
  });

  it("a transfer stays flat", async () => {
    const [a, b] = await addEnvironments(s, ctx.team.id, "project_0SEED000000000000000000001", 2);
    const metrics = newMetrics();
    const db = openDatabase(env, metrics);
    await applyTransfer(
      db,
      {
        teamId: ctx.team.id,
        actor: "measure",
        sourceProjectId: "project_0SEED000000000000000000001",
        environmentIds: [a.id, b.id],
        transferId: newId("transfer"),
        destination: { kind: "new", id: newId("project"), name: "Measured" },
      },
      () => db,
    );
    measured.push(
      `${String(metrics.rowsRead).padStart(6)} read / ${String(metrics.rowsWritten).padStart(4)} written  transfer of 2 environments out of a 100-environment project (coordinator side)`,
    );
    // (The transfer's own bound belongs to the transfers work; it reads the source project's environments.)
    expect(metrics.rowsRead).toBeLessThanOrEqual(2 * ENVIRONMENTS_PER_PROJECT + 60);
  });

  it("sign-in's open routes: a password sign-in, the JWKS, discovery and userinfo read a handful of rows", async () => {
    expect(
      (await api.post("/user_management/users", { email: "signin@seed.test", password: "correct horse battery" })).status,
    ).toBe(201);
    const clientId = ctx.environments[0].client_id;
    const signIn = await call("POST", "/user_management/authenticate", {
      body: { client_id: clientId, grant_type: "password", email: "signin@seed.test", password: "correct horse battery" },
    });
    expect(signIn.status).toBe(200);
    // The application, its environment and team (D1); the throttle's counts, the user, the signing key, flags and
    // memberships (the environment's object): both sides count.
    const both = (r: Answer) => rowsRead(r) + storeRowsRead(r);
    const where = (r: Answer) => `D1 ${rowsRead(r)} + store ${storeRowsRead(r)}`;
    measured.push(`${figures(both(signIn), where(signIn), 1)}  POST /user_management/authenticate (password)`);
    expect(both(signIn)).toBeLessThanOrEqual(30);
    for (const [label, path, token] of [
      ["GET /sso/jwks/{client_id}", `/sso/jwks/${clientId}`, undefined],
      [
        "GET {issuer}/.well-known/openid-configuration",
        `/user_management/${clientId}/.well-known/openid-configuration`,
        undefined,
      ],
      ["GET {issuer}/oauth2/userinfo", `/user_management/${clientId}/oauth2/userinfo`, signIn.body.access_token],
    ] as const) {
      const r = await call("GET", path, { token });
      expect(r.status, label).toBe(200);
      measured.push(`${figures(both(r), where(r), 1)}  ${label}`);
      // The application with its environment and team (3), keys (1–2), the session and the user.
      expect(both(r), label).toBeLessThanOrEqual(8);
    }
  });

  it("the operator's routes: a page of environments by data location, and a move's progress", async () => {
    const operator = { Authorization: `Bearer ${env.OPERATOR_TOKEN}` };
    for (const [query, returned] of [
      ["data_location=d1&limit=100", 100],
      ["data_location=moving&limit=100", 0],
      ["data_location=object&limit=100", 1],
    ] as const) {
      const r = await call("GET", `/operator/environments?${query}`, { headers: operator });
      expect(r.status).toBe(200);
      expect(r.body.data.length).toBeGreaterThanOrEqual(returned === 100 ? 100 : 0);
      const read = Number(r.headers.get("X-D1-Rows-Read"));
      measured.push(
        `${String(read).padStart(6)} read / ${String(r.body.data.length).padStart(4)} returned  GET /operator/environments?${query}`,
      );
      expect(read).toBeLessThanOrEqual(r.body.data.length + 4);
    }
    const progress = await call("GET", `/operator/environments/${ids.staging}/move`, { headers: operator });
    expect(progress.status).toBe(200);
    expect(Number(progress.headers.get("X-D1-Rows-Read"))).toBeLessThanOrEqual(1 + 4);
  });

  it("every documented GET route and query parameter is measured", async () => {
    const doc = (await call("GET", "/openapi.json")).body;
    const lines = [
      ...PLATFORM.map((l) => ({ ...l, path: () => `/platform${l.path()}` })),
      ...ENVIRONMENT_API,
      // Measured by their own cases above.
      { route: "/operator/environments", path: () => "/x?data_location=d1" },
      { route: "/operator/environments/{environment_id}/move", path: () => "/x" },
      { route: "/platform/teams/{team_id}/usage", path: () => `/platform/teams/x/usage?period=2026-01&limit=10&after=project_x` },
      { route: "/sso/jwks/{client_id}", path: () => "/sso/jwks/x" },
      { route: "/user_management/{client_id}/.well-known/openid-configuration", path: () => "/x" },
      { route: "/user_management/{client_id}/oauth2/userinfo", path: () => "/x" },
    ];
    const missing: string[] = [];
    for (const [route, item] of Object.entries<Json>(doc?.paths ?? {})) {
      if (!item.get) continue;
      const mine = lines.filter((l) => l.route === route);
      if (mine.length === 0) {
        missing.push(route);
        continue;
      }
      const bare = (name: string) => name.replace(/\[\]$/, "");
      const used = new Set(mine.flatMap((l) => [...new URL(`http://x${l.path()}`).searchParams.keys()].map(bare)));
      for (const p of item.get.parameters ?? [])
        if (p.in === "query" && !["limit", "order", "before", "after"].includes(p.name) && !used.has(bare(p.name)))
          missing.push(`${route}?${p.name}`);
    }
    expect(missing).toEqual([]);
  });
});
