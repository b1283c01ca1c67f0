import { and, eq, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { connections, organizationDomains, organizations } from "../db/schema";
import type { StoreDatabase } from "../env";
import { invalidField, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { CONNECTION_STATES, CONNECTION_TYPES, ConnectionObject } from "../schemas/connections";
import type { Serializes } from "../schemas/fields";
import { type EnvironmentWriter, writeWithEvents } from "./environment-events";
import { organizationsCopy } from "./organization-domains";
import { countCreated, countDeleted } from "./usage";

export type ConnectionRow = typeof connections.$inferSelect;

/** A connection's `domains` are its organization's domains: the copy the row holds (services/organization-domains.ts). */
export const serializeConnection = (c: ConnectionRow): InferOutput<typeof ConnectionObject> => ({
  object: "connection" as const,
  id: c.id,
  organization_id: c.organizationId,
  // Text columns; the Platform API writes only these values.
  connection_type: c.connectionType as (typeof CONNECTION_TYPES)[number],
  name: c.name,
  state: c.state as (typeof CONNECTION_STATES)[number],
  domains: c.domains.map((d) => ({ object: "connection_domain" as const, id: d.id, domain: d.domain })),
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export async function getConnection(db: StoreDatabase, environmentId: string, id: string) {
  const conn = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), eq(connections.environmentId, environmentId)))
    .get();
  if (!conn) throw notFound("connection", id);
  return serializeConnection(conn);
}

export interface ConnectionFilters {
  connection_type?: string;
  organization_id?: string;
  domain?: string;
}

export async function listConnections(db: StoreDatabase, environmentId: string, params: ListParams & ConnectionFilters) {
  const q = paginate(connections.id, params);
  let organizationId = params.organization_id;
  if (params.domain) {
    // The domain names at most one organization of the environment (organization_domains_domain_unq): its
    // connections are then a seek on connections_org_idx.
    const owner = await db
      .select({ id: organizationDomains.organizationId })
      .from(organizationDomains)
      .where(
        and(eq(organizationDomains.environmentId, environmentId), eq(organizationDomains.domain, params.domain.toLowerCase())),
      )
      .get();
    if (!owner || (organizationId !== undefined && organizationId !== owner.id))
      return q.page([] as ConnectionRow[], serializeConnection);
    organizationId = owner.id;
  }
  const rows = await db
    .select()
    .from(connections)
    .where(
      where(
        // With an organization, its index leads (the unary + keeps SQLite off the environment's index).
        organizationId ? sql`+${connections.environmentId} = ${environmentId}` : eq(connections.environmentId, environmentId),
        organizationId ? eq(connections.organizationId, organizationId) : undefined,
        params.connection_type ? eq(connections.connectionType, params.connection_type) : undefined,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeConnection);
}

/** Creates an active SSO connection for an organization of the environment (Platform API): `connection.activated`. */
export async function insertConnection(
  writer: EnvironmentWriter,
  input: { organization_id: string; connection_type: string; name: string },
) {
  const { db, environment } = writer;
  const org = await db
    .select({ id: organizations.id, domains: organizations.domains })
    .from(organizations)
    .where(and(eq(organizations.id, input.organization_id), eq(organizations.environmentId, environment.id)))
    .get();
  if (!org) throw unknownOrganization(input.organization_id);
  const now = new Date().toISOString();
  const row: ConnectionRow = {
    id: newId("connection"),
    environmentId: environment.id,
    organizationId: org.id,
    connectionType: input.connection_type,
    name: input.name,
    state: "active",
    createdAt: now,
    updatedAt: now,
    domains: org.domains,
  };
  const data = serializeConnection(row);
  await writeWithEvents(
    writer,
    [
      // The copy is read from the organization's inside the batch: an update of its domains meanwhile is included.
      db.insert(connections).values({ ...row, domains: organizationsCopy(org.id) }),
      countCreated(db, "sso_connections", row.id),
    ],
    [{ event: "connection.activated", data, organizationId: org.id }],
    {
      // The organization may be deleted meanwhile: then nothing is written.
      guard: {
        exists: sql`EXISTS (SELECT 1 FROM organizations WHERE id = ${org.id} AND environment_id = ${environment.id})`,
        missing: () => unknownOrganization(org.id),
      },
    },
  );
  return data;
}

export async function removeConnection(writer: EnvironmentWriter, id: string) {
  const { db, environment } = writer;
  const data = await getConnection(db, environment.id, id);
  await writeWithEvents(
    writer,
    [
      countDeleted(db, "sso_connections", id),
      db.delete(connections).where(and(eq(connections.id, id), eq(connections.environmentId, environment.id))),
    ],
    [{ event: "connection.deleted", data, organizationId: data.organization_id }],
    {
      guard: {
        exists: sql`EXISTS (SELECT 1 FROM connections WHERE id = ${id} AND environment_id = ${environment.id})`,
        missing: () => notFound("connection", id),
      },
    },
  );
}

/** An organization id in a body that is not one of this environment's (another environment's ids are unknown too). */
export const unknownOrganization = (id: string) =>
  invalidField("organization_id", "not_found", `No organization with id ${id} in this environment.`);

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeConnection, typeof ConnectionObject>;
