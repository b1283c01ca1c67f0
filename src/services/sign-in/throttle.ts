import { and, asc, eq, gt, lt, or, sql } from "drizzle-orm";
import { passwordFailures } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { tooManyAttempts } from "./errors";

/**
 * The password throttle: at most 5 failed passwords per email and 20 per client address, per environment, in any
 * 15 minutes. An attempt takes its slot (a row) before any password work, in one conditional insert, so concurrent
 * attempts across isolates cannot exceed the limit; a successful attempt gives its slot back.
 */
export const PASSWORD_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

/** Takes a slot for one password attempt, or throws 429 (with the seconds until a slot frees up). */
export async function reservePasswordAttempt(
  db: StoreDatabase,
  environmentId: string,
  email: string,
  clientAddress: string,
): Promise<number> {
  const now = Date.now();
  const since = new Date(now - PASSWORD_WINDOW_MS).toISOString();
  const f = passwordFailures;
  const recent = (column: typeof f.email | typeof f.clientAddress, value: string) =>
    sql`(SELECT count(*) FROM ${f} WHERE ${f.environmentId} = ${environmentId} AND ${column} = ${value} AND ${f.createdAt} > ${since})`;
  const [slot] = await db
    .insert(f)
    .select(
      sql`SELECT NULL, ${environmentId}, ${email}, ${clientAddress}, ${new Date(now).toISOString()}
          WHERE ${recent(f.email, email)} < ${MAX_FAILURES_PER_EMAIL} AND ${recent(f.clientAddress, clientAddress)} < ${MAX_FAILURES_PER_ADDRESS}`,
    )
    .returning({ id: f.id });
  if (slot) return slot.id;
  // Refused: wait until the oldest failure that keeps the limit reached leaves the window.
  const oldest = await db
    .select({ createdAt: f.createdAt })
    .from(f)
    .where(
      and(eq(f.environmentId, environmentId), gt(f.createdAt, since), or(eq(f.email, email), eq(f.clientAddress, clientAddress))),
    )
    .orderBy(asc(f.createdAt))
    .limit(1)
    .get();
  const freeAt = oldest ? Date.parse(oldest.createdAt) + PASSWORD_WINDOW_MS : now + 1000;
  throw tooManyAttempts(Math.max(1, Math.ceil((freeAt - now) / 1000)));
}

/** A successful attempt gives its slot back. */
export async function releasePasswordAttempt(db: StoreDatabase, slotId: number) {
  await db.delete(passwordFailures).where(eq(passwordFailures.id, slotId)).run();
}

/** Drops this email's and address's failures older than the window (they no longer count). */
export async function forgetOldFailures(db: StoreDatabase, environmentId: string, email: string, clientAddress: string) {
  const f = passwordFailures;
  await db
    .delete(f)
    .where(
      and(
        eq(f.environmentId, environmentId),
        or(eq(f.email, email), eq(f.clientAddress, clientAddress)),
        lt(f.createdAt, new Date(Date.now() - PASSWORD_WINDOW_MS).toISOString()),
      ),
    )
    .run();
}
