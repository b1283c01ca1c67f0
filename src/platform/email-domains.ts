import { addEmailDomain, deleteEmailDomain, verifyEmailDomain } from "../commands/email-domains";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { projectScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { AddEmailDomain, EmailDomainObject } from "../schemas/email-domains";
import { ListOf } from "../schemas/fields";
import { getEmailDomain, listEmailDomains, serializeEmailDomain } from "../services/email-domains";
import { IDEMPOTENT, IN_PROJECT } from "./doc";

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
