import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { connections, organizationDomains, organizations } from "../db/schema";
import type { Database } from "../env";
import type { Statement } from "../lib/batch";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import { serializeConnection } from "./connections";
import { type EnvironmentScope, type PendingEvent, writeWithEvents } from "./environment-events";

export type OrganizationRow = typeof organizations.$inferSelect;
export type DomainRow = typeof organizationDomains.$inferSelect;

export const serializeDomain = (d: DomainRow) => ({
  object: "organization_domain" as const,
  id: d.id,
  organization_id: d.organizationId,
  domain: d.domain,
  state: d.state,
  verification_strategy: d.verificationStrategy,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

export const serializeOrganization = (o: OrganizationRow, domains: DomainRow[]) => ({
  object: "organization" as const,
  id: o.id,
  name: o.name,
  allow_profiles_outside_organization: o.allowProfilesOutsideOrganization,
  domains: domains.map(serializeDomain),
  external_id: o.externalId,
  metadata: o.metadata,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

export interface DomainData {
  domain: string;
  state: "verified" | "pending";
}

export interface OrganizationInput {
  name: string;
  domain_data?: DomainData[];
  external_id?: string | null;
  metadata?: Record<string, string>;
  allow_profiles_outside_organization?: boolean;
}

export interface OrganizationPatch extends Partial<Omit<OrganizationInput, "metadata">> {
  metadata?: Record<string, string | null>;
}

/** The domains of some organizations, by organization id. */
export async function domainsOf(db: Database, organizationIds: string[]) {
  const byOrg = new Map<string, DomainRow[]>(organizationIds.map((id) => [id, []]));
  // A page holds up to 101 rows (one more tells whether more exist); D1 binds at most 100 parameters.
  for (let i = 0; i < organizationIds.length; i += 90) {
    const chunk = organizationIds.slice(i, i + 90);
    const rows = await db.select().from(organizationDomains).where(inArray(organizationDomains.organizationId, chunk)).orderBy(organizationDomains.id);
    for (const d of rows) byOrg.get(d.organizationId)?.push(d);
  }
  return byOrg;
}

/** One organization of the environment with its domains, or 404. */
export async function getOrganization(db: Database, environmentId: string, id: string) {
  const org = await db
    .select()
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.environmentId, environmentId)))
    .get();
  if (!org) throw notFound("organization", id);
  return { org, domains: (await domainsOf(db, [id])).get(id)! };
}

/** The organization with this external id, or 404. */
export async function getOrganizationByExternalId(db: Database, environmentId: string, externalId: string) {
  const org = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.environmentId, environmentId), eq(organizations.externalId, externalId)))
    .get();
  if (!org) throw notFound("organization");
  return getOrganization(db, environmentId, org.id);
}

export async function listOrganizations(db: Database, environmentId: string, params: ListParams & { domains?: string[] }) {
  const q = paginate(organizations.id, params);
  const withDomain = params.domains?.length
    ? inArray(
        organizations.id,
        db
          .select({ id: organizationDomains.organizationId })
          .from(organizationDomains)
          .where(and(eq(organizationDomains.environmentId, environmentId), inArray(organizationDomains.domain, params.domains))),
      )
    : undefined;
  const rows = await db
    .select()
    .from(organizations)
    .where(where(eq(organizations.environmentId, environmentId), withDomain, q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  const domains = await domainsOf(db, rows.map((o) => o.id));
  return q.page(rows, (o) => serializeOrganization(o, domains.get(o.id)!));
}

export async function createOrganization(scope: EnvironmentScope, input: OrganizationInput) {
  const { db, environment } = scope;
  const now = new Date().toISOString();
  const org: OrganizationRow = {
    id: newId("organization"),
    environmentId: environment.id,
    name: input.name,
    allowProfilesOutsideOrganization: input.allow_profiles_outside_organization ?? false,
    externalId: input.external_id ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const domains = (input.domain_data ?? []).map((d) => domainRow(environment.id, org.id, d, now));
  await assertAvailable(db, environment.id, org.id, org.externalId, input.domain_data);
  await writeWithEvents(
    scope,
    [db.insert(organizations).values(org), ...insertDomains(db, domains)],
    [{ event: "organization.created", data: serializeOrganization(org, domains), organizationId: org.id }, ...domainEvents("created", domains)],
    { onConstraint: constraintError(input.domain_data) },
  );
  return serializeOrganization(org, domains);
}

/** Updates the given fields; `domain_data` replaces the organization's domains (kept ones keep their ids). */
export async function updateOrganization(scope: EnvironmentScope, id: string, patch: OrganizationPatch) {
  const { db, environment } = scope;
  const current = await getOrganization(db, environment.id, id);
  const now = new Date().toISOString();
  const org: OrganizationRow = {
    ...current.org,
    name: patch.name ?? current.org.name,
    allowProfilesOutsideOrganization: patch.allow_profiles_outside_organization ?? current.org.allowProfilesOutsideOrganization,
    externalId: patch.external_id !== undefined ? patch.external_id : current.org.externalId,
    metadata: mergeMetadata(current.org.metadata, patch.metadata),
    updatedAt: now,
  };
  const changes: Statement[] = [
    db
      .update(organizations)
      .set({ name: org.name, allowProfilesOutsideOrganization: org.allowProfilesOutsideOrganization, externalId: org.externalId, metadata: org.metadata, updatedAt: now })
      .where(and(eq(organizations.id, id), eq(organizations.environmentId, environment.id))),
  ];
  let domains = current.domains;
  const events: PendingEvent[] = [];
  if (patch.domain_data) {
    await assertAvailable(db, environment.id, id, org.externalId !== current.org.externalId ? org.externalId : null, patch.domain_data);
    const diff = diffDomains(environment.id, id, current.domains, patch.domain_data, now);
    if (diff.removed.length) changes.push(db.delete(organizationDomains).where(inArray(organizationDomains.id, diff.removed.map((d) => d.id))));
    for (const d of diff.changed) changes.push(db.update(organizationDomains).set({ state: d.state, verificationStrategy: d.verificationStrategy, updatedAt: now }).where(eq(organizationDomains.id, d.id)));
    changes.push(...insertDomains(db, diff.added));
    domains = diff.result;
    events.push(...domainEvents("deleted", diff.removed), ...domainEvents("updated", diff.changed), ...domainEvents("created", diff.added));
  } else if (org.externalId !== current.org.externalId) await assertAvailable(db, environment.id, id, org.externalId);
  const data = serializeOrganization(org, domains);
  await writeWithEvents(scope, changes, [{ event: "organization.updated", data, organizationId: id }, ...events], {
    guard: existsGuard(environment.id, id),
    onConstraint: constraintError(patch.domain_data),
  });
  return data;
}

/** Deletes an organization with its domains, memberships and connections (their rows cascade). */
export async function deleteOrganization(scope: EnvironmentScope, id: string) {
  const { db, environment } = scope;
  const { org, domains } = await getOrganization(db, environment.id, id);
  const conns = await db.select().from(connections).where(and(eq(connections.environmentId, environment.id), eq(connections.organizationId, id)));
  await writeWithEvents(
    scope,
    [db.delete(organizations).where(and(eq(organizations.id, id), eq(organizations.environmentId, environment.id)))],
    [
      { event: "organization.deleted", data: serializeOrganization(org, domains), organizationId: id },
      ...domainEvents("deleted", domains),
      ...conns.map((c): PendingEvent => ({ event: "connection.deleted", data: serializeConnection(c, domains), organizationId: id })),
    ],
    { guard: existsGuard(environment.id, id) },
  );
}

// ---- Rules ------------------------------------------------------------------------------------------

const existsGuard = (environmentId: string, id: string) => ({
  exists: sql`EXISTS (SELECT 1 FROM organizations WHERE id = ${id} AND environment_id = ${environmentId})`,
  missing: () => notFound("organization", id),
});

const domainRow = (environmentId: string, organizationId: string, d: DomainData, now: string): DomainRow => ({
  id: newId("organizationDomain"),
  environmentId,
  organizationId,
  domain: d.domain,
  state: d.state,
  // Domains given as verified were verified by the customer (manual); pending ones await DNS verification.
  verificationStrategy: d.state === "verified" ? "manual" : "dns",
  createdAt: now,
  updatedAt: now,
});

function diffDomains(environmentId: string, organizationId: string, current: DomainRow[], wanted: DomainData[], now: string) {
  const byName = new Map(current.map((d) => [d.domain, d]));
  const wantedNames = new Set(wanted.map((d) => d.domain));
  const removed = current.filter((d) => !wantedNames.has(d.domain));
  const changed: DomainRow[] = [];
  const added: DomainRow[] = [];
  const result = wanted.map((w) => {
    const existing = byName.get(w.domain);
    if (!existing) {
      const row = domainRow(environmentId, organizationId, w, now);
      added.push(row);
      return row;
    }
    if (existing.state === w.state) return existing;
    const row = { ...existing, state: w.state, verificationStrategy: w.state === "verified" ? "manual" : existing.verificationStrategy, updatedAt: now };
    changed.push(row);
    return row;
  });
  return { removed, changed, added, result };
}

/** Multi-row inserts of domains, 12 rows (96 bound parameters) per statement: D1 binds at most 100. */
const insertDomains = (db: Database, rows: DomainRow[]): Statement[] => {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += 12) out.push(db.insert(organizationDomains).values(rows.slice(i, i + 12)));
  return out;
};

const domainEvents = (what: "created" | "updated" | "deleted", domains: DomainRow[]): PendingEvent[] =>
  domains.map((d) => ({ event: `organization_domain.${what}`, data: serializeDomain(d), organizationId: d.organizationId }));

export function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null> | undefined) {
  if (!patch) return current;
  const merged: Record<string, string> = { ...current };
  for (const [k, val] of Object.entries(patch)) {
    if (val === null) delete merged[k];
    else merged[k] = val;
  }
  if (Object.keys(merged).length > 10)
    throw new ApiError(422, "validation_failed", "metadata can have at most 10 keys.", {
      errors: [{ field: "metadata", code: "too_many_keys", message: "can have at most 10 keys (after merging with the current ones)." }],
    });
  return merged;
}

/** A domain belongs to at most one organization of an environment; an external id names one organization. */
async function assertAvailable(db: Database, environmentId: string, orgId: string, externalId: string | null, domains?: DomainData[]) {
  const names = (domains ?? []).map((d) => d.domain);
  const [taken, sameExternal] = await Promise.all([
    names.length
      ? db
          .select({ domain: organizationDomains.domain })
          .from(organizationDomains)
          .where(and(eq(organizationDomains.environmentId, environmentId), inArray(organizationDomains.domain, names), ne(organizationDomains.organizationId, orgId)))
      : Promise.resolve([]),
    externalId
      ? db
          .select({ id: organizations.id })
          .from(organizations)
          .where(and(eq(organizations.environmentId, environmentId), eq(organizations.externalId, externalId), ne(organizations.id, orgId)))
          .get()
      : Promise.resolve(undefined),
  ]);
  if (taken.length) throw domainTaken(names, taken.map((t) => t.domain));
  if (sameExternal) throw externalIdTaken();
}

const domainTaken = (names: string[], taken: string[]) =>
  new ApiError(409, "organization_domain_taken", `Domain ${taken.join(", ")} already belongs to another organization of this environment.`, {
    errors: taken.map((t) => ({ field: `domain_data.${names.indexOf(t)}.domain`, code: "taken", message: `${t} already belongs to another organization.` })),
  });

const externalIdTaken = () =>
  new ApiError(409, "external_id_taken", "Another organization of this environment has this external_id.", {
    errors: [{ field: "external_id", code: "taken", message: "is used by another organization." }],
  });

/** A unique index that refused a write raced by another request: the same answers as the checks above. */
const constraintError = (domains?: DomainData[]) => (message: string) => {
  if (message.includes("organization_domains.environment_id, organization_domains.domain")) {
    const names = (domains ?? []).map((d) => d.domain);
    return domainTaken(names, names.slice(0, 1));
  }
  if (message.includes("organizations.environment_id, organizations.external_id")) return externalIdTaken();
  return undefined;
};
