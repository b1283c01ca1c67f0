import type { Context } from "hono";
import * as v from "valibot";
import { createRouter } from "../lib/router";
import { coordinate } from "../coordinator/client";
import { Domain } from "../environment-api/schemas";
import type { AppEnv } from "../env";
import { DEFAULT_DOH_RESOLVER } from "../lib/doh";
import { notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import { ListParams } from "../lib/pagination";
import { validate } from "../lib/validation";
import { getEmailDomain, listEmailDomains, serializeEmailDomain, verifyEmailDomain } from "../services/email-domains";
import { getProject } from "../services/projects";
import { loadTeam } from "./teams";

export const AddEmailDomain = v.strictObject({ domain: Domain });

const BASE = "/teams/:team_id/projects/:project_id/email_domains";

/** The path's project, of the caller's team (404 otherwise). */
export async function projectOf(c: Context<AppEnv>) {
  const id = c.req.param("project_id") ?? "";
  if (!isId("project", id)) throw notFound("project", id);
  return getProject(c.var.db, c.var.team.id, id);
}

const domainIdOf = (c: Context<AppEnv>) => {
  const id = c.req.param("email_domain_id") ?? "";
  if (!isId("emailDomain", id)) throw notFound("email_domain", id);
  return id;
};

/** Custom email domains of a project (project-level configuration). */
export const emailDomainRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .post(BASE, validate("json", AddEmailDomain), async (c) => {
    const project = await projectOf(c);
    const row = await coordinate(c.env, project.id, "add_email_domain", {
      teamId: c.var.team.id,
      projectId: project.id,
      actor: c.var.caller.clientId,
      id: newId("emailDomain"),
      domain: c.req.valid("json").domain,
    });
    return c.json(serializeEmailDomain(row), 201);
  })
  .get(BASE, validate("query", ListParams), async (c) => c.json(await listEmailDomains(c.var.db, (await projectOf(c)).id, c.req.valid("query"))))
  .get(`${BASE}/:email_domain_id`, async (c) => c.json(serializeEmailDomain(await getEmailDomain(c.var.db, (await projectOf(c)).id, domainIdOf(c)))))
  .post(`${BASE}/:email_domain_id/verify`, async (c) => {
    const domain = await getEmailDomain(c.var.db, (await projectOf(c)).id, domainIdOf(c));
    return c.json(serializeEmailDomain(await verifyEmailDomain(c.var.db, c.env.DOH_RESOLVER_URL || DEFAULT_DOH_RESOLVER, domain)));
  })
  .delete(`${BASE}/:email_domain_id`, async (c) => {
    const project = await projectOf(c);
    await coordinate(c.env, project.id, "delete_email_domain", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId, id: domainIdOf(c) });
    return c.body(null, 204);
  });
