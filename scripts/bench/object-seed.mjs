// The environments the bench serves from their own objects (EnvironmentStore), seeded on the product's own path:
// their rows in D1 say `data_location = 'object'` and each has an API key; one write through the environment API
// makes each object create its SQLite file and schema (as in production); then, with the server stopped, the big
// object's tables are filled from the D1 seed with node:sqlite (INSERT … SELECT from the attached D1 file, its
// environment id rewritten; the object's own triggers keep its environment_totals). The big environment of the D1
// seed stays in D1 (`data_location = 'd1'`), the same rows under another environment: the two are compared side by side.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { environmentApi } from "./client.mjs";
import { namedRows, sqliteFileOf } from "./seed.mjs";

/** Bump when the objects' seeded layout changes: the object part of a seed is made again (the D1 part is kept). */
export const OBJECT_SEED_VERSION = 5;
/** How many populated objects the cold-start figure reaches, each once after a restart. */
export const COLD_OBJECTS = 30;
/** The big environment's tables copied into the object environment (what seed.mjs fills in D1). */
/** Users of the environment the bench moves from D1 into its object: the issue's 10,000 at every scale (small has as many). */
const MOVE_USERS = 10_000;
const COPIED = ["users", "organizations", "organization_domains", "organization_memberships", "events", "connections"];

/**
 * The environments served from objects, by role: `object` holds the big environment's rows (project 0, position 2);
 * `cold` are 30 objects holding one webhook endpoint each (project 5, positions 1–30); `empty` is in an object
 * that is never written (project 5, position 50): only read; `d1Cold` are 30 environments left in D1 with a key each
 * (project 6, positions 1–30); `move` is in D1 with 10,000 users (project 7, position 1), for the move.
 */
export function objectRows(manifest) {
  const r = namedRows(manifest);
  return {
    object: r.environment(0, 2),
    cold: Array.from({ length: COLD_OBJECTS }, (_, i) => r.environment(5, 1 + i)),
    empty: r.environment(5, 50),
    // The cold figure's baseline: environments left in D1, each reached once with a key not seen yet.
    d1Cold: Array.from({ length: COLD_OBJECTS }, (_, i) => r.environment(6, 1 + i)),
    // Left in D1 with 10,000 users, for the move into its object.
    move: r.environment(7, 1),
  };
}

/** Where Miniflare keeps the EnvironmentStore objects' SQLite files under a `--persist-to` directory. */
export function objectFolderOf(dir) {
  const doDir = path.join(dir, "v3", "do");
  const folder = existsSync(doDir) ? readdirSync(doDir).find((f) => f.endsWith("-EnvironmentStore")) : undefined;
  return folder ? path.join(doDir, folder) : undefined;
}

/** Miniflare's own table in each object's file (the object's name), not the product's. */
const MINIFLARE_TABLES = ["__miniflare_do_name"];

/**
 * Every object's SQLite file (Miniflare's metadata.sqlite left out): its bytes, the environment its KV says it holds
 * (`_cf_KV` key `environment_id`; undefined for an object never written), its name (Miniflare records it), and the
 * tables the object itself made (Miniflare's own left out) with the KV entries it wrote.
 */
export function objectFiles(dir) {
  const folder = objectFolderOf(dir);
  if (!folder) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
    .map((f) => {
      const file = path.join(folder, f);
      return { file, bytes: bytesOnDisk(file), ...contentsOf(file) };
    });
}

/** The file and its write-ahead log, as they are on disk. */
export function bytesOnDisk(file) {
  return [file, `${file}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
}

function contentsOf(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    const name = tables.includes("__miniflare_do_name")
      ? db.prepare("SELECT name FROM __miniflare_do_name").get()?.name
      : undefined;
    const kv = tables.includes("_cf_KV") ? db.prepare("SELECT key, value FROM _cf_KV").all() : [];
    // A V8-serialized string: matched by its pattern.
    const held = kv.find((row) => row.key === "environment_id");
    const environmentId = held
      ? Buffer.from(held.value)
          .toString("latin1")
          .match(/environment_[0-9A-HJKMNP-TV-Z]{26}/)?.[0]
      : undefined;
    return { environmentId, name, tables: tables.filter((t) => !MINIFLARE_TABLES.includes(t)), kvEntries: kv.length };
  } finally {
    db.close();
  }
}

/**
 * Seeds the objects into the seed directory `dir` (once: the manifest records it), with `start(options)` serving it.
 * Returns the manifest's `objects`: the keys of the object environments, the webhook endpoint each first write made.
 */
export async function ensureObjectsSeeded({ dir, manifest, manifestPath, start, stop, configPath, clientVars }) {
  if (manifest.objects?.version === OBJECT_SEED_VERSION) {
    console.log("Seed: objects already seeded.");
    return manifest.objects;
  }
  const started = Date.now();
  const rows = objectRows(manifest);
  const d1File = sqliteFileOf(dir);
  const keyOf = () => `sk_test_${randomBytes(30).toString("base64url")}`;
  const keys = { object: keyOf(), empty: keyOf(), cold: rows.cold.map(keyOf), d1Cold: rows.d1Cold.map(keyOf), move: keyOf() };
  placeInObjects(
    d1File,
    [[rows.object, keys.object], [rows.empty, keys.empty], ...rows.cold.map((id, i) => [id, keys.cold[i]])],
    [...rows.d1Cold.map((id, i) => [id, keys.d1Cold[i]]), [rows.move, keys.move]],
  );
  const moveUsers = Math.min(MOVE_USERS, manifest.plan.users);
  copyUsersInD1(d1File, namedRows(manifest).bigEnvironment, rows.move, moveUsers);

  console.log("Seed: creating the objects through the environment API (one write each)…");
  const worker = await start({ name: "seed-objects", configPath, persistTo: dir, vars: clientVars });
  let webhookEndpoints;
  try {
    const made = await Promise.all(
      [keys.object, ...keys.cold].map((key) =>
        environmentApi(worker.url, key).post("/webhook_endpoints", {
          endpoint_url: "https://hooks.bench.test/workos",
          events: ["user.created"],
        }),
      ),
    );
    const failed = made.find((res) => res.status !== 201);
    if (failed) throw new Error(`POST /webhook_endpoints in an object answered ${failed.status}: ${failed.text}`);
    webhookEndpoints = made.map((res) => res.json().id);
  } finally {
    await stop(worker);
  }

  const files = objectFiles(dir);
  const fileOf = (environmentId) => {
    const found = files.find((f) => f.environmentId === environmentId);
    if (!found) throw new Error(`No object file holds ${environmentId} under ${objectFolderOf(dir)}.`);
    return found.file;
  };
  const objectFile = fileOf(rows.object);
  for (const id of [rows.object, ...rows.cold]) holdsOneEndpoint(fileOf(id), id);
  const copied = fillObject(objectFile, d1File, namedRows(manifest).bigEnvironment, rows.object);
  for (const { file } of objectFiles(dir)) settle(file);
  dropAlarms(path.join(objectFolderOf(dir), "metadata.sqlite"));

  manifest.objects = {
    version: OBJECT_SEED_VERSION,
    keys,
    objectWebhookEndpoint: webhookEndpoints[0],
    objectFile: path.relative(dir, objectFile),
    copied,
    moveUsers,
    seedSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  console.log(`Seed: objects done in ${manifest.objects.seedSeconds} s.`);
  return manifest.objects;
}

/**
 * In D1: each of `inObjects` has its data in its object; each of them and of `inD1` has a secret key (stored as
 * src/services/api-keys.ts stores it).
 */
function placeInObjects(d1File, inObjects, inD1) {
  const db = new DatabaseSync(d1File);
  const now = new Date().toISOString();
  try {
    db.exec("BEGIN");
    const place = db.prepare("UPDATE environments SET data_location = 'object' WHERE id = ?");
    const key = db.prepare(
      "INSERT INTO api_keys (id, environment_id, name, value_hash, value_suffix, created_at, updated_at) VALUES (?, ?, 'Bench', ?, ?, ?, ?)",
    );
    for (const [environmentId] of inObjects)
      if (place.run(environmentId).changes !== 1) throw new Error(`No environment ${environmentId} in the seed.`);
    [...inObjects, ...inD1].forEach(([environmentId, value], i) => {
      const id = `api_key_BENCHOBJECT${String(i).padStart(15, "0")}`;
      key.run(id, environmentId, createHash("sha256").update(value).digest("hex"), value.slice(-4), now, now);
    });
    db.exec("COMMIT");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

/** The first write landed in the object's own tables (not in D1: a checkout whose routes still wrote there). */
function holdsOneEndpoint(file, environmentId) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const { n } = db.prepare("SELECT count(*) AS n FROM webhook_endpoints WHERE environment_id = ?").get(environmentId);
    if (n !== 1) throw new Error(`The object of ${environmentId} holds ${n} webhook endpoints after its first write, not 1.`);
  } finally {
    db.close();
  }
}

/**
 * `count` of the big environment's users, copied in D1 into environment `to` under new ids (`user_MV…`, the same
 * length as a ULID id, never a seeded one); D1's triggers count them in its totals.
 */
function copyUsersInD1(d1File, from, to, count) {
  const db = new DatabaseSync(d1File);
  try {
    const columns = db
      .prepare("SELECT name FROM pragma_table_info('users')")
      .all()
      .map((c) => c.name);
    const select = columns.map((c) => (c === "id" ? "'user_MV' || substr(id, 8)" : c === "environment_id" ? ":to" : `"${c}"`));
    db.prepare(
      `INSERT INTO users (${columns.map((c) => `"${c}"`).join(", ")}) SELECT ${select.join(", ")} FROM users WHERE environment_id = :from ORDER BY id LIMIT :count`,
    ).run({ from, to, count: BigInt(count) });
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

/** The big environment's rows of D1, copied into the object environment's file under its id; returns the counts. */
function fillObject(objectFile, d1File, fromEnvironment, toEnvironment) {
  const db = new DatabaseSync(objectFile);
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -512000; PRAGMA temp_store = MEMORY;");
  db.prepare("ATTACH DATABASE ? AS d1").run(d1File);
  const counts = {};
  db.exec("BEGIN");
  try {
    for (const table of COPIED) {
      const columns = (schema) =>
        db
          .prepare(`SELECT name FROM pragma_table_info(?, ?)`)
          .all(table, schema)
          .map((c) => c.name);
      const here = columns("main");
      const there = columns("d1");
      if (JSON.stringify([...here].sort()) !== JSON.stringify([...there].sort()))
        throw new Error(`${table}: the object's columns (${here}) are not D1's (${there}).`);
      const select = here.map((c) => (c === "environment_id" ? ":to" : `"${c}"`)).join(", ");
      const started = Date.now();
      const { changes } = db
        .prepare(
          `INSERT INTO main."${table}" (${here.map((c) => `"${c}"`).join(", ")}) SELECT ${select} FROM d1."${table}" WHERE environment_id = :from`,
        )
        .run({ from: fromEnvironment, to: toEnvironment });
      counts[table] = Number(changes);
      console.log(
        `Seed: object ${table} ${counts[table].toLocaleString("en-US")} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  } finally {
    db.exec("DETACH DATABASE d1");
    db.close();
  }
  return counts;
}

/**
 * Folds an object's WAL into its file (so that copies of the directory are complete) and drops its pending alarm
 * (workerd's copy in the object's file; Miniflare's schedule is in metadata.sqlite, see `dropAlarms`): a seed is
 * reused for days, and an overdue alarm would wake every object as the server starts, before the cold-start figure
 * reaches them (the objects' next write sets it again).
 */
function settle(file) {
  const db = new DatabaseSync(file);
  try {
    const metadata = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_cf_METADATA'").get();
    // workerd keeps an object's alarm in its _cf_METADATA table, under key 1 (its time, in ns).
    if (metadata) db.exec("DELETE FROM _cf_METADATA WHERE key = 1");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

/** Miniflare's schedule of the objects' alarms (one row per object, in the namespace's metadata.sqlite), emptied. */
function dropAlarms(file) {
  if (!existsSync(file)) return;
  const db = new DatabaseSync(file);
  try {
    const alarms = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_cf_ALARM'").get();
    if (alarms) db.exec("DELETE FROM _cf_ALARM");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}
