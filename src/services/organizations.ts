import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { connections, organizationDomains, organizations } from "../db/schema";
import type { StoreDatabase } from "../env";
import type { Statement } from "../lib/batch";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { OrganizationObject } from "../schemas/organizations";
import { serializeConnection } from "./connections";
import { type EnvironmentWriter, type PendingEvent, writeWithEvents } from "./environment-events";
import { mergeMetadata, sameMetadata } from "./metadata";
import {
  copyDomainsToConnections,
  type DomainData,
  diffDomains,
  domainEvents,
  domainRow,
  domainsCopy,
  insertDomains,
  serializeDomain,
} from "./organization-domains";
import { countOrganizationDeleted } from "./usage";

export type OrganizationRow = typeof organizations.$inferSelect;

/** Its `domains` are the copy the row holds (services/organization-domains.ts). */
export const serializeOrganization = (o: OrganizationRow): InferOutput<typeof OrganizationObject> => ({
  object: "organization" as const,
  id: o.id,
  name: o.name,
  allow_profiles_outside_organization: o.allowProfilesOutsideOrganization,
  domains: o.domains.map(serializeDomain),
  external_id: o.externalId,
  metadata: o.metadata,
  created_at: o.createdAt,
  updated_at: o.updatedAt,
});

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

/** One organization of the environment (with its domains: the row's copy), or 404. */
export async function getOrganization(db: StoreDatabase, environmentId: string, id: string) {
  const org = await db
    .select()
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.environmentId, environmentId)))
    .get();
  if (!org) throw notFound("organization", id);
  return org;
}

/** The organization with this external id, or 404. */
export async function getOrganizationByExternalId(db: StoreDatabase, environmentId: string, externalId: string) {
  const org = await db
    .select()
    .from(organizations)
    .where(and(eq(organizations.environmentId, environmentId), eq(organizations.externalId, externalId)))
    .get();
  if (!org) throw notFound("organization");
  return org;
}

export async function listOrganizations(db: StoreDatabase, environmentId: string, params: ListParams & { domains?: string[] }) {
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
    // With a domain filter, the few organizations it names lead (primary key), not the environment's index.
    .where(
      where(
        withDomain ? sql`+${organizations.environmentId} = ${environmentId}` : eq(organizations.environmentId, environmentId),
        withDomain,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeOrganization);
}

export async function insertOrganization(writer: EnvironmentWriter, input: OrganizationInput) {
  const { db, environment } = writer;
  const now = new Date().toISOString();
  const id = newId("organization");
  const domains = (input.domain_data ?? []).map((d) => domainRow(environment.id, id, d, now));
  const org: OrganizationRow = {
    id,
    environmentId: environment.id,
    name: input.name,
    allowProfilesOutsideOrganization: input.allow_profiles_outside_organization ?? false,
    externalId: input.external_id ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
    // The copy of the rows inserted with it: no other request can change the domains of an organization that
    // does not exist yet (and the domain rows, referencing it, must come after it in the batch).
    domains,
  };
  await assertAvailable(db, environment.id, org.id, org.externalId, input.domain_data);
  await writeWithEvents(
    writer,
    [db.insert(organizations).values(org), ...insertDomains(db, domains)],
    [
      { event: "organization.created", data: serializeOrganization(org), organizationId: org.id },
      ...domainEvents("created", domains),
    ],
    { onConstraint: constraintError(input.domain_data) },
  );
  return serializeOrganization(org);
}

/**
 * Updates the given fields; `domain_data` replaces the organization's domains (kept ones keep their ids).
 * An update that changes nothing (e.g. `{}`) answers the organization as it is: no write, no `updated_at` bump, and
 * no `organization.updated` event or webhook, since nothing was updated.
 */
export async function changeOrganization(writer: EnvironmentWriter, id: string, patch: OrganizationPatch) {
  const { db, environment } = writer;
  const current = await getOrganization(db, environment.id, id);
  const now = new Date().toISOString();
  const diff = patch.domain_data ? diffDomains(environment.id, id, current.domains, patch.domain_data, now) : undefined;
  const domainsChange = diff !== undefined && diff.removed.length + diff.changed.length + diff.added.length > 0;
  const org: OrganizationRow = {
    ...current,
    name: patch.name ?? current.name,
    allowProfilesOutsideOrganization: patch.allow_profiles_outside_organization ?? current.allowProfilesOutsideOrganization,
    externalId: patch.external_id !== undefined ? patch.external_id : current.externalId,
    metadata: mergeMetadata(current.metadata, patch.metadata),
    domains: domainsChange ? diff.result : current.domains,
    updatedAt: now,
  };
  const unchanged =
    org.name === current.name &&
    org.allowProfilesOutsideOrganization === current.allowProfilesOutsideOrganization &&
    org.externalId === current.externalId &&
    sameMetadata(org.metadata, current.metadata) &&
    !domainsChange;
  if (unchanged) return serializeOrganization(current);
  const changes: Statement[] = [];
  const events: PendingEvent[] = [];
  if (patch.domain_data && domainsChange) {
    await assertAvailable(
      db,
      environment.id,
      id,
      org.externalId !== current.externalId ? org.externalId : null,
      patch.domain_data,
    );
    if (diff.removed.length)
      changes.push(
        db.delete(organizationDomains).where(
          inArray(
            organizationDomains.id,
            diff.removed.map((d) => d.id),
          ),
        ),
      );
    for (const d of diff.changed)
      changes.push(
        db
          .update(organizationDomains)
          .set({ state: d.state, verificationStrategy: d.verificationStrategy, updatedAt: now })
          .where(eq(organizationDomains.id, d.id)),
      );
    changes.push(...insertDomains(db, diff.added));
    events.push(
      ...domainEvents("deleted", diff.removed),
      ...domainEvents("updated", diff.changed),
      ...domainEvents("created", diff.added),
    );
  } else if (org.externalId !== current.externalId) await assertAvailable(db, environment.id, id, org.externalId);
  changes.push(
    db
      .update(organizations)
      .set({
        name: org.name,
        allowProfilesOutsideOrganization: org.allowProfilesOutsideOrganization,
        externalId: org.externalId,
        metadata: org.metadata,
        // After the domain statements: the copy is computed from the rows as this batch leaves them.
        ...(domainsChange ? { domains: domainsCopy(environment.id, id) } : {}),
        updatedAt: now,
      })
      .where(and(eq(organizations.id, id), eq(organizations.environmentId, environment.id))),
  );
  if (domainsChange) changes.push(copyDomainsToConnections(db, id));
  const data = serializeOrganization(org);
  await writeWithEvents(writer, changes, [{ event: "organization.updated", data, organizationId: id }, ...events], {
    guard: existsGuard(environment.id, id),
    onConstraint: constraintError(patch.domain_data),
  });
  return data;
}

/** Deletes an organization with its domains, memberships and connections (their rows cascade). */
export async function removeOrganization(writer: EnvironmentWriter, id: string) {
  const { db, environment } = writer;
  const org = await getOrganization(db, environment.id, id);
  const conns = await db
    .select()
    .from(connections)
    .where(and(eq(connections.environmentId, environment.id), eq(connections.organizationId, id)));
  await writeWithEvents(
    writer,
    // Its connections go with it (cascade): they stop counting as SSO connections.
    [
      countOrganizationDeleted(db, id),
      db.delete(organizations).where(and(eq(organizations.id, id), eq(organizations.environmentId, environment.id))),
    ],
    [
      { event: "organization.deleted", data: serializeOrganization(org), organizationId: id },
      ...domainEvents("deleted", org.domains),
      ...conns.map((c): PendingEvent => ({ event: "connection.deleted", data: serializeConnection(c), organizationId: id })),
    ],
    { guard: existsGuard(environment.id, id) },
  );
}

// ---- Rules ------------------------------------------------------------------------------------------

const existsGuard = (environmentId: string, id: string) => ({
  exists: sql`EXISTS (SELECT 1 FROM organizations WHERE id = ${id} AND environment_id = ${environmentId})`,
  missing: () => notFound("organization", id),
});

/** A domain belongs to at most one organization of an environment; an external id names one organization. */
async function assertAvailable(
  db: StoreDatabase,
  environmentId: string,
  orgId: string,
  externalId: string | null,
  domains?: DomainData[],
) {
  const names = (domains ?? []).map((d) => d.domain);
  const [taken, sameExternal] = await Promise.all([
    names.length
      ? db
          .select({ domain: organizationDomains.domain })
          .from(organizationDomains)
          .where(
            and(
              eq(organizationDomains.environmentId, environmentId),
              inArray(organizationDomains.domain, names),
              ne(organizationDomains.organizationId, orgId),
            ),
          )
      : Promise.resolve([]),
    externalId
      ? db
          .select({ id: organizations.id })
          .from(organizations)
          .where(
            and(
              eq(organizations.environmentId, environmentId),
              eq(organizations.externalId, externalId),
              ne(organizations.id, orgId),
            ),
          )
          .get()
      : Promise.resolve(undefined),
  ]);
  if (taken.length)
    throw domainTaken(
      names,
      taken.map((t) => t.domain),
    );
  if (sameExternal) throw externalIdTaken();
}

const domainTaken = (names: string[], taken: string[]) =>
  new ApiError(
    "organization_domain_taken",
    `Domain ${taken.join(", ")} already belongs to another organization of this environment.`,
    {
      errors: taken.map((t) => ({
        field: `domain_data.${names.indexOf(t)}.domain`,
        code: "taken",
        message: `${t} already belongs to another organization.`,
      })),
    },
  );

const externalIdTaken = () =>
  new ApiError("external_id_taken", "Another organization of this environment has this external_id.", {
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
