import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { idempotencyKeys } from "../db/schema";
import type { AppEnv, StoreDatabase } from "../env";
import { runCounted } from "../lib/batch";
import { canonicalJson, sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `Idempotency-Key` on POSTs: the same key with the same body within 24 h replays the first answer
 * (and creates nothing new); with a different body it is a 422 `idempotency_key_reused`.
 * A key is claimed before the handler runs, so two concurrent requests with one key cannot both create.
 * Only successes are kept. A 5xx is released so the client may retry it; so is a 4xx: a client's mistake is not
 * an outcome worth replaying (the corrected request may reuse the key), and releasing the claim keeps every 4xx
 * free of side effects: the database is as it was before the request.
 *
 * @param ownerOf whose keys these are (a platform client, an environment): keys never collide across callers.
 * @param storeOf where the keys are kept: D1 for the Platform API, the environment's own store for the environment
 *   API (so a key and the write it guards live in one database, wherever the environment's data is).
 */
export const idempotency = (
  ownerOf: (c: Context<AppEnv>) => string,
  storeOf: (c: Context<AppEnv>) => StoreDatabase = (c) => c.var.db,
) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (key.length === 0 || key.length > 255)
      throw new ApiError("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 characters.");
    const owner = ownerOf(c);
    const raw = await c.req.text();
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // Not JSON: hash the text as it is; the validator will answer for it.
    }
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${canonicalJson(body)}`);
    const db = storeOf(c);
    const now = new Date();
    // Claim the key, or take over one older than 24 h.
    const claimed = await runCounted(
      db,
      db
        .insert(idempotencyKeys)
        .values({ owner, key, requestHash, createdAt: now.toISOString() })
        .onConflictDoUpdate({
          target: [idempotencyKeys.owner, idempotencyKeys.key],
          set: { requestHash, status: null, body: null, createdAt: now.toISOString() },
          setWhere: sql`${idempotencyKeys.createdAt} < ${new Date(now.getTime() - DAY_MS).toISOString()}`,
        }),
    );
    const row = and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key));
    if (claimed === 0) {
      const first = await db.select().from(idempotencyKeys).where(row).get();
      if (!first)
        throw new ApiError(
          "idempotency_request_in_progress",
          "A request with this Idempotency-Key is in progress; retry shortly.",
        );
      if (first.requestHash !== requestHash)
        throw new ApiError("idempotency_key_reused", "This Idempotency-Key was already used with a different request.");
      if (first.status === null)
        throw new ApiError(
          "idempotency_request_in_progress",
          "A request with this Idempotency-Key is in progress; retry shortly.",
        );
      return c.body(first.body ?? "", first.status as 200, { "Content-Type": "application/json", "Idempotent-Replayed": "true" });
    }
    await next();
    if (c.res.status >= 400) {
      await db.delete(idempotencyKeys).where(row).run();
      return;
    }
    const answer = await c.res.clone().text();
    await db.update(idempotencyKeys).set({ status: c.res.status, body: answer }).where(row).run();
  });
