import { and, eq, inArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { InferOutput } from "valibot";
import { environments, featureFlagStates, featureFlags, featureFlagTargets, organizations, users } from "../db/schema";
import type { StoreFor } from "../db/store-client";
import type { Database, StoreDatabase } from "../env";
import { batch, runCounted } from "../lib/batch";
import { ApiError, notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { ProjectFeatureFlagObject } from "../schemas/feature-flags";
import { type FeatureFlagObject, type FlagPollPayload, SLUG_PATTERN } from "../schemas/feature-flags";
import type { Serializes } from "../schemas/fields";
import type { EnvironmentRow } from "./environments";
import type { ActorRef } from "./people/actor";
import { insertChunks } from "./project-config-kinds";
import { getProject } from "./projects";
import { recordTeamEvent } from "./team-events";

/**
 * Feature flags: defined once per project (Platform API), switched on and targeted per environment
 * (environment API). No state row = disabled in that environment.
 *
 * Evaluation follows @workos-inc/node 11's runtime client (feature-flags/evaluator.ts), so the server's
 * per-user / per-organization answers equal the SDK's local ones for the same `/sdk/feature-flags` payload:
 * unknown flag → not listed; disabled in the environment → false; a target matching the subject → true;
 * otherwise the flag's `default_value`.
 */
export type FeatureFlagRow = typeof featureFlags.$inferSelect;

export const serializeProjectFlag = (f: FeatureFlagRow) => ({
  object: "feature_flag" as const,
  id: f.id,
  project_id: f.projectId,
  slug: f.slug,
  name: f.name,
  description: f.description,
  tags: f.tags,
  default_value: f.defaultValue,
  created_at: f.createdAt,
  updated_at: f.updatedAt,
});

// ---- Platform API: definitions of a project ---------------------------------------------------------

export async function listProjectFlags(db: Database, projectId: string, params: ListParams) {
  const q = paginate(featureFlags.id, params);
  const rows = await db
    .select()
    .from(featureFlags)
    .where(where(eq(featureFlags.projectId, projectId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeProjectFlag);
}

export async function getProjectFlag(db: Database, projectId: string, slug: string): Promise<FeatureFlagRow> {
  const row = SLUG_PATTERN.test(slug)
    ? await db
        .select()
        .from(featureFlags)
        .where(and(eq(featureFlags.projectId, projectId), eq(featureFlags.slug, slug)))
        .get()
    : undefined;
  if (!row) throw flagNotFound(slug);
  return row;
}

export interface FlagPatch {
  name?: string;
  description?: string | null;
  tags?: string[];
  default_value?: boolean;
}

/** Edits a definition (no coordinator: it neither adds nor removes configuration). */
export async function updateProjectFlag(
  db: Database,
  teamId: string,
  actor: ActorRef,
  projectId: string,
  slug: string,
  patch: FlagPatch,
) {
  const flag = await getProjectFlag(db, projectId, slug);
  const set = {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.tags !== undefined && { tags: patch.tags }),
    ...(patch.default_value !== undefined && { defaultValue: patch.default_value }),
    updatedAt: new Date().toISOString(),
  };
  const [updated] = await batch(db, [
    db.update(featureFlags).set(set).where(eq(featureFlags.id, flag.id)).returning(),
    recordTeamEvent(db, teamId, "project_config.updated", actor, {
      project_id: projectId,
      feature_flag_id: flag.id,
      slug,
      change: "feature_flag_updated",
    }),
  ]);
  const row = (updated as FeatureFlagRow[])[0];
  if (!row) throw flagNotFound(slug);
  return row;
}

// ---- Operations run inside the project's coordinator (serialized with transfers out) ---------------

export interface CreateFeatureFlagOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
  flag: { id: string; slug: string; name: string; description?: string | null; tags: string[]; default_value: boolean };
}

export interface DeleteFeatureFlagOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
  slug: string;
}

/** Defines a flag for the whole project (in the project's coordinator: serialized with transfers out). */
export async function applyCreateFeatureFlag(db: Database, op: CreateFeatureFlagOp): Promise<FeatureFlagRow> {
  const again = await db.select().from(featureFlags).where(eq(featureFlags.id, op.flag.id)).get();
  if (again) return again; // a retry of an operation that already committed
  await getProject(db, op.teamId, op.projectId); // deleted while this operation waited its turn: 404
  const taken = await db
    .select({ id: featureFlags.id })
    .from(featureFlags)
    .where(and(eq(featureFlags.projectId, op.projectId), eq(featureFlags.slug, op.flag.slug)))
    .get();
  if (taken) throw slugTaken(op.flag.slug);
  const now = new Date().toISOString();
  const row: FeatureFlagRow = {
    id: op.flag.id,
    projectId: op.projectId,
    slug: op.flag.slug,
    name: op.flag.name,
    description: op.flag.description ?? null,
    tags: op.flag.tags,
    defaultValue: op.flag.default_value,
    createdAt: now,
    updatedAt: now,
  };
  await batch(db, [
    db.insert(featureFlags).values(row),
    recordTeamEvent(db, op.teamId, "project_config.updated", op.actor, {
      project_id: op.projectId,
      feature_flag_id: row.id,
      slug: row.slug,
      change: "feature_flag_created",
    }),
  ]);
  return row;
}

/**
 * Removes a flag from the project, with its state and targets in every environment whose data is in D1 (cascade);
 * an environment's own store keeps them, and its readers ignore them (the flag is no longer of its project).
 */
export async function applyDeleteFeatureFlag(db: Database, op: DeleteFeatureFlagOp): Promise<{ deleted: true }> {
  const flag = await getProjectFlag(db, op.projectId, op.slug);
  await batch(db, [
    db.delete(featureFlags).where(eq(featureFlags.id, flag.id)),
    recordTeamEvent(db, op.teamId, "project_config.updated", op.actor, {
      project_id: op.projectId,
      feature_flag_id: flag.id,
      slug: flag.slug,
      change: "feature_flag_deleted",
    }),
  ]);
  return { deleted: true };
}

// ---- Environment API: the project's flags as one environment sees them ------------------------------

/** What the environment API's flag reads and writes need of the environment. */
type FlagEnvironment = Pick<EnvironmentRow, "id" | "projectId">;

type EnvFlag = { flag: FeatureFlagRow; enabled: boolean | null; stateUpdatedAt: string | null };

/*
 * The definitions are the control plane's (D1), the states and targets the environment's (its store): every read
 * takes the flags of the environment's project from D1 first, then their states from the store. A state or target
 * row of a flag no longer of the project (a transfer re-pointed the environment, a flag was deleted) is ignored:
 * no store row is trusted to name a live flag.
 */

/** WorkOS's feature flag object, as `workos.featureFlags.*` deserializes it. */
export const serializeEnvFlag = ({ flag, enabled, stateUpdatedAt }: EnvFlag): InferOutput<typeof FeatureFlagObject> => ({
  object: "feature_flag" as const,
  id: flag.id,
  slug: flag.slug,
  name: flag.name,
  description: flag.description,
  tags: flag.tags,
  enabled: Boolean(enabled),
  default_value: flag.defaultValue,
  created_at: flag.createdAt,
  updated_at: stateUpdatedAt && stateUpdatedAt > flag.updatedAt ? stateUpdatedAt : flag.updatedAt,
});

/** `column IN ids` with one bound JSON array, whatever the number of ids (D1 binds at most 100 values). */
const inJson = (column: SQLiteColumn, ids: string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** The project's flags as the environment's project is now (D1). */
const projectFlagsOf = (db: Database, env: FlagEnvironment) =>
  db.select().from(featureFlags).where(stillOfEnvironmentProject(env.id)).$dynamic();

/** This environment's stored states of these flags (store); a flag without one is disabled. */
async function statesOf(store: StoreDatabase, env: FlagEnvironment, flagIds: string[]) {
  if (flagIds.length === 0) return new Map<string, { enabled: boolean; updatedAt: string }>();
  const rows = await store
    .select({ flagId: featureFlagStates.flagId, enabled: featureFlagStates.enabled, updatedAt: featureFlagStates.updatedAt })
    .from(featureFlagStates)
    .where(and(eq(featureFlagStates.environmentId, env.id), inJson(featureFlagStates.flagId, flagIds)))
    .all();
  return new Map(rows.map((r) => [r.flagId, { enabled: r.enabled, updatedAt: r.updatedAt }]));
}

/** The flags joined with this environment's states (absent state = disabled). */
async function withStates(store: StoreDatabase, env: FlagEnvironment, flags: FeatureFlagRow[]): Promise<EnvFlag[]> {
  const states = await statesOf(
    store,
    env,
    flags.map((f) => f.id),
  );
  return flags.map((flag) => {
    const state = states.get(flag.id);
    return { flag, enabled: state?.enabled ?? null, stateUpdatedAt: state?.updatedAt ?? null };
  });
}

const pageOf = async (
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
  params: ListParams,
  filter?: ReturnType<typeof sql>,
) => {
  const q = paginate(featureFlags.id, params);
  const flags = await projectFlagsOf(db, env)
    .where(where(stillOfEnvironmentProject(env.id), filter, q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  const rows = await withStates(store, env, flags);
  return q.page(
    rows.map((r) => ({ ...r, id: r.flag.id })),
    serializeEnvFlag,
  );
};

export const listEnvFlags = (db: Database, store: StoreDatabase, env: FlagEnvironment, params: ListParams) =>
  pageOf(db, store, env, params);

/**
 * The stored states of these flags in one environment (a primary-key seek per flag: a flag without a row is
 * disabled), from that environment's store. The caller vouches that the environment is of the flags' project, and
 * passes a page of them (their ids are bound one by one: a seek each, at most 99).
 */
export async function flagStatesOf(store: StoreDatabase, environmentId: string, flagIds: string[]) {
  if (flagIds.length === 0) return [];
  return store
    .select({
      environmentId: featureFlagStates.environmentId,
      flagId: featureFlagStates.flagId,
      enabled: featureFlagStates.enabled,
    })
    .from(featureFlagStates)
    .where(and(eq(featureFlagStates.environmentId, environmentId), inArray(featureFlagStates.flagId, flagIds)))
    .all();
}

export async function getEnvFlag(db: Database, store: StoreDatabase, env: FlagEnvironment, slug: string): Promise<EnvFlag> {
  const flag = SLUG_PATTERN.test(slug)
    ? await projectFlagsOf(db, env)
        .where(and(stillOfEnvironmentProject(env.id), eq(featureFlags.slug, slug)))
        .get()
    : undefined;
  if (!flag) throw flagNotFound(slug);
  const [row] = await withStates(store, env, [flag]);
  return row as EnvFlag;
}

/** Turns a flag on or off in this environment only. */
export async function setEnvFlagEnabled(
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
  slug: string,
  enabled: boolean,
) {
  const { flag } = await getEnvFlag(db, store, env, slug);
  await writeFlagState(db, store, env.id, flag.id, enabled);
  return getEnvFlag(db, store, env, slug);
}

/** Refuses a write for a flag no longer of the environment's project (D1), before the write to its store. */
async function assertStillOfProject(db: Database, environmentId: string, flagId: string) {
  const still = await db
    .select({ id: featureFlags.id })
    .from(featureFlags)
    .where(and(eq(featureFlags.id, flagId), stillOfEnvironmentProject(environmentId)))
    .get();
  if (!still) throw environmentMoved();
}

/**
 * Switches one flag in one environment, written only while the flag is still of the environment's project: a
 * transfer that moved the environment between the flag's read and this check re-pointed its states at the
 * destination's flags (409; the caller retries and finds the destination's flag). A transfer between the check
 * and the write leaves a state of the source's flag, which the readers ignore (see above).
 */
export async function writeFlagState(
  db: Database,
  store: StoreDatabase,
  environmentId: string,
  flagId: string,
  enabled: boolean,
) {
  await assertStillOfProject(db, environmentId, flagId);
  const now = new Date().toISOString();
  await runCounted(
    store,
    store
      .insert(featureFlagStates)
      .values({ environmentId, flagId, enabled, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [featureFlagStates.environmentId, featureFlagStates.flagId],
        set: { enabled, updatedAt: now },
      }),
  );
}

/** A target's table, by the shape of its id: an organization (`org_…`) or a user (`user_…`). */
function targetTable(targetId: string) {
  const table = isId("organization", targetId) ? organizations : isId("user", targetId) ? users : undefined;
  if (!table) throw new ApiError("target_not_found", `No organization or user with id ${targetId} in this environment.`);
  return table;
}

/** A target must be an organization or a user of this very environment (anything else is not found). */
async function assertTarget(store: StoreDatabase, env: FlagEnvironment, targetId: string) {
  const table = targetTable(targetId);
  const found = await store
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.id, targetId), eq(table.environmentId, env.id)))
    .get();
  if (!found) throw notFound(table === organizations ? "organization" : "user", targetId);
}

/**
 * Written only while the flag is still of the environment's project (checked in D1 first) and, in the same
 * statement, while the subject exists: a subject deleted meanwhile has already had its targets deleted (the
 * triggers of migration 0009), and a row written after that would outlive it. Nothing written: already a target
 * (a no-op), or the reason, found after.
 */
export async function addEnvFlagTarget(db: Database, store: StoreDatabase, env: FlagEnvironment, slug: string, targetId: string) {
  const { flag } = await getEnvFlag(db, store, env, slug);
  const table = targetTable(targetId);
  await assertStillOfProject(db, env.id, flag.id);
  const written = await runCounted(
    store,
    store
      .insert(featureFlagTargets)
      .select(
        sql`SELECT ${env.id}, ${flag.id}, ${targetId}, ${new Date().toISOString()} WHERE EXISTS (SELECT 1 FROM ${table} WHERE ${table.id} = ${targetId} AND ${table.environmentId} = ${env.id})`,
      )
      .onConflictDoNothing(),
  );
  if (written > 0) return;
  await assertTarget(store, env, targetId);
}

/** Idempotent for a target of this environment (a deleted organization's or user's targets went with it: 404). */
export async function removeEnvFlagTarget(
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
  slug: string,
  targetId: string,
) {
  const { flag } = await getEnvFlag(db, store, env, slug);
  const removed = await store
    .delete(featureFlagTargets)
    .where(
      and(
        eq(featureFlagTargets.environmentId, env.id),
        eq(featureFlagTargets.flagId, flag.id),
        eq(featureFlagTargets.targetId, targetId),
      ),
    )
    .returning({ id: featureFlagTargets.targetId });
  if (removed.length === 0) await assertTarget(store, env, targetId);
}

/**
 * The ids of the flags enabled in this environment, and of those targeted at any of these subjects (store): what
 * the D1 query of the flags then filters by.
 */
async function enabledAndTargeted(store: StoreDatabase, env: FlagEnvironment, subjectIds: string[]) {
  const [enabled, targeted] = await Promise.all([
    store
      .select({ flagId: featureFlagStates.flagId })
      .from(featureFlagStates)
      .where(and(eq(featureFlagStates.environmentId, env.id), eq(featureFlagStates.enabled, true)))
      .all(),
    subjectIds.length
      ? store
          .select({ flagId: featureFlagTargets.flagId })
          .from(featureFlagTargets)
          .where(and(eq(featureFlagTargets.environmentId, env.id), inArray(featureFlagTargets.targetId, subjectIds)))
          .all()
      : Promise.resolve([]),
  ]);
  return { enabled: enabled.map((r) => r.flagId), targeted: [...new Set(targeted.map((r) => r.flagId))] };
}

/** Enabled here, and either targeted at a subject or on by default (the SDK evaluator's rule), as a D1 condition. */
const onFor = ({ enabled, targeted }: { enabled: string[]; targeted: string[] }) =>
  enabled.length === 0
    ? sql`0`
    : sql`${inJson(featureFlags.id, enabled)} AND (${featureFlags.defaultValue} = 1${targeted.length ? sql` OR ${inJson(featureFlags.id, targeted)}` : sql``})`;

/**
 * The flags that evaluate to true for one organization or user of the environment: enabled here, and either
 * targeted at the subject or on by default (the SDK evaluator's rule).
 */
export async function listFlagsFor(
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
  subjectId: string,
  params: ListParams,
) {
  await assertTarget(store, env, subjectId);
  return pageOf(db, store, env, params, onFor(await enabledAndTargeted(store, env, [subjectId])));
}

/**
 * The slugs of the flags on for a signed-in user (and the organization of the session, when it has one): the
 * same rule as `listFlagsFor`, with either subject targeted. For the access token's `feature_flags`.
 */
export async function enabledFlagSlugsFor(
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
  subjectIds: string[],
): Promise<string[]> {
  const on = await enabledAndTargeted(store, env, subjectIds.filter(Boolean));
  if (on.enabled.length === 0) return [];
  const rows = await projectFlagsOf(db, env)
    .where(and(stillOfEnvironmentProject(env.id), onFor(on)))
    .orderBy(featureFlags.slug);
  return rows.map((r) => r.slug);
}

/** One entry of the runtime client's payload (`FlagPollEntry` in the SDK). */
export interface FlagPollEntry {
  slug: string;
  enabled: boolean;
  default_value: boolean;
  targets: { users: { id: string; enabled: boolean }[]; organizations: { id: string; enabled: boolean }[] };
}

/** `GET /sdk/feature-flags`: every flag of the environment keyed by slug, with its targets, for local evaluation. */
export async function pollPayload(
  db: Database,
  store: StoreDatabase,
  env: FlagEnvironment,
): Promise<InferOutput<typeof FlagPollPayload>> {
  const [flags, states, targets] = await Promise.all([
    projectFlagsOf(db, env).orderBy(featureFlags.id),
    store
      .select({ flagId: featureFlagStates.flagId, enabled: featureFlagStates.enabled })
      .from(featureFlagStates)
      .where(eq(featureFlagStates.environmentId, env.id))
      .all(),
    // Every stored target is of a user or organization of this environment: deleting one deletes its targets
    // (triggers of migrations/0009), and a target is only written while its subject exists (addEnvFlagTarget).
    store
      .select({ flagId: featureFlagTargets.flagId, targetId: featureFlagTargets.targetId })
      .from(featureFlagTargets)
      .where(eq(featureFlagTargets.environmentId, env.id))
      .orderBy(featureFlagTargets.flagId, featureFlagTargets.targetId),
  ]);
  const enabledIds = new Set(states.filter((s) => s.enabled).map((s) => s.flagId));
  const out: Record<string, FlagPollEntry> = {};
  const byId = new Map<string, FlagPollEntry>();
  for (const flag of flags) {
    const entry: FlagPollEntry = {
      slug: flag.slug,
      enabled: enabledIds.has(flag.id),
      default_value: flag.defaultValue,
      targets: { users: [], organizations: [] },
    };
    out[flag.slug] = entry;
    byId.set(flag.id, entry);
  }
  for (const t of targets) {
    const entry = byId.get(t.flagId);
    if (!entry) continue;
    (isId("user", t.targetId) ? entry.targets.users : entry.targets.organizations).push({ id: t.targetId, enabled: true });
  }
  return out;
}

/** The flag belongs to the environment's project as it is now (not as it was when the key was checked). */
const stillOfEnvironmentProject = (environmentId: string) =>
  sql`${featureFlags.projectId} = (SELECT ${environments.projectId} FROM ${environments} WHERE ${environments.id} = ${environmentId})`;

const environmentMoved = () => new ApiError("environment_moved", "The environment moved to another project meanwhile; retry.");

const flagNotFound = (slug: string) => new ApiError("feature_flag_not_found", `No feature flag with slug ${slug}.`);

const slugTaken = (slug: string) =>
  new ApiError("feature_flag_slug_taken", `This project already has a feature flag with slug ${slug}.`, {
    errors: [{ field: "slug", code: "taken", message: "is already the slug of a feature flag of this project." }],
  });

// ---- Transfers: copying a project's flag definitions into another project ----------------------------

/** Same definition: what the SDK and the evaluation see (slug, name, description, tags, default value). */
const sameDefinition = (a: FeatureFlagRow, b: FeatureFlagRow) =>
  a.name === b.name &&
  a.description === b.description &&
  a.defaultValue === b.defaultValue &&
  JSON.stringify(a.tags) === JSON.stringify(b.tags);

/**
 * How the source's flags go into a destination: a slug the destination lacks is copied (new id), a slug
 * it has with the same definition is reused as it is, a slug it has with another definition is a conflict.
 */
export function planFeatureFlagCopy(source: FeatureFlagRow[], destination: FeatureFlagRow[]) {
  const there = new Map(destination.map((f) => [f.slug, f]));
  const copied = source.filter((f) => !there.has(f.slug));
  const reused = source.filter((f) => there.has(f.slug) && sameDefinition(f, there.get(f.slug)!)).map((f) => f.slug);
  const conflicts = source.filter((f) => there.has(f.slug) && !sameDefinition(f, there.get(f.slug)!)).map((f) => f.slug);
  return { copied, reused, conflicts };
}

/**
 * The inserts that copy flag definitions into `projectId` (new ids, same slugs, names, descriptions, tags and
 * default values): one row written per copied flag. The moving environments' states and targets follow once the
 * move is committed (`repointFlagStates`).
 */
export function copyFeatureFlagStatements(db: Database, copied: FeatureFlagRow[], projectId: string, now: string) {
  const rows = copied.map((f) => ({ ...f, id: newId("featureFlag"), projectId, createdAt: now, updatedAt: now }));
  return insertChunks(db, featureFlags, rows, 9);
}

/**
 * After a committed transfer: each moving environment's states and targets, in its own store, re-pointed at the
 * destination's flag of the same slug (copied or reused), so they keep their enabled state and targets; the
 * destination's other environments have no state row (disabled there). The pairs are read from D1 (the source's
 * and the destination's flags by slug); each store gets one batch that copies its rows onto the destination's flags
 * and deletes those of the source's. Idempotent: a retry finds nothing left of the source's flags to copy. Until it
 * ran, the environment's states name flags no longer of its project, which the readers ignore (disabled).
 */
export async function repointFlagStates(
  db: Database,
  storeFor: StoreFor,
  sourceProjectId: string,
  destinationProjectId: string,
  environmentIds: string[],
) {
  const [source, destination, moved] = await Promise.all([
    projectFlagRows(db, sourceProjectId),
    projectFlagRows(db, destinationProjectId),
    db
      .select({ id: environments.id, dataLocation: environments.dataLocation })
      .from(environments)
      .where(inArray(environments.id, environmentIds)),
  ]);
  const there = new Map(destination.map((f) => [f.slug, f.id]));
  const pairs: Record<string, string> = {};
  for (const f of source) {
    const to = there.get(f.slug);
    if (to) pairs[f.id] = to;
  }
  if (Object.keys(pairs).length === 0) return;
  // One JSON parameter whatever the number of flags (a statement binds at most 100 values on D1).
  const map = JSON.stringify(pairs);
  for (const { id: environmentId, dataLocation } of moved) {
    const store = storeFor({ id: environmentId, dataLocation });
    const now = new Date().toISOString();
    await batch(store, [
      store
        .insert(featureFlagStates)
        .select(
          sql`SELECT s.environment_id, m.value, s.enabled, s.created_at, ${now} FROM ${featureFlagStates} s JOIN json_each(${map}) m ON m.key = s.flag_id WHERE s.environment_id = ${environmentId}`,
        )
        .onConflictDoUpdate({
          target: [featureFlagStates.environmentId, featureFlagStates.flagId],
          set: { enabled: sql`excluded.enabled`, updatedAt: now },
        }),
      store
        .insert(featureFlagTargets)
        .select(
          sql`SELECT t.environment_id, m.value, t.target_id, t.created_at FROM ${featureFlagTargets} t JOIN json_each(${map}) m ON m.key = t.flag_id WHERE t.environment_id = ${environmentId}`,
        )
        .onConflictDoNothing(),
      store
        .delete(featureFlagStates)
        .where(
          and(
            eq(featureFlagStates.environmentId, environmentId),
            sql`${featureFlagStates.flagId} IN (SELECT key FROM json_each(${map}))`,
          ),
        ),
      store
        .delete(featureFlagTargets)
        .where(
          and(
            eq(featureFlagTargets.environmentId, environmentId),
            sql`${featureFlagTargets.flagId} IN (SELECT key FROM json_each(${map}))`,
          ),
        ),
    ]);
  }
}

/** Every flag definition of a project, by id. */
export const projectFlagRows = (db: Database, projectId: string) =>
  db.select().from(featureFlags).where(eq(featureFlags.projectId, projectId)).orderBy(featureFlags.id).all();

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeProjectFlag, typeof ProjectFeatureFlagObject>;
