import { and, eq, inArray, sql } from "drizzle-orm";
import { environments, projects, type TransferConfiguration, transfers } from "../db/schema";
import type { StoreFor } from "../db/store-client";
import type { Database } from "../env";
import { batch, type Statement } from "../lib/batch";
import { canonicalJson, sha256Hex } from "../lib/crypto";
import { ApiError, type ErrorCode, notFound } from "../lib/errors";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { FitsSchema, Serializes } from "../schemas/fields";
import type { TransferPreviewObject } from "../schemas/projects";
import type { TransferObject } from "../schemas/transfers";
import { copyAuditLogSchemaStatements, planAuditLogSchemaCopy, projectSchemaRows } from "./audit-logs";
import { copyEmailDomainStatements, planEmailDomainCopy, projectEmailDomainRows } from "./email-domains";
import { type EnvironmentRow, serializeEnvironment } from "./environments";
import { copyFeatureFlagStatements, planFeatureFlagCopy, projectFlagRows, repointFlagStates } from "./feature-flags";
import { type ActorRef, actorFromColumn, actorToColumn } from "./people/actor";
import {
  configSignature,
  configSignatureSql,
  labelOf,
  noUncopyableConfig,
  type ProjectConfigKind,
  uncopyableConfigOf,
} from "./project-config-kinds";
import { getProject, type ProjectRow, serializeProject } from "./projects";
import { recordTeamEvent } from "./team-events";
import type { TeamRow } from "./teams";

/**
 * The transfer rules, in one place. `assessTransfer` finds every blocker (the review step lists them all);
 * `applyTransfer` runs inside the source project's coordinator (and, for an existing destination, under a
 * lease on the destination's coordinator too: commands/transfers.ts), re-assesses, and writes one guarded
 * batch. This module never calls a coordinator: it is what the coordinator runs.
 */

export interface Blocker {
  code: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

/** What a transfer asks for: from which project, which environments, into what, copying configuration or not. */
export interface TransferRequest {
  sourceProjectId: string;
  environmentIds: string[];
  /** An existing project of the team; absent: a new project. */
  destinationProjectId?: string;
  configuration?: "copy";
}

type Config = {
  flags: Awaited<ReturnType<typeof projectFlagRows>>;
  schemas: Awaited<ReturnType<typeof projectSchemaRows>>;
  domains: Awaited<ReturnType<typeof projectEmailDomainRows>>;
};
const NO_CONFIG: Config = { flags: [], schemas: [], domains: [] };

export interface TransferAssessment {
  source: ProjectRow;
  destination?: ProjectRow;
  destinationEnvironments: EnvironmentRow[];
  moving: EnvironmentRow[];
  remaining: EnvironmentRow[];
  blockers: Blocker[];
  previewToken: string;
  /** The configuration plan (what is copied, reused, in conflict); null without `configuration: "copy"`. */
  plan: ConfigPlan | null;
  kinds: ProjectConfigKind[];
  signatures: { source: string; destination: string };
}

export type ConfigPlan = ReturnType<typeof planConfiguration>;

async function configOf(db: Database, projectId: string): Promise<Config> {
  const [flags, schemas, domains] = await Promise.all([
    projectFlagRows(db, projectId),
    projectSchemaRows(db, projectId),
    projectEmailDomainRows(db, projectId),
  ]);
  return { flags, schemas, domains };
}

const kindsOf = (c: Config): ProjectConfigKind[] => [
  ...(c.flags.length ? (["feature_flags"] as const) : []),
  ...(c.schemas.length ? (["audit_log_schema"] as const) : []),
  ...(c.domains.length ? (["custom_email_domains"] as const) : []),
];

function planConfiguration(source: Config, destination: Config) {
  const flags = planFeatureFlagCopy(source.flags, destination.flags);
  const schemas = planAuditLogSchemaCopy(source.schemas, destination.schemas);
  const domains = planEmailDomainCopy(source.domains, destination.domains);
  const summary: TransferConfiguration = {
    copied: {
      feature_flags: flags.copied.map((f) => f.slug),
      audit_log_actions: schemas.copiedActions,
      email_domains: domains.copied.map((d) => d.domain),
    },
    reused: { feature_flags: flags.reused, audit_log_actions: schemas.reused, email_domains: domains.reused },
  };
  return {
    flags,
    schemas,
    domains,
    summary,
    conflicts: { feature_flags: flags.conflicts, audit_log_actions: schemas.conflicts },
  };
}

export async function assessTransfer(db: Database, teamId: string, req: TransferRequest): Promise<TransferAssessment> {
  const [source, destination] = await Promise.all([
    getProject(db, teamId, req.sourceProjectId),
    req.destinationProjectId === undefined ? undefined : getProject(db, teamId, req.destinationProjectId),
  ]);
  const into = destination && destination.id !== source.id ? destination : undefined;
  const ids = [...new Set(req.environmentIds)];
  const [sourceEnvs, destinationEnvs, sourceConfig, destinationConfig] = await Promise.all([
    db.select().from(environments).where(eq(environments.projectId, source.id)).orderBy(environments.id).all(),
    into
      ? db.select().from(environments).where(eq(environments.projectId, into.id)).orderBy(environments.id).all()
      : Promise.resolve([] as EnvironmentRow[]),
    // Without a copy only the kinds present matter (one query); with one, the rows on both sides.
    req.configuration === "copy" ? configOf(db, source.id) : uncopyableConfigOf(db, source.id),
    into && req.configuration === "copy" ? configOf(db, into.id) : Promise.resolve(NO_CONFIG),
  ]);
  const kinds = Array.isArray(sourceConfig) ? sourceConfig : kindsOf(sourceConfig);
  // The source's environments are read whole anyway: only ids not among them (a mistake) need a query of their own.
  const inSource = new Set(sourceEnvs.map((e) => e.id));
  const wanted = new Set(ids);
  const others = ids.filter((id) => !inSource.has(id));
  const requested = [
    ...sourceEnvs.filter((e) => wanted.has(e.id)),
    ...(others.length
      ? await db
          .select()
          .from(environments)
          .where(and(inArray(environments.id, others), eq(environments.teamId, teamId)))
          .all()
      : []),
  ];
  const found = new Map(requested.map((e) => [e.id, e]));
  const moving = sourceEnvs.filter((e) => found.has(e.id));
  const remaining = sourceEnvs.filter((e) => !found.has(e.id));
  const blockers: Blocker[] = [];

  if (ids.length === 0)
    blockers.push({ code: "transfer_requires_environments", message: "Choose at least one environment to transfer." });
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length)
    blockers.push({
      code: "environment_not_found",
      message: `No environment with id ${missing.join(", ")}.`,
      environment_ids: missing,
    });
  const elsewhere = requested.filter((e) => e.projectId !== source.id);
  if (elsewhere.length)
    blockers.push({
      code: "environments_from_multiple_projects",
      message: `All transferred environments must come from the source project ${source.name}; ${elsewhere.map((e) => e.name).join(", ")} belong to another project.`,
      environment_ids: elsewhere.map((e) => e.id),
      project_ids: [...new Set(elsewhere.map((e) => e.projectId))],
    });
  if (destination && destination.id === source.id)
    blockers.push({
      code: "destination_is_source",
      message: `The destination is the source project ${source.name}: choose another project of the team.`,
    });
  if (moving.length > 0 && remaining.length === 0)
    blockers.push({
      code: "source_project_must_keep_environment",
      message: `The source project ${source.name} must keep at least one environment; you can't move all of them out.`,
    });
  const plan = Array.isArray(sourceConfig) ? null : planConfiguration(sourceConfig, destinationConfig);
  if (kinds.length && !plan)
    blockers.push({
      code: "source_project_config_not_copyable",
      message: `The source project has project-level configuration that is only moved with configuration: "copy": ${kinds.map(labelOf).join(", ")}.`,
      kinds,
    });
  if (plan && (plan.conflicts.feature_flags.length || plan.conflicts.audit_log_actions.length)) {
    const named = [
      ...plan.conflicts.feature_flags.map((s) => `feature flag ${s}`),
      ...plan.conflicts.audit_log_actions.map((a) => `Audit Logs action ${a}`),
    ];
    blockers.push({
      code: "configuration_conflict",
      message: `The destination ${destination!.name} already has, with another definition: ${named.join(", ")}. Make them identical (or rename one) before moving.`,
      feature_flags: plan.conflicts.feature_flags,
      audit_log_actions: plan.conflicts.audit_log_actions,
    });
  }

  const signatures = Array.isArray(sourceConfig)
    ? { source: "", destination: "" }
    : { source: configSignature(sourceConfig), destination: into ? configSignature(destinationConfig) : "" };
  const previewToken = await fingerprint({
    source: source.id,
    environments: sourceEnvs.map((e) => [e.id, e.name, e.production]),
    requested: [...ids].sort(),
    destination: destination?.id ?? null,
    destination_environments: destinationEnvs.map((e) => [e.id, e.name, e.production]),
    configuration: req.configuration ?? null,
    config: signatures,
    kinds,
  });
  return {
    source,
    destination,
    destinationEnvironments: destinationEnvs,
    moving,
    remaining,
    blockers,
    previewToken,
    plan,
    kinds,
    signatures,
  };
}

/** Binds a review to the source and destination as they were: any change to either makes it stale. */
async function fingerprint(state: unknown) {
  return `tpv_${(await sha256Hex(canonicalJson(state))).slice(0, 40)}`;
}

const blockerError = ({ code, message, ...details }: Blocker) => new ApiError(code, message, details);

export interface PreviewInput {
  source_project_id: string;
  environment_ids: string[];
  destination_project_id?: string;
  configuration?: "copy";
}

/**
 * The review step: what moves (staging and production), what stays, the destination's environments before
 * and after, the configuration copied, reused or in conflict, every blocker, what to acknowledge.
 */
export async function previewTransfer(db: Database, team: TeamRow, input: PreviewInput) {
  const a = await assessTransfer(db, team.id, {
    sourceProjectId: input.source_project_id,
    environmentIds: input.environment_ids,
    destinationProjectId: input.destination_project_id,
    configuration: input.configuration,
  });
  const env = (e: EnvironmentRow) => serializeEnvironment(e, team);
  const into = a.destination && a.destination.id !== a.source.id ? a.destination : undefined;
  return {
    object: "transfer_preview" as const,
    source_project: serializeProject(a.source),
    environments: {
      staging: a.moving.filter((e) => !e.production).map(env),
      production: a.moving.filter((e) => e.production).map(env),
    },
    remaining_environments: a.remaining.map(env),
    destination: into
      ? {
          kind: "existing" as const,
          project: serializeProject(into),
          environments_before: a.destinationEnvironments.map(env),
          environments_after: [...a.destinationEnvironments, ...a.moving].sort((x, y) => (x.id < y.id ? -1 : 1)).map(env),
        }
      : { kind: "new" as const, project: null, environments_before: [], environments_after: a.moving.map(env) },
    configuration: {
      mode: input.configuration ?? null,
      kinds: a.kinds,
      copied: a.plan?.summary.copied ?? null,
      reused: a.plan?.summary.reused ?? null,
      conflicts: a.plan?.conflicts ?? null,
    },
    blockers: a.blockers,
    implications: [
      {
        code: "moves_environments",
        message: `The environments leave ${a.source.name} with everything they own; there is no undo button.`,
      },
      {
        code: "move_back_self_serve",
        message: `Moving them back is self-serve: transfer them into ${a.source.name} as an existing project (POST /platform/teams/:team_id/transfers).`,
      },
      ...(a.plan && a.plan.summary.copied.email_domains.length > 0
        ? [
            {
              code: "email_domains_pending",
              message: "Copied custom email domains start pending in the destination, with their own DNS records to create.",
            },
          ]
        : []),
      {
        code: "credentials_unchanged",
        message: "Ids, API keys and client ids of the moved environments keep working unchanged.",
      },
    ],
    transferable: a.blockers.length === 0,
    preview_token: a.previewToken,
  };
}

export interface TransferOp {
  teamId: string;
  actor: ActorRef;
  sourceProjectId: string;
  environmentIds: string[];
  previewToken?: string;
  configuration?: "copy";
  /** Minted by the caller before the first attempt, so a retried operation writes the same rows. */
  transferId: string;
  /** A new project (minted id and name) or an existing one of the team. */
  destination: { kind: "new"; id: string; name: string } | { kind: "existing"; id: string };
}

export interface TransferResult {
  project: ProjectRow;
  environments: EnvironmentRow[];
  transferId: string;
  record: typeof transfers.$inferSelect;
}

/**
 * Moves environments out of the source into a new or an existing project, all or nothing, with the source's
 * configuration copied if asked. Runs in the source project's coordinator (and, into an existing project,
 * while the destination's coordinator is leased to it). Its one batch guards itself: the transfer record's
 * NOT NULL `environment_count` is NULL unless the rules still hold — the environments are still in the
 * source, the source keeps one, the destination still exists in the team, neither side's configuration
 * changed since it was read (so nothing copied is stale and nothing collides) — which aborts the whole
 * batch, so the rules hold even against a write that went around the coordinators. The moving environments'
 * flag states, in their stores (`storeFor`), follow the committed batch (`repointFlagStates`; again on a retry).
 */
export async function applyTransfer(db: Database, op: TransferOp, storeFor: StoreFor): Promise<TransferResult> {
  const followed = async (t: TransferResult) => {
    if (t.record.configuration)
      await repointFlagStates(db, storeFor, t.record.sourceProjectId, t.record.destinationProjectId, t.record.environmentIds);
    return t;
  };
  const done = await committedTransfer(db, op.teamId, op.transferId);
  if (done) return followed(done); // a retry of an operation that already committed

  const existing = op.destination.kind === "existing" ? op.destination.id : undefined;
  const a = await assessTransfer(db, op.teamId, {
    sourceProjectId: op.sourceProjectId,
    environmentIds: op.environmentIds,
    destinationProjectId: existing,
    configuration: op.configuration,
  });
  if (a.blockers.length) throw blockerError(a.blockers[0]);
  if (op.previewToken !== undefined && op.previewToken !== a.previewToken)
    throw new ApiError(
      "transfer_preview_stale",
      "The source or destination project changed since it was reviewed. Preview the transfer again.",
      {
        preview_token: a.previewToken,
      },
    );

  const ids = a.moving.map((e) => e.id);
  const k = ids.length;
  const now = new Date().toISOString();
  const destinationId = op.destination.id;
  const stillValid = sql.join(
    [
      sql`(SELECT count(*) FROM ${environments} WHERE ${and(eq(environments.projectId, a.source.id), inArray(environments.id, ids))}) = ${k}`,
      sql`(SELECT count(*) FROM ${environments} WHERE ${eq(environments.projectId, a.source.id)}) > ${k}`,
      a.plan ? sql`${configSignatureSql(a.source.id)} = ${a.signatures.source}` : noUncopyableConfig(a.source.id),
      ...(existing
        ? [
            sql`EXISTS (SELECT 1 FROM ${projects} WHERE ${and(eq(projects.id, existing), eq(projects.teamId, op.teamId))})`,
            ...(a.plan ? [sql`${configSignatureSql(existing)} = ${a.signatures.destination}`] : []),
          ]
        : []),
    ],
    sql` AND `,
  );
  const configuration = a.plan?.summary ?? null;
  const copy: Statement[] = a.plan
    ? [
        ...copyFeatureFlagStatements(db, a.plan.flags.copied, destinationId, now),
        ...copyAuditLogSchemaStatements(db, a.plan.schemas.copied, destinationId),
        ...copyEmailDomainStatements(db, a.plan.domains.copied, destinationId, now),
      ]
    : [];
  const moved = { transfer_id: op.transferId, destination_kind: op.destination.kind, configuration };
  try {
    await batch(db, [
      db.insert(transfers).values({
        id: op.transferId,
        teamId: op.teamId,
        sourceProjectId: a.source.id,
        sourceProjectName: a.source.name,
        destinationProjectId: destinationId,
        destinationKind: op.destination.kind,
        environmentIds: ids,
        environmentCount: sql`CASE WHEN ${stillValid} THEN ${k} END`,
        actor: actorToColumn(op.actor),
        configuration,
        createdAt: now,
      }),
      ...(op.destination.kind === "new"
        ? [
            db
              .insert(projects)
              .values({ id: destinationId, teamId: op.teamId, name: op.destination.name, createdAt: now, updatedAt: now }),
          ]
        : []),
      ...copy,
      db
        .update(environments)
        .set({ projectId: destinationId, updatedAt: now })
        .where(and(inArray(environments.id, ids), eq(environments.projectId, a.source.id))),
      // One team event for the whole move (what moved where, of which kind, with what configuration).
      recordTeamEvent(db, op.teamId, op.destination.kind === "new" ? "project.created" : "environment.transferred", op.actor, {
        ...(op.destination.kind === "new" ? { project_id: destinationId, name: op.destination.name } : {}),
        environment_ids: ids,
        from_project_id: a.source.id,
        to_project_id: destinationId,
        ...moved,
      }),
    ]);
  } catch (err) {
    // D1 may report an error for a write that committed: the transfer record says which.
    const committed = await committedTransfer(db, op.teamId, op.transferId);
    if (committed) return followed(committed);
    const text = String((err as Error)?.message) + String((err as Error)?.cause);
    if (
      !/NOT NULL constraint failed: transfers\.environment_count|UNIQUE constraint failed|FOREIGN KEY constraint failed/.test(
        text,
      )
    )
      throw err;
    // The guard refused: the source or destination changed under us (a write that went around a coordinator). Say which rule.
    const now = await assessTransfer(db, op.teamId, {
      sourceProjectId: op.sourceProjectId,
      environmentIds: op.environmentIds,
      destinationProjectId: existing,
      configuration: op.configuration,
    });
    if (now.blockers.length) throw blockerError(now.blockers[0]);
    throw new ApiError(
      "transfer_conflict",
      "The source or destination project changed while the transfer ran; nothing was moved. Preview it again.",
    );
  }
  return followed((await committedTransfer(db, op.teamId, op.transferId))!);
}

/** The record of a committed transfer (a seek of the (team_id, id) key), with its destination as it is now. */
async function committedTransfer(db: Database, teamId: string, transferId: string): Promise<TransferResult | undefined> {
  const record = await db
    .select()
    .from(transfers)
    .where(and(eq(transfers.teamId, teamId), eq(transfers.id, transferId)))
    .get();
  if (!record) return undefined;
  const [project, envs] = await Promise.all([
    db.select().from(projects).where(eq(projects.id, record.destinationProjectId)).get(),
    db.select().from(environments).where(inArray(environments.id, record.environmentIds)).orderBy(environments.id).all(),
  ]);
  if (!project) throw notFound("project", record.destinationProjectId);
  return { project, environments: envs, transferId: record.id, record };
}

export const serializeTransfer = (t: typeof transfers.$inferSelect) => ({
  object: "transfer" as const,
  id: t.id,
  team_id: t.teamId,
  source_project_id: t.sourceProjectId,
  source_project_name: t.sourceProjectName,
  destination_project_id: t.destinationProjectId,
  destination_kind: t.destinationKind,
  environment_ids: t.environmentIds,
  configuration: t.configuration ?? null,
  actor: actorFromColumn(t.actor),
  created_at: t.createdAt,
});

export async function listTransfers(db: Database, team: TeamRow, params: ListParams) {
  const q = paginate(transfers.id, params);
  const rows = await db
    .select()
    .from(transfers)
    .where(where(eq(transfers.teamId, team.id), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeTransfer);
}

/**
 * The names, as they are now, of what a page of transfer records names: destination projects and (up to
 * `perTransfer` of each record's) environments. One primary-key seek each, all in one batch (an IN list would
 * bill more rows per key); a row deleted since has no name.
 */
export async function namesOfTransfers(
  db: Database,
  teamId: string,
  records: { destination_project_id: string; environment_ids: string[] }[],
  perTransfer: number,
) {
  const projectIds = [...new Set(records.map((t) => t.destination_project_id))];
  const environmentIds = [...new Set(records.flatMap((t) => t.environment_ids.slice(0, perTransfer)))];
  const names = new Map<string, string>();
  const seeks = [
    ...projectIds.map((id) =>
      db
        .select({ id: projects.id, name: projects.name })
        .from(projects)
        .where(and(eq(projects.id, id), eq(projects.teamId, teamId))),
    ),
    ...environmentIds.map((id) =>
      db
        .select({ id: environments.id, name: environments.name })
        .from(environments)
        .where(and(eq(environments.id, id), eq(environments.teamId, teamId))),
    ),
  ];
  if (seeks.length === 0) return names;
  const [first, ...rest] = seeks;
  for (const rows of await db.batch([first, ...rest])) for (const r of rows) names.set(r.id, r.name);
  return names;
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeTransfer, typeof TransferObject>;
true satisfies FitsSchema<typeof previewTransfer, typeof TransferPreviewObject>;
