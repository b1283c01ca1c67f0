import { and, eq, sql } from "drizzle-orm";
import { apiKeys, environments, teams } from "../db/schema";
import type { Database } from "../env";
import { batch } from "../lib/batch";
import { randomSecret, sha256Hex } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { ApiKeyObject } from "../schemas/api-keys";
import type { Serializes } from "../schemas/fields";
import { type EnvironmentRow, productionRequiresBilling } from "./environments";
import type { ActorRef } from "./people/actor";
import { recordTeamEvent, recordTeamEventIf } from "./team-events";
import { productionLocked, type TeamRow } from "./teams";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const serializeApiKey = (k: ApiKeyRow, value?: string) => ({
  object: "key" as const,
  id: k.id,
  name: k.name,
  obfuscated_value: `sk_…${k.valueSuffix}`,
  ...(value !== undefined ? { value } : {}),
  expires_at: k.expiresAt,
  last_used_at: k.lastUsedAt,
  created_at: k.createdAt,
  updated_at: k.updatedAt,
});

/** Mints a secret key: `sk_test_…` for staging, `sk_live_…` for production. The value is returned once; only its hash is kept. */
export async function mintApiKey(
  db: Database,
  actor: ActorRef,
  team: TeamRow,
  env: EnvironmentRow,
  input: { name: string; expires_at?: string },
) {
  if (env.production && productionLocked(team)) throw productionRequiresBilling();
  const value = `sk_${env.production ? "live" : "test"}_${randomSecret(30)}`;
  const row: ApiKeyRow = {
    id: newId("apiKey"),
    environmentId: env.id,
    name: input.name,
    valueHash: await sha256Hex(value),
    valueSuffix: value.slice(-4),
    expiresAt: input.expires_at ?? null,
    lastUsedAt: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  await batch(db, [
    db.insert(apiKeys).values(row),
    recordTeamEvent(db, team.id, "api_key.created", actor, { environment_id: env.id, api_key_id: row.id, name: row.name }),
  ]);
  return { key: row, value };
}

export async function listApiKeys(db: Database, environmentId: string, params: ListParams) {
  const q = paginate(apiKeys.id, params);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(where(eq(apiKeys.environmentId, environmentId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, (k) => serializeApiKey(k));
}

/** Expires a key at once (it stays listed, with its `expires_at`). An unknown key is a 404 that records no event. */
export async function markApiKeyExpired(db: Database, actor: ActorRef, team: TeamRow, environmentId: string, keyId: string) {
  const now = new Date().toISOString();
  const ofEnvironment = and(eq(apiKeys.id, keyId), eq(apiKeys.environmentId, environmentId));
  const [updated] = await db.batch([
    db.update(apiKeys).set({ expiresAt: now, updatedAt: now }).where(ofEnvironment).returning({ id: apiKeys.id }),
    recordTeamEventIf(db, sql`EXISTS (SELECT 1 FROM ${apiKeys} WHERE ${ofEnvironment})`, team.id, "api_key.expired", actor, {
      environment_id: environmentId,
      api_key_id: keyId,
    }),
  ]);
  if (!updated[0]) throw notFound("api_key", keyId);
  // This isolate forgets it at once; others within the cache's delay (keyCache.ttlMs).
  for (const [value, entry] of keyCache.entries) if (entry.found.key.id === keyId) keyCache.entries.delete(value);
}

/**
 * Per-isolate cache of key lookups, by key value: a read request with a known key costs no query. The delay
 * it adds is `ttlMs` (5 s): a key deleted or expired early keeps opening its environment for reads for at most
 * 5 s in an isolate that has just used it (the isolate that runs `expireApiKey` forgets it at once); an environment's production lock state and its
 * project likewise (an `expires_at` reached is always honoured: it is checked on every use). Writes never use
 * the cache (see `environmentForKey`). Bounded: the oldest entries go first. `now` and `ttlMs` are injectable
 * for tests.
 */
export const keyCache = {
  ttlMs: 5_000,
  max: 10_000,
  now: () => Date.now(),
  entries: new Map<string, { found: KeyLookup; until: number }>(),
};

type KeyLookup = NonNullable<Awaited<ReturnType<typeof lookUpKey>>>;

/** One indexed query: the key by its hash, its environment and its team's production state. */
async function lookUpKey(db: Database, value: string) {
  return db
    .select({ key: apiKeys, environment: environments, productionEnabledAt: teams.productionEnabledAt })
    .from(apiKeys)
    .innerJoin(environments, eq(environments.id, apiKeys.environmentId))
    .innerJoin(teams, eq(teams.id, environments.teamId))
    .where(eq(apiKeys.valueHash, await sha256Hex(value)))
    .get();
}

/**
 * The environment a secret key opens, with its team's production state, in one indexed lookup;
 * undefined for an unknown or expired key. With `cached`, a lookup younger than `keyCache.ttlMs` is reused:
 * only reads ask for it, so every write sees the key, its environment's project and lock state as they are now.
 */
export async function environmentForKey(db: Database, value: string, options: { cached?: boolean } = {}) {
  const now = keyCache.now();
  let row: KeyLookup | undefined;
  const hit = options.cached ? keyCache.entries.get(value) : undefined;
  if (hit && hit.until > now) row = hit.found;
  else {
    row = await lookUpKey(db, value);
    if (hit) keyCache.entries.delete(value);
    if (row) {
      if (keyCache.entries.size >= keyCache.max) keyCache.entries.delete(keyCache.entries.keys().next().value!);
      keyCache.entries.set(value, { found: row, until: now + keyCache.ttlMs });
    }
  }
  if (!row) return undefined;
  if (row.key.expiresAt !== null && row.key.expiresAt <= new Date(now).toISOString()) return undefined;
  return row;
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeApiKey, typeof ApiKeyObject>;
