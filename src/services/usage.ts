import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { environments, projects, teamUsageCounters, usageCounters } from "../db/schema";
import type { Database, Env, StoreDatabase } from "../env";
import type { Statement } from "../lib/batch";
import type { Serializes } from "../schemas/fields";
import type { UsageObject } from "../schemas/teams";
import type { TeamRow } from "./teams";

/**
 * Usage and its price: billing is per environment, by usage; projects cost nothing (a zero line each).
 * Only production environments are billed; staging and other non-production environments are free but
 * still reported. Prices come from configuration (PRICING, JSON), in cents per unit.
 *
 * What each quantity means for a period (a UTC month, `YYYY-MM`) — defined over the rows themselves; the
 * counters reproduce these definitions exactly:
 * - `users`: the environment's users that exist now and were created before the end of the period (a user
 *   created mid-month counts in full for that month; a user deleted since no longer counts, in any period).
 * - `sso_connections`: the same, over the environment's SSO connections, whatever their state (deleting an
 *   organization deletes its connections, so they stop counting too).
 * - `audit_log_events`: Audit Logs events stored (`created_at`, not the event's `occurred_at`) during the period.
 * - Environments: one line per environment that exists now, in its current project. An environment created
 *   mid-month has a line with what it holds; one transferred mid-month is reported once, under its new
 *   project, with all its quantities (usage belongs to the environment, not the project); one deleted
 *   mid-month has no line (its usage is deleted with it).
 * - `amount_cents` = Σ quantity × unit price, rounded per line, for production environments; 0 for staging.
 * - Projects are free: a zero line each.
 *
 * Counters (`usage_counters`): per environment, metric and month, written in the same D1 batch as the change
 * they count, by statements that read the counted row itself inside that batch (so they are exact under
 * concurrency and when a write turns out to change nothing). Users and connections add 1 to the month they
 * were created and to the running `total` when created, and subtract 1 from both when deleted; so for
 * period P, quantity = total − Σ(months after P). Audit Logs events add 1 to the month they were stored.
 * Environments need no statement: counters are keyed by environment (a transfer changes nothing) and cascade
 * when it is deleted. migrations/0004_index_seeks.sql fills the counters for rows that existed before.
 */
export interface Pricing {
  currency: string;
  /** cents per unit, per metric */
  unit_amount_cents: Record<MetricName, number>;
}

const DEFAULT_PRICING: Pricing = {
  currency: "usd",
  unit_amount_cents: { users: 0, sso_connections: 12500, audit_log_events: 0.01 },
};

export type MetricName = "users" | "sso_connections" | "audit_log_events";
const METRICS: MetricName[] = ["users", "sso_connections", "audit_log_events"];
/** Metrics that count rows existing now (they keep a running `total`), as opposed to rows stored in the period. */
const EXISTING: Record<MetricName, boolean> = { users: true, sso_connections: true, audit_log_events: false };
const TABLE: Record<MetricName, string> = {
  users: "users",
  sso_connections: "connections",
  audit_log_events: "audit_log_events",
};

export function pricingOf(env: Env): Pricing {
  if (!env.PRICING) return DEFAULT_PRICING;
  try {
    const parsed = JSON.parse(env.PRICING) as Partial<Pricing>;
    return {
      currency: parsed.currency ?? DEFAULT_PRICING.currency,
      unit_amount_cents: { ...DEFAULT_PRICING.unit_amount_cents, ...parsed.unit_amount_cents },
    };
  } catch {
    return DEFAULT_PRICING;
  }
}

/** `YYYY-MM` → [start, end) as ISO strings; the current month by default. */
export function periodBounds(period: string) {
  const [y, m] = period.split("-").map(Number);
  return { start: new Date(Date.UTC(y, m - 1, 1)).toISOString(), end: new Date(Date.UTC(y, m, 1)).toISOString() };
}

// ---- Counting (statements appended to the batch of the write they count) ---------------------------

/**
 * Adds `delta` for the rows of `metric`'s table that `rows` selects (a condition on that table): one row per
 * (environment, month) — and per environment for the running total. Put it after an insert (it counts the
 * rows just written) or before a delete (it counts the rows about to go); rows that are not there count 0.
 */
function countRows(db: StoreDatabase, metric: MetricName, rows: SQL, delta: 1 | -1): Statement {
  const table = sql.raw(TABLE[metric]);
  const byMonth = sql`SELECT environment_id, substr(created_at, 1, 7), ${metric}, ${delta} * count(*) FROM ${table} WHERE ${rows} GROUP BY 1, 2`;
  const total = sql`SELECT environment_id, 'total', ${metric}, ${delta} * count(*) FROM ${table} WHERE ${rows} GROUP BY 1`;
  return db
    .insert(usageCounters)
    .select(EXISTING[metric] ? sql`${byMonth} UNION ALL ${total}` : byMonth)
    .onConflictDoUpdate({
      target: [usageCounters.environmentId, usageCounters.period, usageCounters.metric],
      set: { n: sql`${usageCounters.n} + excluded.n` },
    });
}

/** After inserting the user / connection / Audit Logs event with this id. */
export const countCreated = (db: StoreDatabase, metric: MetricName, id: string) => countRows(db, metric, sql`id = ${id}`, 1);
/** Before deleting the user / connection with this id. */
export const countDeleted = (db: StoreDatabase, metric: Exclude<MetricName, "audit_log_events">, id: string) =>
  countRows(db, metric, sql`id = ${id}`, -1);
/** Before deleting an organization: its connections go with it (cascade). */
export const countOrganizationDeleted = (db: StoreDatabase, organizationId: string) =>
  countRows(db, "sso_connections", sql`organization_id = ${organizationId}`, -1);
// A transfer moves environments with their counters (keyed by environment): it adds nothing to its batch.

/** Adds a counter row (from period P on) to P's quantities. */
function count(quantities: Record<MetricName, number>, row: { period: string; metric: MetricName; n: number }, period: string) {
  if (EXISTING[row.metric]) {
    // Rows existing now and created by the end of P: the running total minus those created after P.
    if (row.period === "total") quantities[row.metric] += row.n;
    else if (row.period > period) quantities[row.metric] -= row.n;
  } else if (row.period === period) quantities[row.metric] += row.n;
}

// ---- The report --------------------------------------------------------------------------------------

export interface UsagePage {
  /** Projects per page (their environments come with them); all of the team's when absent. */
  limit?: number;
  /** The last project id of the previous page. */
  after?: string;
}

/**
 * The team's usage for a period, page by page of projects (in id order): each project's zero line and its
 * environments' lines. Two queries in one batch whatever the team's size: the page of projects, and its
 * environments with their counters from the period on (≤ 4 counter rows per environment for the current month).
 * `total_cents` is the page's; `list_metadata.after` is set when more projects follow.
 */
export async function teamUsage(db: Database, pricing: Pricing, team: TeamRow, period: string, page: UsagePage = {}) {
  const projectsOfPage = db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(and(eq(projects.teamId, team.id), page.after !== undefined ? gt(projects.id, page.after) : undefined))
    .orderBy(asc(projects.id));
  const pageIds = db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.teamId, team.id), page.after !== undefined ? gt(projects.id, page.after) : undefined))
    .orderBy(asc(projects.id));
  const [projs, rows] = await db.batch([
    page.limit !== undefined ? projectsOfPage.limit(page.limit + 1) : projectsOfPage,
    db
      .select({ environment: environments, period: usageCounters.period, metric: usageCounters.metric, n: usageCounters.n })
      .from(environments)
      .leftJoin(usageCounters, and(eq(usageCounters.environmentId, environments.id), sql`${usageCounters.period} >= ${period}`))
      .where(sql`${environments.projectId} IN ${page.limit !== undefined ? pageIds.limit(page.limit) : pageIds}`),
    // (No ORDER BY: a sorter is billed as rows read again; lines are sorted below.)
  ]);
  rows.sort((a, b) => (a.environment.id < b.environment.id ? -1 : a.environment.id > b.environment.id ? 1 : 0));
  const more = page.limit !== undefined && projs.length > page.limit;
  const kept = more ? projs.slice(0, page.limit) : projs;

  const byEnvironment = new Map<
    string,
    { environment: (typeof rows)[number]["environment"]; quantities: Record<MetricName, number> }
  >();
  for (const r of rows) {
    let line = byEnvironment.get(r.environment.id);
    if (!line) {
      line = { environment: r.environment, quantities: { users: 0, sso_connections: 0, audit_log_events: 0 } };
      byEnvironment.set(r.environment.id, line);
    }
    if (r.metric === null || r.period === null || r.n === null) continue;
    count(line.quantities, { period: r.period, metric: r.metric, n: r.n }, period);
  }

  const environmentLines = [...byEnvironment.values()].map(({ environment: e, quantities }) => {
    const amount = e.production ? METRICS.reduce((sum, m) => sum + quantities[m] * pricing.unit_amount_cents[m], 0) : 0;
    return {
      object: "usage_line" as const,
      type: "environment" as const,
      environment_id: e.id,
      project_id: e.projectId,
      name: e.name,
      production: e.production,
      quantities,
      amount_cents: Math.round(amount),
    };
  });
  const projectLines = kept.map((p) => ({
    object: "usage_line" as const,
    type: "project" as const,
    project_id: p.id,
    name: p.name,
    amount_cents: 0,
  }));
  return {
    object: "usage" as const,
    team_id: team.id,
    period,
    currency: pricing.currency,
    unit_amount_cents: pricing.unit_amount_cents,
    lines: [...projectLines, ...environmentLines],
    total_cents: environmentLines.reduce((s, l) => s + l.amount_cents, 0),
    list_metadata: { before: null, after: more ? (kept[kept.length - 1]?.id ?? null) : null },
  };
}

/**
 * The team's usage and its price for a period, over all its production environments: its team_usage_counters
 * rows from the period on (a few rows, whatever the team's size; kept by the database, see the migration), with the
 * quantities defined as for each environment above. The amount is rounded once, for the team; each environment's
 * line is rounded on its own, so with fractional unit prices the lines of all the pages may add up to a cent or so
 * less or more.
 */
export async function teamUsageTotal(db: Database, pricing: Pricing, team: TeamRow, period: string) {
  const rows = await db
    .select({ period: teamUsageCounters.period, metric: teamUsageCounters.metric, n: teamUsageCounters.n })
    .from(teamUsageCounters)
    .where(and(eq(teamUsageCounters.teamId, team.id), sql`${teamUsageCounters.period} >= ${period}`));
  const quantities: Record<MetricName, number> = { users: 0, sso_connections: 0, audit_log_events: 0 };
  for (const r of rows) count(quantities, r, period);
  const amount = METRICS.reduce((sum, m) => sum + quantities[m] * pricing.unit_amount_cents[m], 0);
  return { period, currency: pricing.currency, quantities, amount_cents: Math.round(amount) };
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof teamUsage, typeof UsageObject>;
