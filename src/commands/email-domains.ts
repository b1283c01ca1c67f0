import { coordinate } from "../coordinator/client";
import { DEFAULT_DOH_RESOLVER } from "../lib/doh";
import { notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import type { EmailDomainRow } from "../services/email-domains";
import * as emailDomains from "../services/email-domains";
import { actorOf, type ProjectScope } from "./scope";

const idOf = (id: string) => {
  if (!isId("emailDomain", id)) throw notFound("email_domain", id);
  return id;
};

/** Adds a custom email domain to the project (`pending`, with the DNS records to create), in its coordinator. */
export const addEmailDomain = (scope: ProjectScope, input: { domain: string }): Promise<EmailDomainRow> =>
  coordinate(scope.env, scope.project.id, "add_email_domain", {
    teamId: scope.team.id,
    projectId: scope.project.id,
    actor: actorOf(scope),
    id: newId("emailDomain"),
    domain: input.domain,
  });

/** Looks the domain's DNS records up (DNS over HTTPS) and records `verified` or `failed`; a resolver that cannot answer is a 503. */
export async function verifyEmailDomain(scope: ProjectScope, input: { id: string }) {
  const domain = await emailDomains.getEmailDomain(scope.db, scope.project.id, idOf(input.id));
  return emailDomains.checkEmailDomainRecords(scope.db, scope.env.DOH_RESOLVER_URL || DEFAULT_DOH_RESOLVER, domain);
}

/** Removes a custom email domain from the project, in its coordinator. */
export async function deleteEmailDomain(scope: ProjectScope, input: { id: string }) {
  await coordinate(scope.env, scope.project.id, "delete_email_domain", {
    teamId: scope.team.id,
    projectId: scope.project.id,
    actor: actorOf(scope),
    id: idOf(input.id),
  });
}
