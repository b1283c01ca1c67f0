import { and, eq, gt, sql } from "drizzle-orm";
import { usageCounters, usageRollups } from "../db/schema";
import type { Database } from "../env";
import { batch, type Statement } from "../lib/batch";

export interface CounterRow {
  period: string;
  metric: "users" | "sso_connections" | "audit_log_events";
  n: number;
}

/**
 * Copies an object's usage counters (absolute values) into D1's usage_counters, which the usage report and the
 * billing page read, in one batch under `version`: the batch first claims the version (only if it is newer than
 * the last one applied), and every counter row is written only if the claim held. A replayed or late roll-up
 * finds a newer version there and writes nothing; one that is applied twice writes the same values.
 * D1's team_usage_counters follow by their triggers. Answers whether this roll-up was applied.
 */
export async function rollUpUsage(db: Database, environmentId: string, version: number, rows: CounterRow[]) {
  const claimed = sql`(SELECT version FROM usage_rollups WHERE environment_id = ${environmentId}) = ${version}`;
  const statements: Statement[] = [
    db
      .insert(usageRollups)
      .values({ environmentId, version, rolledUpAt: new Date().toISOString() })
      .onConflictDoUpdate({
        target: usageRollups.environmentId,
        set: { version, rolledUpAt: sql`excluded.rolled_up_at` },
        setWhere: gt(sql`excluded.version`, usageRollups.version),
      }),
    ...rows.map((r) =>
      db
        .insert(usageCounters)
        .select(sql`SELECT ${environmentId}, ${r.period}, ${r.metric}, ${r.n} WHERE ${claimed}`)
        .onConflictDoUpdate({
          target: [usageCounters.environmentId, usageCounters.period, usageCounters.metric],
          set: { n: sql`excluded.n` },
        }),
    ),
  ];
  await batch(db, statements);
  const applied = await db
    .select({ version: usageRollups.version })
    .from(usageRollups)
    .where(and(eq(usageRollups.environmentId, environmentId), eq(usageRollups.version, version)))
    .get();
  return applied !== undefined;
}
