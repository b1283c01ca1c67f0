import { and, count, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { auditLogEvents, connections, environments, projects, users } from "../db/schema";
import type { Database, Env } from "../env";
import type { TeamRow } from "./teams";

/**
 * Usage and its price: billing is per environment, by usage; projects cost nothing (a zero line each).
 * Only production environments are billed; staging and other non-production environments are free but
 * still reported. Prices come from configuration (PRICING, JSON), in cents per unit.
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

type MetricName = "users" | "sso_connections" | "audit_log_events";

interface Metric {
  name: MetricName;
  table: SQLiteTable;
  environmentId: SQLiteColumn;
  /** Rows that count in the period: existing at its end, or created during it. */
  inPeriod: (start: string, end: string) => SQL | undefined;
}

const METRICS: Metric[] = [
  { name: "users", table: users, environmentId: users.environmentId, inPeriod: (_s, end) => lt(users.createdAt, end) },
  { name: "sso_connections", table: connections, environmentId: connections.environmentId, inPeriod: (_s, end) => lt(connections.createdAt, end) },
  {
    name: "audit_log_events",
    table: auditLogEvents,
    environmentId: auditLogEvents.environmentId,
    inPeriod: (start, end) => and(gte(auditLogEvents.createdAt, start), lt(auditLogEvents.createdAt, end)),
  },
];

export function pricingOf(env: Env): Pricing {
  if (!env.PRICING) return DEFAULT_PRICING;
  try {
    const parsed = JSON.parse(env.PRICING) as Partial<Pricing>;
    return { currency: parsed.currency ?? DEFAULT_PRICING.currency, unit_amount_cents: { ...DEFAULT_PRICING.unit_amount_cents, ...parsed.unit_amount_cents } };
  } catch {
    return DEFAULT_PRICING;
  }
}

/** `YYYY-MM` → [start, end) as ISO strings; the current month by default. */
export function periodBounds(period: string) {
  const [y, m] = period.split("-").map(Number);
  return { start: new Date(Date.UTC(y, m - 1, 1)).toISOString(), end: new Date(Date.UTC(y, m, 1)).toISOString() };
}

export async function teamUsage(db: Database, pricing: Pricing, team: TeamRow, period: string) {
  const { start, end } = periodBounds(period);
  const [envs, projs] = await Promise.all([
    db.select().from(environments).where(eq(environments.teamId, team.id)).orderBy(environments.id).all(),
    db.select().from(projects).where(eq(projects.teamId, team.id)).orderBy(projects.id).all(),
  ]);
  const ids = envs.map((e) => e.id);
  // One grouped, index-ranged count per metric for all of the team's environments (chunked under D1's 100 parameters).
  const counts = new Map<string, number>();
  for (const metric of METRICS)
    for (let i = 0; i < ids.length; i += 90) {
      const rows = await db
        .select({ environmentId: metric.environmentId, n: count() })
        .from(metric.table)
        .where(and(inArray(metric.environmentId, ids.slice(i, i + 90)), metric.inPeriod(start, end)))
        .groupBy(metric.environmentId)
        .all();
      for (const r of rows) counts.set(`${metric.name}:${r.environmentId}`, r.n);
    }

  const environmentLines = envs.map((e) => {
    const quantities = Object.fromEntries(METRICS.map((m) => [m.name, counts.get(`${m.name}:${e.id}`) ?? 0])) as Record<MetricName, number>;
    const amount = e.production ? METRICS.reduce((sum, m) => sum + quantities[m.name] * pricing.unit_amount_cents[m.name], 0) : 0;
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
  const projectLines = projs.map((p) => ({ object: "usage_line" as const, type: "project" as const, project_id: p.id, name: p.name, amount_cents: 0 }));
  return {
    object: "usage" as const,
    team_id: team.id,
    period,
    currency: pricing.currency,
    unit_amount_cents: pricing.unit_amount_cents,
    lines: [...projectLines, ...environmentLines],
    total_cents: environmentLines.reduce((s, l) => s + l.amount_cents, 0),
  };
}
