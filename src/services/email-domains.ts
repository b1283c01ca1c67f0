import { and, eq } from "drizzle-orm";
import { emailDomains } from "../db/schema";
import type { Database } from "../env";
import { batch } from "../lib/batch";
import { DnsLookupError, lookupCname } from "../lib/doh";
import { ApiError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { EmailDomainObject } from "../schemas/email-domains";
import type { Serializes } from "../schemas/fields";
import type { ActorRef } from "./people/actor";
import { insertChunks } from "./project-config-kinds";
import { getProject } from "./projects";
import { recordTeamEvent } from "./team-events";

/**
 * Custom email domains, shared by every environment of a project. A domain is added `pending` with three
 * CNAME records to create; verifying looks them up over DNS-over-HTTPS: `verified` when all three point
 * where they should, `failed` otherwise (verifying again later is allowed).
 */
export type EmailDomainRow = typeof emailDomains.$inferSelect;

/** Where the records point; a deployment's own mail infrastructure. */
const MAIL_HOST = "mail.controlplane.dev";

export function dnsRecordsFor(id: string, domain: string) {
  const token = id.slice(id.lastIndexOf("_") + 1).toLowerCase();
  return [
    { type: "CNAME", name: `cp1._domainkey.${domain}`, value: `cp1.${token}.dkim.${MAIL_HOST}` },
    { type: "CNAME", name: `cp2._domainkey.${domain}`, value: `cp2.${token}.dkim.${MAIL_HOST}` },
    { type: "CNAME", name: `bounces.${domain}`, value: `bounces.${MAIL_HOST}` },
  ];
}

export const serializeEmailDomain = (d: EmailDomainRow) => ({
  object: "email_domain" as const,
  id: d.id,
  project_id: d.projectId,
  domain: d.domain,
  state: d.state,
  dns_records: d.dnsRecords,
  verified_at: d.verifiedAt,
  last_checked_at: d.lastCheckedAt,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
});

export async function listEmailDomains(db: Database, projectId: string, params: ListParams) {
  const q = paginate(emailDomains.id, params);
  const rows = await db
    .select()
    .from(emailDomains)
    .where(where(eq(emailDomains.projectId, projectId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, serializeEmailDomain);
}

export async function getEmailDomain(db: Database, projectId: string, id: string): Promise<EmailDomainRow> {
  const row = await db
    .select()
    .from(emailDomains)
    .where(and(eq(emailDomains.id, id), eq(emailDomains.projectId, projectId)))
    .get();
  if (!row) throw notFound("email_domain", id);
  return row;
}

/** Looks the three records up and records the outcome. A resolver that cannot answer changes nothing (503). */
export async function checkEmailDomainRecords(db: Database, resolver: string, domain: EmailDomainRow): Promise<EmailDomainRow> {
  let found: string[][];
  try {
    found = await Promise.all(domain.dnsRecords.map((r) => lookupCname(resolver, r.name)));
  } catch (err) {
    if (err instanceof DnsLookupError) throw new ApiError("dns_resolver_unavailable", `${err.message} Try again shortly.`);
    throw err;
  }
  const ok = domain.dnsRecords.every((r, i) => found[i].includes(r.value.toLowerCase()));
  const now = new Date().toISOString();
  const [updated] = await db
    .update(emailDomains)
    .set({
      state: ok ? "verified" : "failed",
      verifiedAt: ok ? (domain.verifiedAt ?? now) : null,
      lastCheckedAt: now,
      updatedAt: now,
    })
    .where(eq(emailDomains.id, domain.id))
    .returning();
  if (!updated) throw notFound("email_domain", domain.id);
  return updated;
}

// ---- Operations run inside the project's coordinator (serialized with transfers out) ---------------

export interface AddEmailDomainOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
  id: string;
  domain: string;
}

export async function applyAddEmailDomain(db: Database, op: AddEmailDomainOp): Promise<EmailDomainRow> {
  const again = await db.select().from(emailDomains).where(eq(emailDomains.id, op.id)).get();
  if (again) return again; // a retry of an operation that already committed
  await getProject(db, op.teamId, op.projectId); // deleted while this operation waited its turn: 404
  const taken = await db
    .select({ id: emailDomains.id })
    .from(emailDomains)
    .where(and(eq(emailDomains.projectId, op.projectId), eq(emailDomains.domain, op.domain)))
    .get();
  if (taken) throw emailDomainTaken(op.domain);
  const now = new Date().toISOString();
  const row: EmailDomainRow = {
    id: op.id,
    projectId: op.projectId,
    domain: op.domain,
    state: "pending",
    dnsRecords: dnsRecordsFor(op.id, op.domain),
    verifiedAt: null,
    lastCheckedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await batch(db, [
    db.insert(emailDomains).values(row),
    recordTeamEvent(db, op.teamId, "project_config.updated", op.actor, {
      project_id: op.projectId,
      email_domain_id: op.id,
      domain: op.domain,
      change: "added",
    }),
  ]);
  return row;
}

export interface DeleteEmailDomainOp {
  teamId: string;
  projectId: string;
  actor: ActorRef;
  id: string;
}

export async function applyDeleteEmailDomain(db: Database, op: DeleteEmailDomainOp): Promise<{ deleted: true }> {
  const row = await getEmailDomain(db, op.projectId, op.id);
  await batch(db, [
    db.delete(emailDomains).where(eq(emailDomains.id, row.id)),
    recordTeamEvent(db, op.teamId, "project_config.updated", op.actor, {
      project_id: op.projectId,
      email_domain_id: row.id,
      domain: row.domain,
      change: "deleted",
    }),
  ]);
  return { deleted: true };
}

const emailDomainTaken = (domain: string) =>
  new ApiError("email_domain_taken", `${domain} is already a custom email domain of this project.`, {
    errors: [{ field: "domain", code: "taken", message: "is already a custom email domain of this project." }],
  });

// ---- Transfers: copying a project's custom email domains into another project ------------------------

/** A domain the destination lacks is copied; one it has is kept as it is (the source's stay as they are). */
export function planEmailDomainCopy(source: EmailDomainRow[], destination: EmailDomainRow[]) {
  const there = new Set(destination.map((d) => d.domain));
  return {
    copied: source.filter((d) => !there.has(d.domain)),
    reused: source.filter((d) => there.has(d.domain)).map((d) => d.domain),
  };
}

/** Inserts the copies as `pending`, each with its own DNS records to create (one row written per domain). */
export function copyEmailDomainStatements(db: Database, copied: EmailDomainRow[], projectId: string, now: string) {
  const rows = copied.map((d): EmailDomainRow => {
    const id = newId("emailDomain");
    return {
      id,
      projectId,
      domain: d.domain,
      state: "pending",
      dnsRecords: dnsRecordsFor(id, d.domain),
      verifiedAt: null,
      lastCheckedAt: null,
      createdAt: now,
      updatedAt: now,
    };
  });
  return insertChunks(db, emailDomains, rows, 9);
}

/** Every custom email domain of a project. */
export const projectEmailDomainRows = (db: Database, projectId: string) =>
  db.select().from(emailDomains).where(eq(emailDomains.projectId, projectId)).orderBy(emailDomains.id).all();

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeEmailDomain, typeof EmailDomainObject>;
