import { storeStub } from "../db/store-client";
import type { Database, Env } from "../env";
import { pendingStoreDeletions, storeDeletionDone, storeDeletionFailed } from "../services/store-deletions";

/**
 * Empties the objects of the project's deleted environments (their D1 rows are already gone), each until it
 * succeeds: `destroy` is idempotent (an emptied object empties again to nothing), so a crash between the object
 * and D1 only repeats it. Answers whether any is left to retry.
 */
export async function emptyDeletedStores(env: Env, db: Database, projectId: string): Promise<boolean> {
  let left = false;
  for (const deletion of await pendingStoreDeletions(db, projectId)) {
    try {
      await storeStub(env, deletion.environmentId).destroy(deletion.environmentId);
      await storeDeletionDone(db, deletion.environmentId);
    } catch (err) {
      left = true;
      await storeDeletionFailed(db, deletion.environmentId, String((err as Error)?.message ?? err)).catch(() => undefined);
    }
  }
  return left;
}
