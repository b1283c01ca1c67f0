/**
 * Fixtures for the suites generated from the route table (authorization-matrix, bad-input-generated): a team with
 * one object of every kind a path can name, and the mapping from a path parameter to the id of that object.
 * A path parameter the mapping does not know fails the suite: a new kind of route must be added here.
 */
import { expect } from "vitest";
import { addEnvironments, envApi, mintKey, newTeam, type Session, sql } from "./helpers";
import type { Json } from "./openapi-support";
import { join } from "./people-helpers";

export interface World {
  team: Json;
  project: Json;
  staging: Json;
  production: Json;
  key: string;
  apiKey: Json;
  application: Json;
  emailDomain: Json;
  flag: Json;
  connection: Json;
  organization: Json;
  user: Json;
  membership: Json;
  webhookEndpoint: Json;
  action: string;
  invitation: Json;
  memberId: string;
  /** The environment's one-time codes and invitations (of its users, not team members). */
  magicAuth: Json;
  emailVerificationId: string;
  passwordReset: Json;
  userInvitation: Json;
}

const ok = (r: { status: number; body: any }, what: string) => {
  expect({ what, status: r.status, code: r.body?.code }).toMatchObject({ what, status: expect.any(Number) });
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
};

/** A team (of the session's client) with one object of each kind, all in its first project's staging environment. */
export async function buildWorld(s: Session, name: string): Promise<World> {
  const { team, project, environments } = await newTeam(s, name);
  // Names unique to this world (external ids, flag slugs and actions are per environment or project).
  const slug = name.toLowerCase().replace(/\W/g, "");
  const [staging, production] = environments;
  const base = `/teams/${team.id}`;
  const key = await mintKey(s, team.id, staging.id, "world key");
  const apiKey = ok(await s.post(`${base}/environments/${staging.id}/api_keys`, { name: "victim key" }), "api key");
  const application = ok(
    await s.post(`${base}/environments/${staging.id}/applications`, {
      name: "Web",
      type: "web",
      redirect_uris: ["https://a.test/cb"],
    }),
    "application",
  );
  const emailDomain = ok(
    await s.post(`${base}/projects/${project.id}/email_domains`, { domain: `${name.toLowerCase().replace(/\W/g, "")}.test` }),
    "email domain",
  );
  const flag = ok(
    await s.post(`${base}/projects/${project.id}/feature_flags`, { slug: `victim-flag-${slug}`, name: "Victim flag" }),
    "flag",
  );
  const api = envApi(key);
  // External ids are per environment: each world's own, so that another world's key finding "its" id proves nothing.
  const organization = ok(
    await api.post("/organizations", { name: "Victim org", external_id: `victim-org-${slug}` }),
    "organization",
  );
  const user = ok(
    await api.post("/user_management/users", { email: "victim@x.test", external_id: `victim-user-${slug}` }),
    "user",
  );
  const membership = ok(
    await api.post("/user_management/organization_memberships", { organization_id: organization.id, user_id: user.id }),
    "membership",
  );
  const connection = ok(
    await s.post(`${base}/environments/${staging.id}/connections`, {
      organization_id: organization.id,
      connection_type: "OktaSAML",
      name: "Okta",
    }),
    "connection",
  );
  const webhookEndpoint = ok(
    await api.post("/webhook_endpoints", { endpoint_url: "https://hooks.victim.test/h", events: ["user.created"] }),
    "webhook endpoint",
  );
  // Per world: an action name is not an id, two environments may both define one.
  const action = `${name.toLowerCase().replace(/\W/g, "")}.acted`;
  ok(await api.post(`/audit_logs/actions/${action}/schemas`, { targets: [{ type: "team" }] }), "audit log action");
  ok(await api.post(`/feature-flags/${flag.slug}/targets/${organization.id}`, {}), "flag target");
  const invitation = ok(
    await s.post(`${base}/invitations`, { email: `invited-${slug}@x.test`, role_slug: "member" }),
    "invitation",
  );
  const { memberId } = await join(s, team.id, "member");
  const magicAuth = ok(await api.post("/user_management/magic_auth", { email: user.email }), "magic auth");
  ok(await api.post(`/user_management/users/${user.id}/email_verification/send`, {}), "email verification");
  const [{ id: emailVerificationId }] = await sql<{ id: string }>(
    "SELECT id FROM email_verifications WHERE user_id = ?",
    user.id,
  );
  const passwordReset = ok(await api.post("/user_management/password_reset", { email: user.email }), "password reset");
  const userInvitation = ok(
    await api.post("/user_management/invitations", { email: `invitee-${slug}@x.test`, organization_id: organization.id }),
    "user invitation",
  );
  return {
    magicAuth,
    emailVerificationId,
    passwordReset,
    userInvitation,
    invitation,
    memberId,
    team,
    project,
    staging,
    production,
    key,
    apiKey,
    application,
    emailDomain,
    flag,
    connection,
    organization,
    user,
    membership,
    webhookEndpoint,
    action,
  };
}

/** A second environment of the world's team in another project (an environment that sees none of the world's objects). */
export async function otherEnvironmentKey(s: Session, world: World): Promise<string> {
  const p = await s.post(`/teams/${world.team.id}/projects`, { name: "Elsewhere", production: false });
  expect(p.status).toBe(201);
  const env = p.body.environments?.[0] ?? (await addEnvironments(s, world.team.id, p.body.id, 1))[0];
  return mintKey(s, world.team.id, env.id, "elsewhere key");
}

export class UnknownParameter extends Error {}

/**
 * The value of a path parameter: the id (or slug, name) of the world's object it names. Decided by the parameter's
 * name and, for a bare `id`, by the collection before it.
 */
export function paramValue(world: World, template: string, name: string): string {
  const segments = template.split("/");
  const before = segments[segments.indexOf(`{${name}}`) - 1];
  switch (name) {
    case "team_id":
      return world.team.id;
    case "project_id":
      return world.project.id;
    case "environment_id":
      return world.staging.id;
    case "key_id":
    case "api_key_id":
      return world.apiKey.id;
    case "application_id":
      return world.application.id;
    case "client_id":
      return world.application.client_id;
    case "email_domain_id":
      return world.emailDomain.id;
    case "slug":
      return world.flag.slug;
    case "action":
      return world.action;
    case "target_id":
      return world.organization.id;
    case "organization_id":
      return world.organization.id;
    case "user_id":
      return world.user.id;
    case "connection_id":
      return world.connection.id;
    case "webhook_endpoint_id":
      return world.webhookEndpoint.id;
    case "invitation_id":
      return world.invitation.id;
    case "member_id":
      return world.memberId;
    case "token":
      if (template.startsWith("/user_management/invitations/by_token/")) return world.userInvitation.token;
      break;
    case "external_id":
      if (template.startsWith("/organizations/")) return world.organization.external_id;
      if (template.startsWith("/user_management/users/")) return world.user.external_id;
      break;
    case "id": {
      const byCollection: Record<string, string> = {
        organizations: world.organization.id,
        users: world.user.id,
        organization_memberships: world.membership.id,
        connections: world.connection.id,
        webhook_endpoints: world.webhookEndpoint.id,
        magic_auth: world.magicAuth.id,
        email_verification: world.emailVerificationId,
        password_reset: world.passwordReset.id,
        invitations: world.userInvitation.id,
      };
      if (before && byCollection[before]) return byCollection[before];
      break;
    }
  }
  throw new UnknownParameter(`no fixture for {${name}} in ${template}: add it to paramValue (test/workers/route-fixtures.ts)`);
}

/** A concrete path for a template, every parameter filled from the world. */
export const fillPath = (world: World, template: string) =>
  template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(paramValue(world, template, name)));

/** The request body schema of an operation (JSON), if it takes one. */
export const requestSchemaOf = (operation: Json): Json | undefined =>
  operation.requestBody?.content?.["application/json"]?.schema;

/**
 * A plausible valid body for a schema: required fields only, with values guessed from their names and formats
 * (ids of the world's objects for `*_id`). Good enough to get past validation to the ownership checks.
 */
export function sampleBody(schema: Json | undefined, world: World, name = ""): unknown {
  if (!schema) return undefined;
  const option = schema.anyOf ?? schema.oneOf;
  if (option) return sampleBody(option.find((o: Json) => o.type !== "null") ?? option[0], world, name);
  if ("const" in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Json = {};
      for (const key of schema.required ?? []) out[key] = sampleBody(schema.properties?.[key] ?? {}, world, key);
      return out;
    }
    case "array":
      return (schema.minItems ?? 0) > 0 || /ids$/.test(name)
        ? [sampleBody(schema.items ?? {}, world, name.replace(/s$/, ""))]
        : [];
    case "boolean":
      return true;
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    default: {
      if (schema.format === "email" || /email/.test(name)) return "probe@x.test";
      if (schema.format === "uri" || /url|uri/.test(name)) return "https://probe.example.test/h";
      if (name === "domain") return "probe-domain.test";
      if (name === "code") return "123456"; // a one-time code's shape
      const ids: Record<string, string> = {
        organization_id: world.organization.id,
        user_id: world.user.id,
        project_id: world.project.id,
        source_project_id: world.project.id,
        environment_id: world.staging.id,
        environment_ids: world.staging.id,
        source_environment_id: world.staging.id,
      };
      if (ids[name]) return ids[name];
      return "x"
        .repeat(Math.max(1, schema.minLength ?? 1))
        .replace(/^x/, "probe")
        .slice(0, Math.max(schema.maxLength ?? 5, 1));
    }
  }
}
