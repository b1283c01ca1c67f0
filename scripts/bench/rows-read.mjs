// Rows read versus rows returned for every GET of the three surfaces. D1 bills rows scanned: an index seek
// reads about what it returns, a scan reads the table. The bound allows the returned rows plus 4 (the key or
// token's lookup, the team, the environment, a parent row).
import { discoverGetRoutes } from "./routes.mjs";

const SLACK = 4;

/**
 * Rows a request may read besides its returned rows and SLACK, each with why (the same allowances as the tests:
 * test/workers/rows-read.test.ts `seeks`, test/workers/dashboard-rows-read.test.ts `seeks`). A request without
 * one is held to returned + 4.
 */
const ALLOWANCES = {
  usageLines: {
    why: "a report, O(environments): each environment line's counter seek, and 3 per project (the page of projects read twice in the batch, and the end of its environments' range)",
    rows: (res) => {
      const lines = res.json().lines;
      const projects = lines.filter((l) => l.type === "project").length;
      return lines.length - projects + 3 * projects;
    },
  },
  billingLines: {
    why: "billing, the usage of a page of projects: each environment line's counter seek, and 3 per project",
    rows: (res) =>
      (res.text.match(/<td>[^<]*<span class="muted">(production|staging)<\/span>/g) ?? []).length +
      3 * (res.text.match(/data-usage-project=/g) ?? []).length,
  },
  membershipThenUser: {
    why: "users of an organization: its membership row, then the user's (D1 bills both; no index-only path is cheaper)",
    rows: (res) => rowsReturned(res),
  },
  reviewPage: {
    why: "the transfer review, 4 per moving environment (as test/workers/dashboard-rows-read.test.ts): its environment_totals row in its store (what it holds, kept by triggers), its keys' row in D1 and one range seek for its keys whose expiry is still ahead, and its data_location (where that store is); an environment in D1 reads its totals from D1",
    rows: (res) => 4 * (res.text.match(/data-moving=/g) ?? []).length,
  },
  configPage: {
    why: "project configuration: each flag's state in each environment shown, one primary-key seek each (one query)",
    rows: (res) => (res.text.match(/data-flag-env=/g) ?? []).length,
  },
  sourcePicker: {
    why: "the source picker: its projects' configuration checked in one query over their ids (a JSON array, a row each), not one query per project",
    rows: (res) => (res.text.match(/data-source=/g) ?? []).length + 1,
  },
  environmentPage: { why: "the sidebar's list of the project's environments: one row past its end", rows: () => 1 },
  brandingPage: { why: "the sidebar's end, and the environment's branding row", rows: () => 2 },
  connectionsPage: { why: "the sidebar's end, and the organizations its form offers (their end)", rows: () => 2 },
};

/**
 * Concrete requests, each naming the route it exercises. `r` names seeded rows (seed.mjs); `s` the rows made
 * through the API before measuring (fixtures in index.mjs): the big environment's project and its configuration.
 */
function requests(r, s) {
  const team = `/platform/teams/${r.team}`;
  const env = `${team}/environments/${r.bigEnvironment}`;
  const project = `${team}/projects/${s.bigProject}`;
  const dash = `/dashboard/teams/${r.team}`;
  const bigOrg = r.bigOrganization;
  return [
    ["platform", "/platform/teams", "/platform/teams"],
    ["platform", "/platform/teams/:team_id", team],
    ["platform", "/platform/teams/:team_id/billing", `${team}/billing`],
    ["platform", "/platform/teams/:team_id/usage", `${team}/usage`, "usageLines"],
    ["platform", "/platform/teams/:team_id/events", `${team}/events?limit=100`],
    ["platform", "/platform/teams/:team_id/projects", `${team}/projects?limit=100`],
    ["platform", "/platform/teams/:team_id/projects/:project_id", project],
    ["platform", "/platform/teams/:team_id/transfers", `${team}/transfers?limit=100`],
    ["platform", "/platform/teams/:team_id/environments", `${team}/environments?limit=100`],
    ["platform", "/platform/teams/:team_id/environments", `${team}/environments?project_id=${r.project(3)}&limit=100`],
    ["platform", "/platform/teams/:team_id/environments/:environment_id", env],
    ["platform", "/platform/teams/:team_id/environments/:environment_id/api_keys", `${env}/api_keys`],
    ["platform", "/platform/teams/:team_id/environments/:environment_id/applications", `${env}/applications`],
    [
      "platform",
      "/platform/teams/:team_id/environments/:environment_id/applications/:application_id",
      `${env}/applications/${r.bigEnvironmentApplication}`,
    ],
    ["platform", "/platform/teams/:team_id/environments/:environment_id/branding", `${env}/branding`],
    ["platform", "/platform/teams/:team_id/members", `${team}/members`],
    ["platform", "/platform/teams/:team_id/invitations", `${team}/invitations`],
    ["platform", "/platform/teams/:team_id/invitations/:invitation_id", `${team}/invitations/${s.invitation}`],
    ["platform", "/platform/teams/:team_id/projects/:project_id/feature_flags", `${project}/feature_flags`],
    ["platform", "/platform/teams/:team_id/projects/:project_id/feature_flags/:slug", `${project}/feature_flags/${s.flagSlug}`],
    ["platform", "/platform/teams/:team_id/projects/:project_id/audit_log_schemas", `${project}/audit_log_schemas`],
    ["platform", "/platform/teams/:team_id/projects/:project_id/email_domains", `${project}/email_domains`],
    [
      "platform",
      "/platform/teams/:team_id/projects/:project_id/email_domains/:email_domain_id",
      `${project}/email_domains/${s.emailDomain}`,
    ],
    ["environment", "/organizations", "/organizations?limit=100"],
    ["environment", "/organizations/:id", `/organizations/${r.organization(1)}`],
    ["environment", "/organizations/external_id/:external_id", "/organizations/external_id/ext-org-1"],
    ["environment", "/organizations/:id/feature-flags", `/organizations/${bigOrg}/feature-flags`],
    ["environment", "/user_management/users", "/user_management/users?limit=10"],
    ["environment", "/user_management/users", `/user_management/users?organization_id=${bigOrg}&email=${r.email(9)}`],
    ["environment", "/user_management/users", `/user_management/users?organization_id=${bigOrg}&limit=100`, "membershipThenUser"],
    ["environment", "/user_management/users", `/user_management/users?email=${r.email(9)}`],
    ["environment", "/user_management/users/:id", `/user_management/users/${r.user(9)}`],
    ["environment", "/user_management/users/external_id/:external_id", "/user_management/users/external_id/ext-user-9"],
    ["environment", "/user_management/users/:id/feature-flags", `/user_management/users/${r.user(9)}/feature-flags`],
    [
      "environment",
      "/user_management/organization_memberships",
      `/user_management/organization_memberships?user_id=${r.userWithPendingMembership}&statuses=pending`,
    ],
    [
      "environment",
      "/user_management/organization_memberships",
      `/user_management/organization_memberships?organization_id=${bigOrg}&limit=100`,
    ],
    [
      "environment",
      "/user_management/organization_memberships/:id",
      `/user_management/organization_memberships/${r.membership(9)}`,
    ],
    ["environment", "/connections", "/connections?limit=100"],
    ["environment", "/connections", `/connections?domain=${r.domainOfConnection(5)}`],
    ["environment", "/connections", "/connections?connection_type=OktaSAML&limit=100"],
    ["environment", "/connections/:id", `/connections/${r.connection(5)}`],
    ["environment", "/webhook_endpoints", "/webhook_endpoints"],
    ["environment", "/webhook_endpoints/:id", `/webhook_endpoints/${s.webhookEndpoint}`],
    ["environment", "/events", "/events?events=user.created,organization.created&limit=100"],
    ["environment", "/events", "/events?limit=100"],
    ["environment", "/events", `/events?organization_id=${r.organization(1)}`],
    ["environment", "/feature-flags", "/feature-flags"],
    ["environment", "/feature-flags/:slug", `/feature-flags/${s.flagSlug}`],
    ["environment", "/sdk/feature-flags", "/sdk/feature-flags"],
    ["environment", "/audit_logs/actions", "/audit_logs/actions"],
    ["environment", "/audit_logs/actions/:action/schemas", `/audit_logs/actions/${s.auditAction}/schemas`],
    ["dashboard", "/dashboard/sign-in", "/dashboard/sign-in"],
    ["dashboard", "/dashboard", "/dashboard"],
    ["dashboard", "/dashboard/teams/:team_id", dash],
    ["dashboard", "/dashboard/teams/:team_id/billing", `${dash}/billing`, "billingLines"],
    ["dashboard", "/dashboard/teams/:team_id/transfers", `${dash}/transfers`],
    ["dashboard", "/dashboard/teams/:team_id/projects/new", `${dash}/projects/new`, "sourcePicker"],
    [
      "dashboard",
      "/dashboard/teams/:team_id/projects/new/transfer",
      `${dash}/projects/new/transfer?name=Next&source_project_id=${r.project(3)}`,
    ],
    [
      "dashboard",
      "/dashboard/teams/:team_id/environments/:environment_id",
      `${dash}/environments/${r.bigEnvironment}`,
      "environmentPage",
    ],
    [
      "dashboard",
      "/dashboard/teams/:team_id/projects/:project_id/config",
      `${dash}/projects/${s.bigProject}/config`,
      "configPage",
    ],
    ["dashboard", "/dashboard/favicon.svg", "/dashboard/favicon.svg"],
    ["dashboard", "/dashboard/password-reset", "/dashboard/password-reset"],
    // A link whose token is unknown: the page still looks it up (one index seek).
    ["dashboard", "/dashboard/invitations/accept", "/dashboard/invitations/accept?token=inv_unknown"],
    ["dashboard", "/dashboard/teams/:team_id/activity", `${dash}/activity`],
    ["dashboard", "/dashboard/teams/:team_id/members", `${dash}/members`],
    ["dashboard", "/dashboard/teams/:team_id/projects/:project_id", `${dash}/projects/${r.project(3)}`],
    [
      "dashboard",
      "/dashboard/teams/:team_id/projects/new/review",
      // The big environment (every seeded user, organization and connection) moving out of its project.
      `${dash}/projects/new/review?name=Next&source_project_id=${s.bigProject}&environment_ids=${r.bigEnvironment}&configuration=copy`,
      "reviewPage",
    ],
    ...ENVIRONMENT_TABS.map((tab) => [
      "dashboard",
      `/dashboard/teams/:team_id/environments/:environment_id/${tab}`,
      `${dash}/environments/${r.bigEnvironment}/${tab}`,
      tab === "branding" ? "brandingPage" : tab === "connections" ? "connectionsPage" : "environmentPage",
    ]),
  ].map(([surface, route, path, allowance]) => ({ surface, route, path, allowance }));
}

const ENVIRONMENT_TABS = [
  "applications",
  "branding",
  "connections",
  "directory",
  "events",
  "organizations",
  "settings",
  "users",
  "webhooks",
];

/**
 * What a response returned: a list's `data` (the usage's `lines`); an HTML page's table body rows and the
 * elements it marks `data-row` (a list entry, a sidebar link, an option naming one stored row); otherwise one object.
 */
function rowsReturned(res) {
  if (res.headers.get("Content-Type")?.includes("text/html")) {
    const rows = (res.text.match(/<tr[\s>]/g) ?? []).length - (res.text.match(/<thead[\s>]/g) ?? []).length;
    const marked = (res.text.match(/\sdata-row[\s=>]/g) ?? []).length;
    return Math.max(rows + marked, 1);
  }
  if (!res.headers.get("Content-Type")?.includes("json")) return 1; // an image, a script: one stored thing, or none
  const body = res.json();
  const list = body.data ?? body.lines;
  return Array.isArray(list) ? list.length : 1;
}

/** Measures every request, one at a time; routes the source has but the list lacks come back as unmeasured rows. */
export async function measureRowsRead(surfaces, r, s, repoRoot) {
  const list = requests(r, s);
  const results = [];
  for (const req of list) {
    const res = await surfaces[req.surface].get(req.path);
    const returned = res.status === 200 ? rowsReturned(res) : 0;
    const allowance = req.allowance && res.status === 200 ? ALLOWANCES[req.allowance].rows(res) : 0;
    const bound = returned + allowance + SLACK;
    results.push({
      ...req,
      status: res.status,
      returned,
      rowsRead: res.rowsRead,
      queries: res.queries,
      bound,
      allowance: req.allowance ? { rows: allowance, why: ALLOWANCES[req.allowance].why } : undefined,
      ok: res.status === 200 && res.rowsRead <= bound,
    });
  }
  const measured = new Set(list.map((req) => req.route));
  const missing = discoverGetRoutes(repoRoot).filter((route) => !measured.has(route));
  return { results, missing };
}

/**
 * The environment API's GETs again, on the environment whose data is in its object (`r`'s rows copied there under
 * its id; `s` its own fixtures): rows read counted in the object (X-Store-Rows-Read) against the same bound, and
 * what D1 read for the same request beside it (the key's lookup, cached 5 s per isolate for reads, and the
 * project-level configuration a flag or Audit Log route reads).
 */
export async function measureObjectRowsRead(environment, r, s) {
  const results = [];
  for (const req of requests(r, s).filter((q) => q.surface === "environment")) {
    const res = await environment.get(req.path);
    const returned = res.status === 200 ? rowsReturned(res) : 0;
    const allowance = req.allowance && res.status === 200 ? ALLOWANCES[req.allowance].rows(res) : 0;
    const bound = returned + allowance + SLACK;
    results.push({
      ...req,
      status: res.status,
      returned,
      storeRowsRead: res.storeRowsRead,
      storeCalls: res.storeCalls,
      rowsRead: res.rowsRead,
      queries: res.queries,
      bound,
      allowance: req.allowance ? { rows: allowance, why: ALLOWANCES[req.allowance].why } : undefined,
      ok: res.status === 200 && res.storeRowsRead !== null && res.storeRowsRead <= bound && res.storeCalls === 1,
    });
  }
  return results;
}
