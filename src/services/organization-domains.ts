import { eq, getTableColumns, sql } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { connections, type OrganizationDomainRow, organizationDomains, organizations } from "../db/schema";
import type { StoreDatabase } from "../env";
import type { Statement } from "../lib/batch";
import { newId } from "../lib/ids";
import type { DOMAIN_STATES, OrganizationDomainObject, VERIFICATION_STRATEGIES } from "../schemas/organizations";
import type { PendingEvent } from "./environment-events";

/** An organization's domains: rows, their WorkOS shape, and how a new `domain_data` list changes them. */
export type DomainRow = typeof organizationDomains.$inferSelect;

export interface DomainData {
  domain: string;
  state: "verified" | "pending";
}

export const serializeDomain = (d: DomainRow): InferOutput<typeof OrganizationDomainObject> => ({
  object: "organization_domain" as const,
  id: d.id,
  organization_id: d.organizationId,
  domain: d.domain,
  // Text columns; only these values are written (domainRow, diffDomains).
  state: d.state as (typeof DOMAIN_STATES)[number],
  verification_strategy: d.verificationStrategy as (typeof VERIFICATION_STRATEGIES)[number],
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

// ---- The copies ---------------------------------------------------------------------------------------
//
// `organizations.domains` holds a copy of the organization's organization_domains rows (id order) and
// `connections.domains` a copy of its organization's, so that a page of organizations or connections reads one
// row per item. The table stays the truth (lookups by domain, uniqueness). Every batch that changes an
// organization's domains rewrites both copies from the rows themselves (`domainsCopy`, `copyDomainsToConnections`):
// a batch is one transaction, so the copies are exact whatever concurrent writes did. Deleting an organization
// deletes its domains and connections with it (cascade): no copy is left to rewrite.

// Compile-time check: the copies' element type (spelled out in the schema) is the table's row.
true satisfies [DomainRow, OrganizationDomainRow] extends [OrganizationDomainRow, DomainRow] ? true : never;

/** The JSON object of a row, keyed by its TypeScript field names: the copy parses back to `DomainRow`s. */
const rowObject = sql.join(
  Object.entries(getTableColumns(organizationDomains)).map(([key, column]) => sql.raw(`'${key}', d."${column.name}"`)),
  sql.raw(", "),
);

/** An organization's domains as its copy holds them, computed from the rows (an SQL value for an UPDATE). */
export const domainsCopy = (environmentId: string, organizationId: string) =>
  sql`(SELECT json_group_array(json_object(${rowObject}) ORDER BY d.id) FROM ${organizationDomains} d WHERE d.environment_id = ${environmentId} AND d.organization_id = ${organizationId})`;

/** An organization's copy, read by the statement that writes a connection's. */
export const organizationsCopy = (organizationId: string) =>
  sql`(SELECT o.domains FROM ${organizations} o WHERE o.id = ${organizationId})`;

/**
 * Rewrites the copies of the organization's connections from the organization's (put it after the statement that
 * rewrites that one). Their `updated_at` stays: the connection itself did not change.
 */
export const copyDomainsToConnections = (db: StoreDatabase, organizationId: string): Statement =>
  db
    .update(connections)
    .set({ domains: organizationsCopy(organizationId), updatedAt: sql`${connections.updatedAt}` })
    // connections_org_idx; an organization id names one environment's organization.
    .where(eq(connections.organizationId, organizationId));

/** A new domain row: domains given as verified were verified by the customer (manual), pending ones await DNS. */
export const domainRow = (environmentId: string, organizationId: string, d: DomainData, now: string): DomainRow => ({
  id: newId("organizationDomain"),
  environmentId,
  organizationId,
  domain: d.domain,
  state: d.state,
  verificationStrategy: d.state === "verified" ? "manual" : "dns",
  createdAt: now,
  updatedAt: now,
});

/** What replacing an organization's domains with `wanted` removes, changes and adds; kept domains keep their ids. */
export function diffDomains(
  environmentId: string,
  organizationId: string,
  current: DomainRow[],
  wanted: DomainData[],
  now: string,
) {
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
    const row = {
      ...existing,
      state: w.state,
      verificationStrategy: w.state === "verified" ? "manual" : existing.verificationStrategy,
      updatedAt: now,
    };
    changed.push(row);
    return row;
  });
  // Listed in creation order, as reads list them.
  return { removed, changed, added, result: result.sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

/** Multi-row inserts of domains, 12 rows (96 bound parameters) per statement: D1 binds at most 100. */
export const insertDomains = (db: StoreDatabase, rows: DomainRow[]): Statement[] => {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += 12) out.push(db.insert(organizationDomains).values(rows.slice(i, i + 12)));
  return out;
};

export const domainEvents = (what: "created" | "updated" | "deleted", domains: DomainRow[]): PendingEvent[] =>
  domains.map((d) => ({ event: `organization_domain.${what}`, data: serializeDomain(d), organizationId: d.organizationId }));
