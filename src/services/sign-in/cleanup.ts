import { lt } from "drizzle-orm";
import { authorizationCodes, passwordFailures } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import { batch } from "../../lib/batch";
import { expiredCodeDeletes } from "./code-cleanup";
import { PASSWORD_WINDOW_MS } from "./throttle";

/**
 * Deletes what no longer counts: password failures older than the throttle's window and expired authorization
 * codes (a code is kept until it expires, used or not, so that a replay is recognized), and one-time codes a day
 * past their expiry (code-cleanup.ts). Run by the Cron Trigger;
 * each delete walks its own index on the time column.
 */
export async function deleteExpiredSignInRows(db: StoreDatabase, now = Date.now()) {
  await batch(db, [
    db.delete(passwordFailures).where(lt(passwordFailures.createdAt, new Date(now - PASSWORD_WINDOW_MS).toISOString())),
    db.delete(authorizationCodes).where(lt(authorizationCodes.expiresAt, new Date(now).toISOString())),
    ...expiredCodeDeletes(db, now),
  ]);
}
