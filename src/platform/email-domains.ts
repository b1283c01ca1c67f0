import type { Context } from "hono";
import * as v from "valibot";
import { addEmailDomain, deleteEmailDomain, verifyEmailDomain } from "../commands/email-domains";
import type { AppEnv } from "../env";
import { Domain, pathId } from "../environment-api/schemas";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { getEmailDomain, listEmailDomains, serializeEmailDomain } from "../services/email-domains";
import { getProject } from "../services/projects";
import { EmailDomainObject, IDEMPOTENT, IN_PROJECT, ListOf } from "./objects";
import { projectScope } from "./resources";

export const AddEmailDomain = v.strictObject({ domain: Domain });

const BASE = "/teams/:team_id/projects/:project_id/email_domains";

/** Custom email domains of a project (project-level configuration). */
export const emailDomainRoutes = createRouter()
  .post(
    BASE,
    doc({
      summary: "Add a custom email domain",
      description: "`pending`, with the CNAME records to create. Blocks transfers out of the project.",
      tags: ["Project configuration"],
      responses: { 201: EmailDomainObject },
      errors: [...IN_PROJECT, ...IDEMPOTENT, "email_domain_taken"],
      write: true,
    }),
    validate("json", AddEmailDomain),
    async (c) => c.json(serializeEmailDomain(await addEmailDomain(projectScope(c), c.req.valid("json"))), 201),
  )
  .get(
    BASE,
    doc({
      summary: "List custom email domains",
      tags: ["Project configuration"],
      responses: { 200: ListOf(EmailDomainObject) },
      errors: IN_PROJECT,
    }),
    validate("query", ListParams),
    async (c) => c.json(await listEmailDomains(c.var.db, c.var.project.id, c.req.valid("query"))),
  )
  .get(
    `${BASE}/:email_domain_id`,
    doc({
      summary: "Get a custom email domain",
      tags: ["Project configuration"],
      responses: { 200: EmailDomainObject },
      errors: [...IN_PROJECT, "email_domain_not_found"],
    }),
    async (c) =>
      c.json(
        serializeEmailDomain(
          await getEmailDomain(c.var.db, c.var.project.id, pathId(c, "emailDomain", "email_domain", "email_domain_id")),
        ),
      ),
  )
  .post(
    `${BASE}/:email_domain_id/verify`,
    doc({
      summary: "Verify a custom email domain",
      description:
        "Looks its CNAME records up (DNS over HTTPS): `verified` when all three point where they should, `failed` otherwise.",
      tags: ["Project configuration"],
      responses: { 200: EmailDomainObject },
      errors: [...IN_PROJECT, ...IDEMPOTENT, "email_domain_not_found", "dns_resolver_unavailable"],
    }),
    async (c) => c.json(serializeEmailDomain(await verifyEmailDomain(projectScope(c), { id: c.req.param("email_domain_id") }))),
  )
  .delete(
    `${BASE}/:email_domain_id`,
    doc({
      summary: "Delete a custom email domain",
      tags: ["Project configuration"],
      responses: { 204: null },
      errors: [...IN_PROJECT, "email_domain_not_found"],
    }),
    async (c) => {
      await deleteEmailDomain(projectScope(c), { id: c.req.param("email_domain_id") });
      return c.body(null, 204);
    },
  );

/**
 * Kept for the dashboard's imports until it uses the project middleware (./resources `loadProject`):
 * the path's project, of the caller's team (404 otherwise). No Platform API route uses it.
 */
export async function projectOf(c: Context<AppEnv>) {
  const id = c.req.param("project_id") ?? "";
  if (!isId("project", id)) throw notFound("project", id);
  return getProject(c.var.db, c.var.team.id, id);
}
