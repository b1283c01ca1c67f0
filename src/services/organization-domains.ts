import { and, between, eq, inArray } from "drizzle-orm";
import type { InferOutput } from "valibot";
import { organizationDomains } from "../db/schema";
import type { Database } from "../env";
import type { Statement } from "../lib/batch";
import { newId } from "../lib/ids";
import type { DOMAIN_STATES, OrganizationDomainObject, VERIFICATION_STRATEGIES } from "../objects/environment-api";
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

/** The domains of some organizations, by organization id. */
export async function domainsOf(db: Database, organizationIds: string[]) {
  const byOrg = new Map<string, DomainRow[]>(organizationIds.map((id) => [id, []]));
  // A page holds up to 101 rows (one more tells whether more exist); D1 binds at most 100 parameters.
  for (let i = 0; i < organizationIds.length; i += 90) {
    const chunk = organizationIds.slice(i, i + 90);
    // No ORDER BY: it would make SQLite walk the primary key instead of the organization index.
    const rows = await db.select().from(organizationDomains).where(inArray(organizationDomains.organizationId, chunk));
    for (const d of rows) byOrg.get(d.organizationId)?.push(d);
  }
  for (const list of byOrg.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  return byOrg;
}

/**
 * The domains of a page of organizations listed in id order: the page is a contiguous run of the environment's
 * organization ids, so their domains are one range of organization_domains_environment_org_idx (a lookup per
 * organization would cost D1 two reads each).
 */
export async function domainsOfPage(db: Database, environmentId: string, organizationIds: string[]) {
  const byOrg = new Map<string, DomainRow[]>(organizationIds.map((id) => [id, []]));
  if (organizationIds.length === 0) return byOrg;
  const sorted = [...organizationIds].sort();
  const rows = await db
    .select()
    .from(organizationDomains)
    .where(
      and(
        eq(organizationDomains.environmentId, environmentId),
        between(organizationDomains.organizationId, sorted[0], sorted[sorted.length - 1]),
      ),
    );
  for (const d of rows) byOrg.get(d.organizationId)?.push(d);
  for (const list of byOrg.values()) list.sort((a, b) => (a.id < b.id ? -1 : 1));
  return byOrg;
}

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
export const insertDomains = (db: Database, rows: DomainRow[]): Statement[] => {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += 12) out.push(db.insert(organizationDomains).values(rows.slice(i, i + 12)));
  return out;
};

export const domainEvents = (what: "created" | "updated" | "deleted", domains: DomainRow[]): PendingEvent[] =>
  domains.map((d) => ({ event: `organization_domain.${what}`, data: serializeDomain(d), organizationId: d.organizationId }));
