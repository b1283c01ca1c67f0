import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { signingKeys } from "../../db/schema";
import type { Env, StoreDatabase } from "../../env";
import { batch } from "../../lib/batch";
import { newId } from "../../lib/ids";

/**
 * Signing keys, one set per environment: RS256 (WebCrypto), a distinct `kid` each, the private key encrypted at
 * rest with AES-GCM under the Worker secret SIGNING_KEY_SECRET (bound to its environment and kid, so a row copied
 * elsewhere does not decrypt). The first key is created on first need; a rotation retires the current key, which
 * stays published until the last access token it signed has expired.
 */

export type SigningKeyRow = typeof signingKeys.$inferSelect;

/** Access tokens live 5 minutes; a retired key is published (and verifies) that long after its retirement. */
export const ACCESS_TOKEN_TTL_SECONDS = 300;
const RETIRED_KEY_PUBLISHED_MS = ACCESS_TOKEN_TTL_SECONDS * 1000;

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const encoder = new TextEncoder();

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));

// ---- Encryption at rest -----------------------------------------------------------------------------

const wrappingKeys = new Map<string, Promise<CryptoKey>>();

/** The AES-GCM key derived (HKDF-SHA256) from SIGNING_KEY_SECRET, once per secret per isolate. */
function wrappingKey(env: Env): Promise<CryptoKey> {
  const secret = env.SIGNING_KEY_SECRET;
  if (!secret || secret.length < 32)
    throw new Error("SIGNING_KEY_SECRET is not set (or shorter than 32 characters): signing keys cannot be used.");
  let key = wrappingKeys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("signing-keys v1") },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    wrappingKeys.set(secret, key);
  }
  return key;
}

const aad = (environmentId: string, kid: string) => encoder.encode(`${environmentId}/${kid}`);

async function sealPrivateKey(env: Env, environmentId: string, kid: string, pkcs8: ArrayBuffer) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: aad(environmentId, kid) },
    await wrappingKey(env),
    pkcs8,
  );
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

async function openPrivateKey(env: Env, row: SigningKeyRow): Promise<ArrayBuffer> {
  const [version, iv, sealed] = row.privateKey.split(".");
  if (version !== "v1") throw new Error(`signing key ${row.id}: unknown sealing ${version}`);
  return crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromB64url(iv), additionalData: aad(row.environmentId, row.id) },
    await wrappingKey(env),
    fromB64url(sealed),
  );
}

// ---- Keys -------------------------------------------------------------------------------------------

/** A new key pair as a row (private key sealed). */
export async function newSigningKeyRow(env: Env, environmentId: string, now = new Date()): Promise<SigningKeyRow> {
  const id = newId("signingKey");
  const pair = (await crypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer;
  return {
    id,
    environmentId,
    publicJwk: { kty: "RSA", n: jwk.n as string, e: jwk.e as string },
    privateKey: await sealPrivateKey(env, environmentId, id, pkcs8),
    createdAt: now.toISOString(),
    retiredAt: null,
  };
}

const currentKeyRow = (db: StoreDatabase, environmentId: string) =>
  db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.environmentId, environmentId), isNull(signingKeys.retiredAt)))
    .get();

/**
 * The environment's current key, created on first need. Two isolates creating it at once: the partial unique
 * index keeps one, and both use that one.
 */
export async function currentSigningKey(env: Env, db: StoreDatabase, environmentId: string): Promise<SigningKeyRow> {
  const found = await currentKeyRow(db, environmentId);
  if (found) return found;
  await db
    .insert(signingKeys)
    .values(await newSigningKeyRow(env, environmentId))
    .onConflictDoNothing()
    .run();
  const created = await currentKeyRow(db, environmentId);
  if (!created) throw new Error(`no current signing key for ${environmentId}`);
  return created;
}

/**
 * The keys a verifier must know, read only: none is created (the dashboard lists them on a GET; the first key
 * is made when a token is first signed).
 */
export const listSigningKeys = (db: StoreDatabase, environmentId: string, now = Date.now()) =>
  db
    .select()
    .from(signingKeys)
    .where(
      and(
        eq(signingKeys.environmentId, environmentId),
        or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, new Date(now - RETIRED_KEY_PUBLISHED_MS).toISOString())),
      ),
    )
    .orderBy(signingKeys.id)
    .all();

/** The keys a verifier must know: the current one and those retired less than an access token's life ago. */
export async function publishedSigningKeys(env: Env, db: StoreDatabase, environmentId: string, now = Date.now()) {
  const rows = await listSigningKeys(db, environmentId, now);
  if (rows.some((r) => r.retiredAt === null)) return rows;
  return [...rows, await currentSigningKey(env, db, environmentId)];
}

/**
 * Retires the current key and makes a new one current, in one transaction; keys retired longer ago than an
 * access token's life are deleted (nothing they signed is still valid). Returns the published keys.
 */
export async function rotateSigningKeys(env: Env, db: StoreDatabase, environmentId: string) {
  const now = new Date();
  const next = await newSigningKeyRow(env, environmentId, now);
  await batch(db, [
    db
      .delete(signingKeys)
      .where(
        and(
          eq(signingKeys.environmentId, environmentId),
          lt(signingKeys.retiredAt, new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS).toISOString()),
        ),
      ),
    db
      .update(signingKeys)
      .set({ retiredAt: now.toISOString() })
      .where(and(eq(signingKeys.environmentId, environmentId), isNull(signingKeys.retiredAt))),
    db.insert(signingKeys).values(next),
  ]);
  return publishedSigningKeys(env, db, environmentId, now.getTime());
}

/** A key as the JWKS publishes it. */
export const publicJwkOf = (row: SigningKeyRow) => ({
  kty: "RSA" as const,
  kid: row.id,
  use: "sig" as const,
  alg: "RS256" as const,
  n: row.publicJwk.n,
  e: row.publicJwk.e,
});

/** A key as the Platform API lists it (never any key material but the public one's id). */
export const serializeSigningKey = (row: SigningKeyRow) => ({
  object: "signing_key" as const,
  id: row.id,
  alg: "RS256" as const,
  status: row.retiredAt === null ? ("current" as const) : ("previous" as const),
  created_at: row.createdAt,
  retired_at: row.retiredAt,
});

// Imported keys, per isolate, by kid (a kid is never reused: its key never changes).
const privateKeys = new Map<string, Promise<CryptoKey>>();
const publicKeys = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED = 1_000;

function cached(map: Map<string, Promise<CryptoKey>>, kid: string, make: () => Promise<CryptoKey>) {
  let key = map.get(kid);
  if (!key) {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
    key = make();
    key.catch(() => map.delete(kid));
    map.set(kid, key);
  }
  return key;
}

/** The private key of a row, ready to sign (decrypted and imported once per isolate). */
export const privateKeyOf = (env: Env, row: SigningKeyRow) =>
  cached(privateKeys, row.id, async () => crypto.subtle.importKey("pkcs8", await openPrivateKey(env, row), RSA, false, ["sign"]));

/** The public key of a row, ready to verify. */
export const publicKeyOf = (row: SigningKeyRow) =>
  cached(publicKeys, row.id, () =>
    crypto.subtle.importKey("jwk", { ...row.publicJwk, alg: "RS256", ext: true }, RSA, false, ["verify"]),
  );
