// Seeds a local D1 database at scale, straight into Miniflare's SQLite file (the API would take hours):
// wrangler applies the migrations, then node:sqlite fills every table with INSERT … SELECT over a recursive
// series, in one transaction. Ids are deterministic (ids.mjs), so the bench names rows without querying.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { idsOf, seededId, seededTime } from "./ids.mjs";

/** Bump when the seeded layout changes: an older seed is wiped and made again. */
const SEED_VERSION = 3;
/** Events are listable for 30 days: a seed older than this is made again. */
const MAX_SEED_AGE_MS = 20 * 24 * 3600 * 1000;
const ENVIRONMENTS_PER_PROJECT = 100;
const CHUNK = 100_000;

export const SCALES = { full: 1, small: 0.01 };

/** What the issue asks for, times the scale (`small` = 1/100 for a quick check). */
export function planFor(scale) {
  const factor = SCALES[scale];
  if (!factor) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(", ")}, not ${scale}.`);
  const n = (count) => Math.max(1, Math.round(count * factor));
  return {
    scale,
    projects: n(1_000),
    environments: n(1_000) * ENVIRONMENTS_PER_PROJECT,
    users: n(1_000_000),
    organizations: n(100_000),
    memberships: n(200_000),
    bigOrganizationMembers: n(20_000),
    events: n(200_000),
    connections: n(1_000),
  };
}

/**
 * The rows the bench talks about, by role. Project 0 holds the big environment (its position 1, staging),
 * which holds every user, organization, membership, event and connection. Position 0 of every project is
 * its production environment; the others are staging.
 */
export function namedRows(manifest) {
  const id = idsOf(manifest.epochMs);
  // Environment n, its default application n and its client n share their row number.
  const envNumber = (project, position) => project * ENVIRONMENTS_PER_PROJECT + position;
  return {
    team: id("team", 0),
    project: (p) => id("project", p),
    environment: (project, position) => id("environment", envNumber(project, position)),
    bigEnvironment: id("environment", envNumber(0, 1)),
    bigEnvironmentApplication: id("application", envNumber(0, 1)),
    apiKey: manifest.apiKey,
    organization: (n) => id("organization", n),
    bigOrganization: id("organization", 0),
    user: (n) => id("user", n),
    // Every tenth membership is pending (MEMBERSHIP_COLUMNS); user 9's is one of them.
    userWithPendingMembership: id("user", 9),
    email: (n) => emailOf(n),
    membership: (n) => id("organizationMembership", n),
    connection: (n) => id("connection", n),
    domainOfConnection: (n) => `org${n}.bench.test`,
  };
}

const emailOf = (n) => `user${String(n).padStart(7, "0")}@bench.test`;

/** Seeds `dir` for `scale` unless a current seed is already there; returns its manifest. */
export function ensureSeeded({ dir, scale, clientId, repoRoot }) {
  const manifestPath = path.join(dir, "bench-seed.json");
  const plan = planFor(scale);
  // A new migration changes the schema under the seed: seed again.
  const migrations = readdirSync(path.join(repoRoot, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const sameAs = (manifest) => JSON.stringify([manifest.plan, manifest.migrations]) === JSON.stringify([plan, migrations]);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const fresh = Date.now() - manifest.epochMs < MAX_SEED_AGE_MS;
    if (manifest.version === SEED_VERSION && manifest.clientId === clientId && fresh && sameAs(manifest)) {
      console.log(`Seed: reusing ${dir} (${scale}).`);
      return manifest;
    }
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  applyMigrations(dir, repoRoot);
  const manifest = {
    version: SEED_VERSION,
    plan,
    migrations,
    clientId,
    // Two days ago, so that every seeded row (1M rows, 100 ms apart) lies in the past.
    epochMs: Date.now() - 2 * 24 * 3600 * 1000,
    apiKey: `sk_test_${randomBytes(30).toString("base64url")}`,
  };
  fill(sqliteFileOf(dir), manifest);
  manifest.seedSeconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  console.log(`Seed: done in ${manifest.seedSeconds} s.`);
  return manifest;
}

/** The D1 database's SQLite file under a `--persist-to` directory. */
export function sqliteFileOf(dir) {
  const folder = path.join(dir, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(folder).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`Expected one D1 database in ${folder}, found ${files.length}.`);
  return path.join(folder, files[0]);
}

function applyMigrations(dir, repoRoot) {
  console.log(`Seed: applying migrations into ${dir}…`);
  const result = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], {
    cwd: repoRoot,
    env: { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${result.stdout}\n${result.stderr}`);
}

function fill(file, manifest) {
  const db = new DatabaseSync(file);
  // A throw-away bulk load: durability per statement buys nothing here.
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -512000; PRAGMA temp_store = MEMORY;");
  db.function("bench_id", { deterministic: true }, (kind, n) => seededId(manifest.epochMs, kind, n));
  db.function("bench_time", { deterministic: true }, (n) => seededTime(manifest.epochMs, n));
  db.function("bench_email", { deterministic: true }, emailOf);
  const { plan } = manifest;
  const rows = namedRows(manifest);
  const params = { team: rows.team, env: rows.bigEnvironment, client: manifest.clientId, now: new Date().toISOString() };
  db.exec("BEGIN");
  try {
    insertTeam(db, params);
    const series = (table, count, columns, extra = {}) => insertSeries(db, table, count, columns, { ...params, ...extra });
    series("projects", plan.projects, PROJECT_COLUMNS);
    series("environments", plan.environments, ENVIRONMENT_COLUMNS, { per: ENVIRONMENTS_PER_PROJECT });
    series("applications", plan.environments, APPLICATION_COLUMNS);
    insertApiKey(db, { ...params, key: seededId(manifest.epochMs, "apiKey", 0) }, manifest.apiKey);
    series("users", plan.users, USER_COLUMNS);
    series("organizations", plan.organizations, ORGANIZATION_COLUMNS);
    series("organization_domains", plan.organizations, DOMAIN_COLUMNS);
    series("organization_memberships", plan.memberships, MEMBERSHIP_COLUMNS, {
      big: plan.bigOrganizationMembers,
      orgs: plan.organizations,
    });
    series("events", plan.events, EVENT_COLUMNS, { orgs: plan.organizations });
    series("connections", plan.connections, CONNECTION_COLUMNS);
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  // Fold the WAL into the file, so that copies of the directory are complete.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
}

/** The one team, owned by the bench's platform client, with billing (production active). */
function insertTeam(db, p) {
  db.prepare(
    "INSERT INTO teams (id, owner_client_id, name, admin_email, production_enabled_at, created_at, updated_at) VALUES (:team, :client, 'Bench', 'admin@bench.test', :now, :now, :now)",
  ).run({ team: p.team, client: p.client, now: p.now });
  db.prepare(
    "INSERT INTO team_billing (team_id, billing_email, payment_method, created_at, updated_at) VALUES (:team, 'billing@bench.test', '•••• 4242', :now, :now)",
  ).run({
    team: p.team,
    now: p.now,
  });
}

/** The big environment's secret key, stored as src/services/api-keys.ts stores it: the SHA-256 hex of the value and its last four characters. */
function insertApiKey(db, p, apiKey) {
  db.prepare(
    "INSERT INTO api_keys (id, environment_id, name, value_hash, value_suffix, created_at, updated_at) VALUES (:id, :env, 'Bench', :hash, :suffix, :now, :now)",
  ).run({
    id: p.key,
    env: p.env,
    hash: createHash("sha256").update(apiKey).digest("hex"),
    suffix: apiKey.slice(-4),
    now: p.now,
  });
}

/** INSERT … SELECT over n = 0 … count-1, in chunks so that progress shows. Columns are SQL expressions of n. */
function insertSeries(db, table, count, columns, params) {
  const names = Object.keys(columns);
  const used = (name) => Object.values(columns).some((sql) => sql.includes(`:${name}`));
  // node:sqlite binds a JS number as REAL: n / :per would not be an integer division. BigInts bind as INTEGER.
  const integer = (value) => (typeof value === "number" ? BigInt(value) : value);
  const bound = Object.fromEntries(
    Object.entries(params)
      .filter(([name]) => used(name))
      .map(([name, value]) => [name, integer(value)]),
  );
  const stmt = db.prepare(
    `INSERT INTO ${table} (${names.join(", ")})
     WITH RECURSIVE seq(n) AS (SELECT :from UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < :to)
     SELECT ${Object.values(columns).join(", ")} FROM seq`,
  );
  const started = Date.now();
  for (let from = 0; from < count; from += CHUNK) {
    stmt.run({ ...bound, from: BigInt(from), to: BigInt(Math.min(count, from + CHUNK)) });
    process.stdout.write(
      `\rSeed: ${table} ${Math.min(count, from + CHUNK).toLocaleString("en-US")}/${count.toLocaleString("en-US")}`,
    );
  }
  console.log(` (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const times = { created_at: "bench_time(n)", updated_at: "bench_time(n)" };

const PROJECT_COLUMNS = { id: "bench_id('project', n)", team_id: ":team", name: "'Project ' || (n + 1)", ...times };

const ENVIRONMENT_COLUMNS = {
  id: "bench_id('environment', n)",
  team_id: ":team",
  project_id: "bench_id('project', n / :per)",
  name: "CASE n % :per WHEN 0 THEN 'Production' ELSE 'Staging ' || (n % :per) END",
  production: "n % :per = 0",
  client_id: "bench_id('client', n)",
  ...times,
};

// Every environment starts with its default application, whose client id is the environment's (services/environments.ts).
const APPLICATION_COLUMNS = {
  id: "bench_id('application', n)",
  environment_id: "bench_id('environment', n)",
  name: "'Default application'",
  type: "'web'",
  client_id: "bench_id('client', n)",
  redirect_uris: "'[]'",
  is_default: "1",
  ...times,
};

const USER_COLUMNS = {
  id: "bench_id('user', n)",
  environment_id: ":env",
  email: "bench_email(n)",
  first_name: "'User'",
  last_name: "printf('%07d', n)",
  email_verified: "1",
  external_id: "'ext-user-' || n",
  metadata: "'{}'",
  ...times,
};

const DOMAIN_COLUMNS = {
  id: "bench_id('organizationDomain', n)",
  environment_id: ":env",
  organization_id: "bench_id('organization', n)",
  domain: "'org' || n || '.bench.test'",
  state: "'verified'",
  verification_strategy: "'manual'",
  ...times,
};

// Organization n's one domain, as the JSON copy the app keeps on the organization and on its connections
// (migration 0007; the fields of an organization_domains row, as src/services/organization-domains.ts writes them).
const DOMAINS_COPY = `json_array(json_object('id', ${DOMAIN_COLUMNS.id}, 'environmentId', ${DOMAIN_COLUMNS.environment_id},
  'organizationId', ${DOMAIN_COLUMNS.organization_id}, 'domain', ${DOMAIN_COLUMNS.domain}, 'state', ${DOMAIN_COLUMNS.state},
  'verificationStrategy', ${DOMAIN_COLUMNS.verification_strategy}, 'createdAt', ${DOMAIN_COLUMNS.created_at},
  'updatedAt', ${DOMAIN_COLUMNS.updated_at}))`;

const ORGANIZATION_COLUMNS = {
  id: "bench_id('organization', n)",
  environment_id: ":env",
  name: "'Organization ' || n",
  external_id: "'ext-org-' || n",
  metadata: "'{}'",
  domains: DOMAINS_COPY,
  ...times,
};

// The first :big memberships are all of organization 0 (the big one); the rest spread over the others.
// Membership n is user n's, so no pair repeats. Every tenth is pending.
const MEMBERSHIP_COLUMNS = {
  id: "bench_id('organizationMembership', n)",
  environment_id: ":env",
  organization_id: "bench_id('organization', CASE WHEN n < :big THEN 0 ELSE 1 + (n - :big) % (:orgs - 1) END)",
  user_id: "bench_id('user', n)",
  status: "CASE WHEN n % 10 = 9 THEN 'pending' ELSE 'active' END",
  ...times,
};

const EVENT_COLUMNS = {
  id: "bench_id('event', n)",
  environment_id: ":env",
  event:
    "CASE n % 4 WHEN 0 THEN 'user.created' WHEN 1 THEN 'organization.created' WHEN 2 THEN 'organization_membership.created' ELSE 'user.updated' END",
  data: "json_object('id', CASE n % 4 WHEN 1 THEN bench_id('organization', n % :orgs) ELSE bench_id('user', n) END)",
  organization_id: "CASE n % 4 WHEN 1 THEN bench_id('organization', n % :orgs) END",
  created_at: "bench_time(n)",
};

const CONNECTION_TYPES = ["GenericSAML", "OktaSAML", "AzureSAML", "GoogleOAuth"];
const CONNECTION_COLUMNS = {
  id: "bench_id('connection', n)",
  environment_id: ":env",
  organization_id: "bench_id('organization', n)",
  connection_type: `CASE n % 4 ${CONNECTION_TYPES.map((t, i) => `WHEN ${i} THEN '${t}'`).join(" ")} END`,
  name: "'Connection ' || n",
  state: "'active'",
  domains: DOMAINS_COPY,
  ...times,
};
