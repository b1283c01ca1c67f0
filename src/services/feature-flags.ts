import { and, eq, inArray, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { environments, featureFlagStates, featureFlags, featureFlagTargets, organizations, users } from "../db/schema";
import type { Database } from "../env";
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

/** Removes a flag from the project, with its state and targets in every environment (cascade). */
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

/** The project's flags joined with this environment's state (absent state = disabled). */
const flagsOf = (db: Database, env: FlagEnvironment) =>
  db
    .select({ flag: featureFlags, enabled: featureFlagStates.enabled, stateUpdatedAt: featureFlagStates.updatedAt })
    .from(featureFlags)
    .leftJoin(featureFlagStates, and(eq(featureFlagStates.flagId, featureFlags.id), eq(featureFlagStates.environmentId, env.id)))
    .$dynamic();

type EnvFlag = { flag: FeatureFlagRow; enabled: boolean | null; stateUpdatedAt: string | null };

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

const pageOf = async (db: Database, env: FlagEnvironment, params: ListParams, filter?: ReturnType<typeof sql>) => {
  const q = paginate(featureFlags.id, params);
  const rows = await flagsOf(db, env)
    .where(where(stillOfEnvironmentProject(env.id), filter, q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(
    rows.map((r) => ({ ...r, id: r.flag.id })),
    serializeEnvFlag,
  );
};

export const listEnvFlags = (db: Database, env: FlagEnvironment, params: ListParams) => pageOf(db, env, params);

/**
 * The stored states of these flags in these environments, in one query (a primary-key seek per pair: a pair
 * without a row is disabled). The caller vouches that the environments are of the flags' project.
 */
export async function flagStatesOf(db: Database, environmentIds: string[], flagIds: string[]) {
  if (environmentIds.length === 0 || flagIds.length === 0) return [];
  return db
    .select({
      environmentId: featureFlagStates.environmentId,
      flagId: featureFlagStates.flagId,
      enabled: featureFlagStates.enabled,
    })
    .from(featureFlagStates)
    .where(and(inArray(featureFlagStates.environmentId, environmentIds), inArray(featureFlagStates.flagId, flagIds)))
    .all();
}

export async function getEnvFlag(db: Database, env: FlagEnvironment, slug: string): Promise<EnvFlag> {
  const row = SLUG_PATTERN.test(slug)
    ? await flagsOf(db, env)
        .where(and(stillOfEnvironmentProject(env.id), eq(featureFlags.slug, slug)))
        .get()
    : undefined;
  if (!row) throw flagNotFound(slug);
  return row;
}

/** Turns a flag on or off in this environment only. */
export async function setEnvFlagEnabled(db: Database, env: FlagEnvironment, slug: string, enabled: boolean) {
  const { flag } = await getEnvFlag(db, env, slug);
  await writeFlagState(db, env.id, flag.id, enabled);
  return getEnvFlag(db, env, slug);
}

/**
 * Switches one flag in one environment, written only while the flag is still of the environment's project: a
 * transfer that moved the environment between the flag's read and this write re-pointed its states at the
 * destination's flags, and a state of the source's flag would be lost there (409; the caller retries and finds
 * the destination's flag).
 */
export async function writeFlagState(db: Database, environmentId: string, flagId: string, enabled: boolean) {
  const now = new Date().toISOString();
  const written = await runCounted(
    db,
    db
      .insert(featureFlagStates)
      .select(
        db
          .select({
            environmentId: sql<string>`${environmentId}`.as("environment_id"),
            flagId: featureFlags.id,
            enabled: sql<boolean>`${enabled}`.as("enabled"),
            createdAt: sql<string>`${now}`.as("created_at"),
            updatedAt: sql<string>`${now}`.as("updated_at"),
          })
          .from(featureFlags)
          .where(and(eq(featureFlags.id, flagId), stillOfEnvironmentProject(environmentId))),
      )
      .onConflictDoUpdate({
        target: [featureFlagStates.environmentId, featureFlagStates.flagId],
        set: { enabled, updatedAt: now },
      }),
  );
  if (written === 0) throw environmentMoved();
}

/** A target's table, by the shape of its id: an organization (`org_…`) or a user (`user_…`). */
function targetTable(targetId: string) {
  const table = isId("organization", targetId) ? organizations : isId("user", targetId) ? users : undefined;
  if (!table) throw new ApiError("target_not_found", `No organization or user with id ${targetId} in this environment.`);
  return table;
}

/** A target must be an organization or a user of this very environment (anything else is not found). */
async function assertTarget(db: Database, env: FlagEnvironment, targetId: string) {
  const table = targetTable(targetId);
  const found = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.id, targetId), eq(table.environmentId, env.id)))
    .get();
  if (!found) throw notFound(table === organizations ? "organization" : "user", targetId);
}

/**
 * Written in one statement, only while the flag is still of the environment's project and the subject exists: a
 * subject deleted meanwhile has already had its targets deleted (the triggers of migration 0009), and a row
 * written after that would outlive it. Nothing written: already a target (a no-op), or the reason, found after.
 */
export async function addEnvFlagTarget(db: Database, env: FlagEnvironment, slug: string, targetId: string) {
  const { flag } = await getEnvFlag(db, env, slug);
  const table = targetTable(targetId);
  const written = await runCounted(
    db,
    db
      .insert(featureFlagTargets)
      .select(
        db
          .select({
            environmentId: sql<string>`${env.id}`.as("environment_id"),
            flagId: featureFlags.id,
            targetId: sql<string>`${targetId}`.as("target_id"),
            createdAt: sql<string>`${new Date().toISOString()}`.as("created_at"),
          })
          .from(featureFlags)
          .where(
            and(
              eq(featureFlags.id, flag.id),
              stillOfEnvironmentProject(env.id),
              sql`EXISTS (SELECT 1 FROM ${table} WHERE ${table.id} = ${targetId} AND ${table.environmentId} = ${env.id})`,
            ),
          ),
      )
      .onConflictDoNothing(),
  );
  if (written > 0) return;
  await assertTarget(db, env, targetId);
  const still = await db
    .select({ id: featureFlags.id })
    .from(featureFlags)
    .where(and(eq(featureFlags.id, flag.id), stillOfEnvironmentProject(env.id)))
    .get();
  if (!still) throw environmentMoved();
}

/** Idempotent for a target of this environment (a deleted organization's or user's targets went with it: 404). */
export async function removeEnvFlagTarget(db: Database, env: FlagEnvironment, slug: string, targetId: string) {
  const { flag } = await getEnvFlag(db, env, slug);
  const removed = await db
    .delete(featureFlagTargets)
    .where(
      and(
        eq(featureFlagTargets.environmentId, env.id),
        eq(featureFlagTargets.flagId, flag.id),
        eq(featureFlagTargets.targetId, targetId),
      ),
    )
    .returning({ id: featureFlagTargets.targetId });
  if (removed.length === 0) await assertTarget(db, env, targetId);
}

/**
 * The flags that evaluate to true for one organization or user of the environment: enabled here, and either
 * targeted at the subject or on by default (the SDK evaluator's rule, in SQL).
 */
export async function listFlagsFor(db: Database, env: FlagEnvironment, subjectId: string, params: ListParams) {
  await assertTarget(db, env, subjectId);
  const targeted = sql`EXISTS (SELECT 1 FROM ${featureFlagTargets} WHERE ${featureFlagTargets.environmentId} = ${env.id} AND ${featureFlagTargets.flagId} = ${featureFlags.id} AND ${featureFlagTargets.targetId} = ${subjectId})`;
  return pageOf(db, env, params, sql`${featureFlagStates.enabled} = 1 AND (${featureFlags.defaultValue} = 1 OR ${targeted})`);
}

/**
 * The slugs of the flags on for a signed-in user (and the organization of the session, when it has one): the
 * same rule as `listFlagsFor`, with either subject targeted. One query; for the access token's `feature_flags`.
 */
export async function enabledFlagSlugsFor(db: Database, env: FlagEnvironment, subjectIds: string[]): Promise<string[]> {
  const ids = subjectIds.filter(Boolean);
  const targeted = ids.length
    ? sql`EXISTS (SELECT 1 FROM ${featureFlagTargets} WHERE ${featureFlagTargets.environmentId} = ${env.id} AND ${featureFlagTargets.flagId} = ${featureFlags.id} AND ${inArray(featureFlagTargets.targetId, ids)})`
    : sql`0`;
  const rows = await flagsOf(db, env)
    .where(
      and(
        stillOfEnvironmentProject(env.id),
        sql`${featureFlagStates.enabled} = 1 AND (${featureFlags.defaultValue} = 1 OR ${targeted})`,
      ),
    )
    .orderBy(featureFlags.slug);
  return rows.map((r) => r.flag.slug);
}

/** One entry of the runtime client's payload (`FlagPollEntry` in the SDK). */
export interface FlagPollEntry {
  slug: string;
  enabled: boolean;
  default_value: boolean;
  targets: { users: { id: string; enabled: boolean }[]; organizations: { id: string; enabled: boolean }[] };
}

/** `GET /sdk/feature-flags`: every flag of the environment keyed by slug, with its targets, for local evaluation. */
export async function pollPayload(db: Database, env: FlagEnvironment): Promise<InferOutput<typeof FlagPollPayload>> {
  const [flags, targets] = await Promise.all([
    flagsOf(db, env).where(stillOfEnvironmentProject(env.id)).orderBy(featureFlags.id),
    // Every stored target is of a user or organization of this environment: deleting one deletes its targets
    // (triggers of migrations/0009), and a target is only written while its subject exists (addEnvFlagTarget).
    db
      .select({ flagId: featureFlagTargets.flagId, targetId: featureFlagTargets.targetId })
      .from(featureFlagTargets)
      .where(eq(featureFlagTargets.environmentId, env.id))
      .orderBy(featureFlagTargets.flagId, featureFlagTargets.targetId),
  ]);
  const out: Record<string, FlagPollEntry> = {};
  const byId = new Map<string, FlagPollEntry>();
  for (const { flag, enabled } of flags) {
    const entry: FlagPollEntry = {
      slug: flag.slug,
      enabled: Boolean(enabled),
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
 * The statements that copy flag definitions into `projectId` (new ids, same slugs, names, descriptions,
 * tags and default values) and re-point the moving environments' own state and targets at the
 * destination's flag of the same slug (copied or reused): they keep their enabled state and targets; the
 * destination's other environments have no state row, i.e. the flag is disabled there. Rows written:
 * one per copied flag, plus one per state and target row of the moving environments.
 */
export function copyFeatureFlagStatements(
  db: Database,
  copied: FeatureFlagRow[],
  projectId: string,
  movingEnvironmentIds: string[],
  now: string,
) {
  const rows = copied.map((f) => ({ ...f, id: newId("featureFlag"), projectId, createdAt: now, updatedAt: now }));
  const destinationFlagOf = (flagId: typeof featureFlagStates.flagId | typeof featureFlagTargets.flagId) =>
    sql`(SELECT d.id FROM feature_flags d JOIN feature_flags s ON s.slug = d.slug WHERE s.id = ${flagId} AND d.project_id = ${projectId})`;
  return [
    ...insertChunks(db, featureFlags, rows, 9),
    db
      .update(featureFlagStates)
      .set({ flagId: destinationFlagOf(featureFlagStates.flagId) })
      .where(inArray(featureFlagStates.environmentId, movingEnvironmentIds)),
    db
      .update(featureFlagTargets)
      .set({ flagId: destinationFlagOf(featureFlagTargets.flagId) })
      .where(inArray(featureFlagTargets.environmentId, movingEnvironmentIds)),
  ];
}

/** Every flag definition of a project, by id. */
export const projectFlagRows = (db: Database, projectId: string) =>
  db.select().from(featureFlags).where(eq(featureFlags.projectId, projectId)).orderBy(featureFlags.id).all();

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeProjectFlag, typeof ProjectFeatureFlagObject>;
