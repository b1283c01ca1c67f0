import { lt } from "drizzle-orm";
import { emailVerifications, magicAuths, pendingAuthentications, userPasswordResets } from "../../db/schema";
import type { StoreDatabase } from "../../env";
import type { Statement } from "../../lib/batch";

/** Expired codes, pending authentications and reset tokens stay readable (`GET`) for a day, then go. */
const EXPIRED_CODE_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * The deletes of the Cron Trigger's cleanup (services/sign-in/cleanup.ts) for one-time codes: rows expired more
 * than a day ago, each table walked by its expiry index. Invitations are kept: they are a record (accepted,
 * revoked, expired) an application lists.
 */
export function expiredCodeDeletes(db: StoreDatabase, now = Date.now()): Statement[] {
  const cutoff = new Date(now - EXPIRED_CODE_RETENTION_MS).toISOString();
  return [
    db.delete(pendingAuthentications).where(lt(pendingAuthentications.expiresAt, cutoff)),
    db.delete(emailVerifications).where(lt(emailVerifications.expiresAt, cutoff)),
    db.delete(magicAuths).where(lt(magicAuths.expiresAt, cutoff)),
    db.delete(userPasswordResets).where(lt(userPasswordResets.expiresAt, cutoff)),
  ];
}
