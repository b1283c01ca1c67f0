import { and, eq, inArray, sql } from "drizzle-orm";
import { environments, projects, transfers } from "../db/schema";
import { coordinate } from "../coordinator/client";
import type { Database, Env, PlatformCaller } from "../env";
import { batch } from "../lib/batch";
import { canonicalJson, sha256Hex } from "../lib/crypto";
import { ApiError, type ErrorCode } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import { type EnvironmentRow, serializeEnvironment } from "./environments";
import { labelOf, noUncopyableConfig, type ProjectConfigKind, uncopyableConfigOf } from "./project-config-kinds";
import { getProject, type ProjectRow, serializeProject } from "./projects";
import { recordTeamEvent } from "./team-events";
import type { TeamRow } from "./teams";

/**
 * The transfer rules, in one place. `assessTransfer` finds every blocker (the review step lists them all);
 * `applyTransfer` runs inside the source project's coordinator, re-assesses, and writes one guarded batch.
 */

/** At most this many environments per transfer (keeps the guarded batch under D1's 100 bound parameters). */
export const MAX_TRANSFER_ENVIRONMENTS = 50;

export interface Blocker {
  code: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

export interface TransferAssessment {
  source: ProjectRow;
  moving: EnvironmentRow[];
  remaining: EnvironmentRow[];
  blockers: Blocker[];
  previewToken: string;
}

export async function assessTransfer(db: Database, teamId: string, sourceProjectId: string, environmentIds: string[]): Promise<TransferAssessment> {
  const source = await getProject(db, teamId, sourceProjectId);
  const ids = [...new Set(environmentIds)];
  const [sourceEnvs, requested, kinds] = await Promise.all([
    db.select().from(environments).where(eq(environments.projectId, source.id)).orderBy(environments.id).all(),
    ids.length
      ? db.select().from(environments).where(and(inArray(environments.id, ids), eq(environments.teamId, teamId))).all()
      : Promise.resolve([] as EnvironmentRow[]),
    uncopyableConfigOf(db, source.id),
  ]);
  const found = new Map(requested.map((e) => [e.id, e]));
  const moving = sourceEnvs.filter((e) => found.has(e.id));
  const remaining = sourceEnvs.filter((e) => !found.has(e.id));
  const blockers: Blocker[] = [];

  if (ids.length === 0)
    blockers.push({ code: "transfer_requires_environments", message: "Choose at least one environment to transfer." });
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    blockers.push({ code: "environment_not_found", message: `No environment with id ${missing.join(", ")}.`, environment_ids: missing });
  const elsewhere = requested.filter((e) => e.projectId !== source.id);
  if (elsewhere.length)
    blockers.push({
      code: "environments_from_multiple_projects",
      message: `All transferred environments must come from the source project ${source.name}; ${elsewhere.map((e) => e.name).join(", ")} belong to another project.`,
      environment_ids: elsewhere.map((e) => e.id),
      project_ids: [...new Set(elsewhere.map((e) => e.projectId))],
    });
  if (moving.length > 0 && remaining.length === 0)
    blockers.push({
      code: "source_project_must_keep_environment",
      message: `The source project ${source.name} must keep at least one environment; you can't move all of them out.`,
    });
  if (kinds.length)
    blockers.push({
      code: "source_project_config_not_copyable",
      message: `The source project has project-level configuration that can't be copied to a new project yet: ${kinds.map(labelOf).join(", ")}.`,
      kinds,
    });

  const previewToken = await fingerprint(source, sourceEnvs, ids, kinds);
  return { source, moving, remaining, blockers, previewToken };
}

/** Binds a review to the source as it was: any change to its environments or configuration makes it stale. */
async function fingerprint(source: ProjectRow, sourceEnvs: EnvironmentRow[], ids: string[], kinds: ProjectConfigKind[]) {
  const state = {
    source: source.id,
    environments: sourceEnvs.map((e) => [e.id, e.name, e.production]),
    requested: [...ids].sort(),
    config: kinds,
  };
  return `tpv_${(await sha256Hex(canonicalJson(state))).slice(0, 40)}`;
}

const blockerError = ({ code, message, ...details }: Blocker) => new ApiError(code, message, details);

/** The review step: what moves (staging and production), what stays, every blocker, what to acknowledge. */
export async function previewTransfer(db: Database, team: TeamRow, input: { source_project_id: string; environment_ids: string[] }) {
  const a = await assessTransfer(db, team.id, input.source_project_id, input.environment_ids);
  const env = (e: EnvironmentRow) => serializeEnvironment(e, team);
  return {
    object: "transfer_preview" as const,
    source_project: serializeProject(a.source),
    environments: { staging: a.moving.filter((e) => !e.production).map(env), production: a.moving.filter((e) => e.production).map(env) },
    remaining_environments: a.remaining.map(env),
    blockers: a.blockers,
    implications: [
      { code: "irreversible", message: `The environments leave ${a.source.name} for good: a transfer cannot be undone.` },
      { code: "not_self_serve", message: `Replacing the transferred environments in ${a.source.name} isn't self-serve.` },
      { code: "credentials_unchanged", message: "Ids, API keys and client ids of the moved environments keep working unchanged." },
    ],
    transferable: a.blockers.length === 0,
    preview_token: a.previewToken,
  };
}

export interface TransferOp {
  teamId: string;
  actor: string;
  sourceProjectId: string;
  environmentIds: string[];
  previewToken?: string;
  /** Minted by the caller before the first attempt, so a retried operation writes the same rows. */
  transferId: string;
  project: { id: string; name: string };
}

export interface TransferResult {
  project: ProjectRow;
  environments: EnvironmentRow[];
  transferId: string;
}

/**
 * Moves environments out of the source into a new project, all or nothing. Runs in the source project's
 * coordinator (serialized with every other change to the source's environment set), and its batch guards
 * itself: the transfer record's NOT NULL `environment_count` is NULL unless the rules still hold, which
 * aborts the whole batch, so the rules hold even for a write that went around the coordinator.
 */
export async function applyTransfer(db: Database, op: TransferOp): Promise<TransferResult> {
  const done = await committedTransfer(db, op);
  if (done) return done; // a retry of an operation that already committed

  const a = await assessTransfer(db, op.teamId, op.sourceProjectId, op.environmentIds);
  if (a.blockers.length) throw blockerError(a.blockers[0]);
  if (op.previewToken !== undefined && op.previewToken !== a.previewToken)
    throw new ApiError("transfer_preview_stale", "The source project changed since it was reviewed. Preview the transfer again.", {
      preview_token: a.previewToken,
    });

  const ids = a.moving.map((e) => e.id);
  const k = ids.length;
  const now = new Date().toISOString();
  const stillValid = sql`(SELECT count(*) FROM ${environments} WHERE ${and(eq(environments.projectId, a.source.id), inArray(environments.id, ids))}) = ${k}
    AND (SELECT count(*) FROM ${environments} WHERE ${eq(environments.projectId, a.source.id)}) > ${k}
    AND ${noUncopyableConfig(a.source.id)}`;
  try {
    await batch(db, [
      db.insert(transfers).values({
        id: op.transferId,
        teamId: op.teamId,
        sourceProjectId: a.source.id,
        sourceProjectName: a.source.name,
        destinationProjectId: op.project.id,
        environmentIds: ids,
        environmentCount: sql`CASE WHEN ${stillValid} THEN ${k} END`,
        actor: op.actor,
        createdAt: now,
      }),
      db.insert(projects).values({ id: op.project.id, teamId: op.teamId, name: op.project.name, createdAt: now, updatedAt: now }),
      db
        .update(environments)
        .set({ projectId: op.project.id, updatedAt: now })
        .where(and(inArray(environments.id, ids), eq(environments.projectId, a.source.id))),
      recordTeamEvent(db, op.teamId, "project.created", op.actor, {
        project_id: op.project.id,
        name: op.project.name,
        transfer_id: op.transferId,
        environment_ids: ids,
      }),
      ...a.moving.map((e) =>
        recordTeamEvent(db, op.teamId, "environment.transferred", op.actor, {
          environment_id: e.id,
          name: e.name,
          from_project_id: a.source.id,
          to_project_id: op.project.id,
          transfer_id: op.transferId,
        }),
      ),
    ]);
  } catch (err) {
    // D1 may report an error for a write that committed: the transfer record says which.
    const committed = await committedTransfer(db, op);
    if (committed) return committed;
    if (!/NOT NULL constraint failed: transfers\.environment_count/.test(String((err as Error)?.message) + String((err as Error)?.cause))) throw err;
    // The guard refused: the source changed under us (a write that went around the coordinator). Say which rule.
    const now = await assessTransfer(db, op.teamId, op.sourceProjectId, op.environmentIds);
    if (now.blockers.length) throw blockerError(now.blockers[0]);
    throw new ApiError("transfer_conflict", "The source project changed while the transfer ran; nothing was moved. Preview it again.");
  }
  return committedTransfer(db, op) as Promise<TransferResult>;
}

async function committedTransfer(db: Database, op: TransferOp): Promise<TransferResult | undefined> {
  const record = await db.select().from(transfers).where(eq(transfers.id, op.transferId)).get();
  if (!record) return undefined;
  const [project, envs] = await Promise.all([
    db.select().from(projects).where(eq(projects.id, record.destinationProjectId)).get(),
    db.select().from(environments).where(inArray(environments.id, record.environmentIds)).orderBy(environments.id).all(),
  ]);
  return { project: project!, environments: envs, transferId: record.id };
}

export const serializeTransfer = (t: typeof transfers.$inferSelect) => ({
  object: "transfer" as const,
  id: t.id,
  team_id: t.teamId,
  source_project_id: t.sourceProjectId,
  source_project_name: t.sourceProjectName,
  destination_project_id: t.destinationProjectId,
  environment_ids: t.environmentIds,
  actor: t.actor,
  created_at: t.createdAt,
});

export async function listTransfers(db: Database, team: TeamRow, params: ListParams) {
  const q = paginate(transfers.id, params);
  const rows = await db.select().from(transfers).where(where(eq(transfers.teamId, team.id), q.where)).orderBy(q.orderBy).limit(q.limit);
  return q.page(rows, serializeTransfer);
}

/**
 * `POST /projects` with `transfer`: checks what needs no lock, then hands the transfer to the source
 * project's coordinator. With an Idempotency-Key, the operation id is derived from it, so a retry after a
 * failure resumes the same operation (same ids) instead of starting a second one.
 */
export async function createProjectByTransfer(
  env: Env,
  db: Database,
  caller: PlatformCaller,
  team: TeamRow,
  name: string,
  transfer: { source_project_id: string; environment_ids: string[]; acknowledge?: boolean; preview_token?: string },
  idempotencyKey?: string,
): Promise<TransferResult> {
  if (transfer.acknowledge !== true)
    throw new ApiError("transfer_requires_acknowledgement", "A transfer is irreversible: set transfer.acknowledge to true after reviewing it (POST …/projects/transfer_preview).");
  if (transfer.environment_ids.length === 0)
    throw new ApiError("transfer_requires_environments", "Choose at least one environment to transfer.");
  const source = await getProject(db, team.id, transfer.source_project_id);
  const opId = idempotencyKey ? `idempotency:${caller.clientId}:${await sha256Hex(idempotencyKey)}` : newId("transfer");
  return coordinate(
    env,
    source.id,
    "transfer_out",
    {
      teamId: team.id,
      actor: caller.clientId,
      sourceProjectId: source.id,
      environmentIds: transfer.environment_ids,
      previewToken: transfer.preview_token,
      transferId: newId("transfer"),
      project: { id: newId("project"), name },
    },
    opId,
  );
}
