import { beforeAll, describe, expect, it } from "vitest";
import { dashboard } from "../../src/dashboard/index";
import { hashToken } from "../../src/services/people/passwords";
import { CLIENT, d1, newTeam, seedStore, session, worker } from "./helpers";

/**
 * Every dashboard page is index seeks: the rows a GET reads stay at most the stored rows the page shows + SLACK,
 * however big the team. A page reads the control plane in D1 (X-D1-Rows-Read, DB_METRICS=1) and, for an
 * environment's data (its users, organizations, directory, connections, webhooks, events, sessions and signing keys;
 * the transfer review's holdings), the environment's object (X-Store-Rows-Read): both are counted together, against
 * the one bound (a page's rows are what it costs, wherever they are kept; pages that read no environment's data
 * read 0 in any object). A page's rows are what it shows of the database:
 * its table body rows (as the bench counts them) and the elements marked `data-row` (a list entry, a sidebar
 * link, an option naming one stored row).
 *
 * SLACK = 4, the issue's bound: the team (`loadTeam`), and the look-ahead rows that tell a pager or an
 * "All …" link that more follow (one per bounded list on the page; the shell's sidebar has one). Operator
 * sessions are a signed token (no read); a person's adds their membership (measured separately below).
 *
 * Seeded with recursive-CTE INSERTs, the control plane straight into D1: one team of 60 projects × 30 environments;
 * 40 keys and 40 applications of one environment; 150 members, 150 pending invitations, 120 team events,
 * 30 transfers; this month's usage counters of the last 20 projects' environments. That environment's data
 * straight into its object (seedStore): 300 users, 150 organizations (one domain each), 60 connections,
 * 300 events, 30 webhook endpoints, 30 sessions of one user, 2 signing keys.
 *
 * HOW TO ADD A PAGE: add a line to PAGES. `every dashboard GET route has a line` fails while a GET route of the
 * dashboard router (Hono's `routes`) has none.
 *
 * Reproduce: npx vitest run --project workers test/workers/dashboard-rows-read.test.ts
 */
const SLACK = 4;
const PROJECTS = 60;
const ENVIRONMENTS_PER_PROJECT = 30;
/** The last projects, whose environments have usage counters (half of them production: `i % 2`). */
const COUNTED_PROJECTS = 20;
const T = "2026-01-01T00:00:00.000Z";
const ORIGIN = "http://control-plane.test";
const INVITATION_TOKEN = "inv_dashboard_rows_read_token";
const RESET_TOKEN = "pwreset_dashboard_rows_read_token";

const n = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`;
const seeded = (prefix: string, i: number) => `${prefix}_0SEED${String(i).padStart(21, "0")}`;
const printf = (prefix: string, expr = "i") => `printf('${prefix}_0SEED%021d', ${expr})`;

async function seed(teamId: string, environmentId: string) {
  await d1(
    `INSERT INTO projects (id, team_id, name, created_at, updated_at)
    ${n(PROJECTS)} SELECT ${printf("project")}, ?, 'Seeded ' || i, '${T}', '${T}' FROM n`,
    teamId,
  );
  await d1(
    `INSERT INTO environments (id, team_id, project_id, name, production, client_id, created_at, updated_at)
    ${n(PROJECTS * ENVIRONMENTS_PER_PROJECT)}
    SELECT ${printf("environment")}, ?, ${printf("project", `i / ${ENVIRONMENTS_PER_PROJECT}`)}, 'E' || i, i % 2,
      ${printf("client")}, '${T}', '${T}' FROM n`,
    teamId,
  );
  const e = `'${environmentId}'`;
  const now = new Date().toISOString();
  // The environment's keys and applications are the control plane's (D1).
  await d1(`INSERT INTO api_keys (id, environment_id, name, value_hash, value_suffix, created_at, updated_at)
    ${n(40)} SELECT ${printf("api_key")}, ${e}, 'K', printf('hash%d', i), 'abcd', '${T}', '${T}' FROM n`);
  await d1(`INSERT INTO applications (id, environment_id, name, type, client_id, redirect_uris, created_at, updated_at)
    ${n(40)} SELECT ${printf("app")}, ${e}, 'A', 'web', ${printf("client", "100000 + i")}, '[]', '${T}', '${T}' FROM n`);
  // Its data is in its object. The first user's 30 sessions (the page shows 25), and the environment's signing keys:
  // the current one and the previous one, retired a minute ago (placeholders: the page shows only ids and dates).
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const minuteAgo = new Date(Date.now() - 60_000).toISOString();
  await seedStore(environmentId, [
    `INSERT INTO users (id, environment_id, email, email_verified, metadata, created_at, updated_at)
    ${n(300)} SELECT ${printf("user")}, ${e}, printf('u%06d@seed.test', i), 0, '{}', '${T}', '${T}' FROM n`,
    `INSERT INTO organizations (id, environment_id, name, allow_profiles_outside_organization, metadata, created_at, updated_at)
    ${n(150)} SELECT ${printf("org")}, ${e}, printf('Org %d', i), 0, '{}', '${T}', '${T}' FROM n`,
    `INSERT INTO organization_domains (id, environment_id, organization_id, domain, state, verification_strategy, created_at, updated_at)
    ${n(150)} SELECT ${printf("org_domain")}, ${e}, ${printf("org")}, printf('o%06d.seed.test', i), 'verified', 'manual', '${T}', '${T}' FROM n`,
    `INSERT INTO connections (id, environment_id, organization_id, connection_type, name, state, created_at, updated_at)
    ${n(60)} SELECT ${printf("conn")}, ${e}, ${printf("org")}, 'GenericSAML', 'C', 'active', '${T}', '${T}' FROM n`,
    `INSERT INTO events (id, environment_id, event, data, created_at)
    ${n(300)} SELECT ${printf("event")}, ${e}, 'user.created', '{}', '${now}' FROM n`,
    `INSERT INTO webhook_endpoints (id, environment_id, endpoint_url, secret, events, created_at, updated_at)
    ${n(30)} SELECT ${printf("we")}, ${e}, printf('https://hooks.seed.test/%d', i), 's', '["user.created"]', '${T}', '${T}' FROM n`,
    `INSERT INTO user_sessions (id, environment_id, user_id, client_id, auth_method, ip_address, user_agent, refresh_secret, expires_at, created_at, updated_at)
    ${n(30)} SELECT ${printf("session")}, ${e}, '${seeded("user", 0)}', 'client_seed', 'password', '203.0.113.1', 'Seed', 's', '${later}', '${T}', '${T}' FROM n`,
    `INSERT INTO signing_keys (id, environment_id, public_jwk, private_key, created_at, retired_at) VALUES
    ('${seeded("key", 1)}', ${e}, '{"kty":"RSA","n":"x","e":"AQAB"}', 'v1.x.x', '${T}', '${minuteAgo}'),
    ('${seeded("key", 2)}', ${e}, '{"kty":"RSA","n":"x","e":"AQAB"}', 'v1.x.x', '${T}', NULL)`,
  ]);
  await d1(`INSERT INTO people (id, email, name, password_hash, password_salt, password_iterations, created_at, updated_at)
    ${n(150)} SELECT ${printf("person")}, printf('p%06d@seed.test', i), 'P', 'h', 's', 1, '${T}', '${T}' FROM n`);
  await d1(
    `INSERT INTO members (id, team_id, person_id, role, created_at, updated_at)
    ${n(150)} SELECT ${printf("member")}, ?, ${printf("person")}, 'member', '${T}', '${T}' FROM n`,
    teamId,
  );
  const future = new Date(Date.now() + 86_400_000).toISOString();
  await d1(
    `INSERT INTO invitations (id, team_id, email, role, state, token_hash, expires_at, inviter, created_at, updated_at)
    ${n(150)} SELECT ${printf("invitation")}, ?, printf('i%06d@seed.test', i), 'member', 'pending',
      CASE i WHEN 0 THEN ? ELSE printf('hash%d', i) END, '${future}', 'client:seed', '${T}', '${T}' FROM n`,
    teamId,
    await hashToken(INVITATION_TOKEN),
  );
  await d1(
    `INSERT INTO team_events (id, team_id, type, data, actor, created_at)
    ${n(120)} SELECT ${printf("event", "100000 + i")}, ?, 'project.updated', '{"name":"x"}', 'client:seed', '${T}' FROM n`,
    teamId,
  );
  // This month's usage counters of the last 20 projects' environments (none of them on the billing pages measured):
  // the team total covers them through the team's counters, a few rows whatever the number of environments.
  const month = now.slice(0, 7);
  for (const [period, metric, count] of [
    [month, "users", 2],
    ["total", "users", 2],
    [month, "sso_connections", 1],
    ["total", "sso_connections", 1],
    [month, "audit_log_events", 10],
  ] as const)
    await d1(
      `INSERT INTO usage_counters (environment_id, period, metric, n)
      ${n(COUNTED_PROJECTS * ENVIRONMENTS_PER_PROJECT)}
      SELECT ${printf("environment", `${(PROJECTS - COUNTED_PROJECTS) * ENVIRONMENTS_PER_PROJECT} + i`)}, '${period}', '${metric}', ${count} FROM n`,
    );
  // Transfers of 3 environments each, out of project i into project i + 1 (the record only: what the page reads).
  await d1(
    `INSERT INTO transfers (team_id, id, source_project_id, source_project_name, destination_project_id, environment_ids, environment_count, actor, created_at)
    ${n(30)} SELECT ?, ${printf("transfer")}, ${printf("project")}, 'Seeded ' || i, ${printf("project", "i + 1")},
      json_array(${printf("environment", `i * ${ENVIRONMENTS_PER_PROJECT}`)}, ${printf("environment", `i * ${ENVIRONMENTS_PER_PROJECT} + 1`)}, ${printf("environment", `i * ${ENVIRONMENTS_PER_PROJECT} + 2`)}),
      3, 'client:seed', '${T}' FROM n`,
    teamId,
  );
}

/** The stored rows a page shows: table body rows (the bench's count) and elements marked `data-row`. */
function rowsShown(html: string) {
  const tableRows = (html.match(/<tr[\s>]/g) ?? []).length - (html.match(/<thead[\s>]/g) ?? []).length;
  const marked = (html.match(/\sdata-row[\s=>]/g) ?? []).length;
  return tableRows + marked;
}

let cookie: string;
let teamId: string;
let ids: { project: string; environment: string; bigProject: string; invitation: string };

async function get(path: string) {
  const res = await worker(new Request(`${ORIGIN}${path}`, { headers: { Cookie: cookie } }));
  const html = await res.text();
  const d1Read = Number(res.headers.get("X-D1-Rows-Read"));
  const storeRead = Number(res.headers.get("X-Store-Rows-Read"));
  return {
    status: res.status,
    html,
    d1Read,
    storeRead,
    rowsRead: d1Read + storeRead,
    queries: Number(res.headers.get("X-D1-Queries")),
    storeCalls: Number(res.headers.get("X-Store-Calls")),
  };
}

interface Line {
  /** The dashboard route (Hono's path, under /dashboard) it measures. */
  route: string;
  path: () => string;
  /** At least this many rows shown: the line measures a full page, not an empty one that proves nothing. */
  atLeast?: number;
  /** Index steps the page needs besides its rows and SLACK, with why (as rows-read.test.ts's `seeks`). */
  seeks?: (html: string) => number;
  /**
   * Text the page must show (e.g. counts it reads from somewhere else than the rows; on an environment's pages, one
   * of the rows seeded into its object: the shell's own rows alone would meet `atLeast`).
   */
  shows?: string;
}

/**
 * An environment page has a third subject (team, project, environment) and two lists of its own kind: its tab's
 * list and the sidebar's environments of the project, each billed one row past its end (a look-ahead row, or
 * the index step that ends a shorter range).
 */
const environmentPage = () => 1;
/** Applications: also the default application (the preview link's client and redirect URI), one unique-index seek. */
const applicationsPage = () => 2;
/** Settings: also the signing keys, a second list of its own (their range's end). */
const settingsPage = () => 2;
/** A user's sessions: also the user (the page's subject, named in its title). */
const sessionsPage = () => 2;
/** Branding: also the environment's branding row (its form's values), sought even when it has none. */
const brandingPage = () => 2;
/** Connections: also the organizations its form offers, a second list with its look-ahead row. */
const connectionsPage = () => 2;
/** The directory: users and organizations, two lists of its own, each with its look-ahead row. */
const directoryPage = () => 2;
/**
 * Billing: each environment line's counters are one seek into usage_counters (billed a row even when the
 * environment has none), and the batch reads the page of projects twice (its rows, and the IN subquery that
 * selects their environments: 3 rows per project).
 */
const billing = (html: string) =>
  (html.match(/<td>[^<]*<span class="muted">(production|staging)<\/span>/g) ?? []).length +
  3 * (html.match(/data-usage-project=/g) ?? []).length +
  TEAM_COUNTERS;
/**
 * The team's total: its team_usage_counters from the month on, one range: the month's 3 metrics and the 2 running
 * totals (users, SSO connections), whatever the number of environments (here 300 production ones with counters).
 */
const TEAM_COUNTERS = 5;
const TEAM_TOTAL = "production: 600 users, 300 SSO connections, 3000 audit events";

/**
 * The transfer review: each moving environment's holdings (users, organizations, …) are its environment_totals
 * row in its store, one seek per environment (the totals the database keeps with triggers, never COUNT(*)s), and its
 * keys' row in D1 with one range seek for its keys whose expiry is still ahead (an expiry passing writes nothing a
 * trigger could count), and its environments row's data_location (where that store is), a primary-key seek in the
 * same D1 query: 4 per environment. For an environment in its object its totals row is read there (1 store row);
 * for one still in D1 (the seeded environments) it is D1's.
 */
const review = (html: string) => 4 * (html.match(/data-moving=/g) ?? []).length;

/**
 * Project configuration: each flag's state in each environment shown (a toggle button) is one primary-key seek
 * into feature_flag_states, all in one query, billed a row even when the pair has no stored state.
 */
const flagStates = (html: string) => (html.match(/data-flag-env=/g) ?? []).length;

/**
 * The source picker: its projects' configuration is checked in one query over their ids as a JSON array, which D1
 * bills a row each (one query per project would not, but would cost 25 of the 50 queries a Free-plan invocation may make).
 */
const sourcePicker = (html: string) => (html.match(/data-source=/g) ?? []).length + 1;

const team = () => `/dashboard/teams/${teamId}`;
const env = () => `${team()}/environments/${ids.environment}`;
const PAGES: Line[] = [
  { route: "/favicon.svg", path: () => "/dashboard/favicon.svg" },
  { route: "/assets/*", path: () => "/dashboard/assets/dashboard.css" },
  { route: "/sign-in", path: () => "/dashboard/sign-in" },
  { route: "/password-reset", path: () => "/dashboard/password-reset" },
  { route: "/password-reset", path: () => `/dashboard/password-reset?token=${RESET_TOKEN}` },
  { route: "/invitations/accept", path: () => `/dashboard/invitations/accept?token=${INVITATION_TOKEN}` },
  { route: "/", path: () => "/dashboard", atLeast: 1 },
  { route: "/teams/:team_id", path: () => team(), atLeast: 100 },
  { route: "/teams/:team_id", path: () => `${team()}?after=${seeded("project", 20)}`, atLeast: 100 },
  { route: "/teams/:team_id/activity", path: () => `${team()}/activity`, atLeast: 25 },
  { route: "/teams/:team_id/transfers", path: () => `${team()}/transfers`, atLeast: 10 },
  { route: "/teams/:team_id/members", path: () => `${team()}/members`, atLeast: 100 },
  { route: "/teams/:team_id/billing", path: () => `${team()}/billing`, atLeast: 100, seeks: billing, shows: TEAM_TOTAL },
  {
    route: "/teams/:team_id/billing",
    path: () => `${team()}/billing?period=2026-01&after=${seeded("project", 30)}`,
    atLeast: 100,
    seeks: billing,
  },
  { route: "/teams/:team_id/projects/new", path: () => `${team()}/projects/new`, atLeast: 25, seeks: sourcePicker },
  {
    route: "/teams/:team_id/projects/new/transfer",
    path: () => `${team()}/projects/new/transfer?name=Next&source_project_id=${ids.project}`,
    atLeast: 30,
  },
  {
    route: "/teams/:team_id/projects/new/review",
    path: () =>
      `${team()}/projects/new/review?name=Next&source_project_id=${ids.project}&environment_ids=${seeded("environment", 90)}&environment_ids=${seeded("environment", 91)}`,
    atLeast: 2,
    seeks: review,
  },
  {
    // Moving the seeded environment: its holdings (300 users, 150 organizations, …) are one totals row, not COUNT(*)s.
    route: "/teams/:team_id/projects/new/review",
    path: () => `${team()}/projects/new/review?name=Next&source_project_id=${ids.bigProject}&environment_ids=${ids.environment}`,
    atLeast: 1,
    seeks: review,
    shows: "300 users · 150 organizations · 60 connections · 40 keys · 30 webhook endpoints",
  },
  { route: "/teams/:team_id/projects/:project_id", path: () => `${team()}/projects/${ids.project}`, atLeast: 30 },
  {
    route: "/teams/:team_id/projects/:project_id/config",
    path: () => `${team()}/projects/${ids.bigProject}/config`,
    atLeast: 1,
    seeks: flagStates,
  },
  { route: "/teams/:team_id/environments/:environment_id", path: () => env(), atLeast: 20, seeks: environmentPage },
  {
    route: "/teams/:team_id/environments/:environment_id/applications",
    path: () => `${env()}/applications`,
    atLeast: 25,
    seeks: applicationsPage,
  },
  { route: "/teams/:team_id/environments/:environment_id/branding", path: () => `${env()}/branding`, seeks: brandingPage },
  {
    route: "/teams/:team_id/environments/:environment_id/connections",
    path: () => `${env()}/connections`,
    shows: seeded("conn", 59),
    atLeast: 25,
    seeks: connectionsPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/organizations",
    path: () => `${env()}/organizations`,
    shows: "Org 149",
    atLeast: 25,
    seeks: environmentPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/users",
    path: () => `${env()}/users`,
    shows: "u000299@seed.test",
    atLeast: 25,
    seeks: environmentPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/directory",
    path: () => `${env()}/directory`,
    shows: "u000299@seed.test",
    atLeast: 100,
    seeks: directoryPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/webhooks",
    path: () => `${env()}/webhooks`,
    shows: "https://hooks.seed.test/29",
    atLeast: 10,
    seeks: environmentPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/events",
    path: () => `${env()}/events`,
    shows: seeded("event", 299),
    atLeast: 25,
    seeks: environmentPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/users/:user_id/sessions",
    path: () => `${env()}/users/${seeded("user", 0)}/sessions`,
    shows: seeded("session", 29),
    atLeast: 25,
    seeks: sessionsPage,
  },
  {
    route: "/teams/:team_id/environments/:environment_id/settings",
    path: () => `${env()}/settings`,
    shows: seeded("key", 2),
    atLeast: 2,
    seeks: settingsPage,
  },
];

describe("dashboard rows read", { timeout: 60_000 }, () => {
  const measured: string[] = [];

  beforeAll(async () => {
    const res = await worker(
      new Request(`${ORIGIN}/dashboard/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        body: new URLSearchParams({ client_id: CLIENT.id, client_secret: CLIENT.secret }),
      }),
    );
    cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith("cp_session="))!
      .split(";")[0];
    const s = await session();
    const made = await newTeam(s, "Rows");
    teamId = made.team.id;
    await seed(teamId, made.environments[0].id);
    ids = {
      project: seeded("project", 3),
      environment: made.environments[0].id,
      bigProject: made.project.id,
      invitation: seeded("invitation", 0),
    };
    // Project-level configuration, so the config page shows some.
    expect((await s.post(`/teams/${teamId}/projects/${made.project.id}/feature_flags`, { slug: "f1", name: "F1" })).status).toBe(
      201,
    );
    await d1(
      `INSERT INTO password_resets (id, person_id, token_hash, expires_at, created_at)
      VALUES ('pwreset_0SEED000000000000000000000', ?, ?, ?, ?)`,
      seeded("person", 0),
      await hashToken(RESET_TOKEN),
      new Date(Date.now() + 3_600_000).toISOString(),
      T,
    );
  });

  for (const line of PAGES)
    it(
      `${line.route} ${line.path
        .toString()
        .slice(6)
        .replace(/^[^?]*\??/, "")}`.trim(),
      async () => {
        const r = await get(line.path());
        expect(r.status, r.html.slice(0, 500)).toBe(200);
        const shown = rowsShown(r.html);
        const seeks = line.seeks?.(r.html) ?? 0;
        measured.push(
          `${String(r.rowsRead).padStart(6)} read (D1 ${r.d1Read} + store ${r.storeRead}) / ${String(shown).padStart(4)} shown + ${seeks} seeks (${r.queries} queries, ${r.storeCalls} store calls)  ${line.path()}`,
        );
        if (line.atLeast) expect(shown).toBeGreaterThanOrEqual(line.atLeast);
        if (line.shows) expect(r.html).toContain(line.shows);
        expect(r.rowsRead, `${line.path()}: ${r.queries} queries, ${r.storeCalls} store calls`).toBeLessThanOrEqual(
          shown + seeks + SLACK,
        );
      },
    );

  it("every dashboard GET route has a line", () => {
    const routes = new Set(dashboard.routes.filter((r) => r.method === "GET").map((r) => r.path));
    const lined = new Set(PAGES.map((l) => l.route));
    expect([...routes].filter((r) => !lined.has(r))).toEqual([]);
    console.log(measured.join("\n"));
  });
});
