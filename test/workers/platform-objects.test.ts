import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ApiKeyObject } from "../../src/schemas/api-keys";
import { ApplicationObject } from "../../src/schemas/applications";
import { ProjectAuditLogSchemaObject } from "../../src/schemas/audit-logs";
import { BrandingObject } from "../../src/schemas/branding";
import { ConnectionObject } from "../../src/schemas/connections";
import { EmailDomainObject } from "../../src/schemas/email-domains";
import { EnvironmentObject } from "../../src/schemas/environments";
import { ProjectFeatureFlagObject } from "../../src/schemas/feature-flags";
import { ListOf } from "../../src/schemas/fields";
import { ProjectObject, ProjectWithEnvironmentsObject, TransferPreviewObject } from "../../src/schemas/projects";
import { BillingObject, TeamEventObject, TeamObject, UsageObject } from "../../src/schemas/teams";
import { TokenObject } from "../../src/schemas/tokens";
import { TransferObject } from "../../src/schemas/transfers";
import { type Answer, CLIENT, call, envApi, expectError, mintKey, newTeam, session } from "./helpers";

const O = {
  ...{ ApiKeyObject, ApplicationObject, BrandingObject, ConnectionObject, EmailDomainObject, EnvironmentObject, ListOf },
  ...{ ProjectObject, ProjectWithEnvironmentsObject, TransferPreviewObject, TransferObject, TokenObject },
  ...{ BillingObject, TeamEventObject, TeamObject, UsageObject },
  AuditLogSchemaObject: ProjectAuditLogSchemaObject,
  FeatureFlagObject: ProjectFeatureFlagObject,
};

/**
 * Every success answer of the Platform API fits the schema its route documents (src/schemas/), with
 * no field the schema lacks: what the OpenAPI document promises is what a client gets.
 */
function expectObject(answer: Answer, status: number, schema: v.GenericSchema) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const parsed = v.safeParse(schema, answer.body);
  expect(parsed.success ? [] : parsed.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toEqual([]);
  expectNoExtraFields(schema, answer.body, "$");
}

/** The schemas are not strict (clients must tolerate new fields); the server must still send none undocumented. */
function expectNoExtraFields(schema: v.GenericSchema, value: unknown, path: string): void {
  const s = schema as v.GenericSchema & {
    entries?: Record<string, v.GenericSchema>;
    item?: v.GenericSchema;
    wrapped?: v.GenericSchema;
    options?: v.GenericSchema[];
    type: string;
  };
  if (s.wrapped) {
    expectNoExtraFields(s.wrapped, value, path);
  } else if (s.type === "array" && s.item && Array.isArray(value)) {
    const item = s.item;
    value.forEach((each, i) => {
      expectNoExtraFields(item, each, `${path}[${i}]`);
    });
  } else if (s.type === "variant" && s.options) {
    const match = s.options.find((o) => v.is(o, value));
    if (match) expectNoExtraFields(match, value, path);
  }
  if (s.type === "object" && s.entries && value && typeof value === "object") {
    for (const key of Object.keys(value)) {
      expect(Object.keys(s.entries), `${path}.${key} is not documented`).toContain(key);
      expectNoExtraFields(s.entries[key], (value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  }
}

describe("Platform API answers match their documented objects", () => {
  it("teams, billing, usage, events", async () => {
    const s = await session();
    const created = await s.post("/teams", { name: "Acme", admin_email: "a@acme.test" });
    expectObject(created, 201, O.TeamObject);
    const id = created.body.id;
    expectObject(await s.get("/teams"), 200, O.ListOf(O.TeamObject));
    expectObject(await s.get(`/teams/${id}`), 200, O.TeamObject);
    expectError(await s.get(`/teams/${id}/billing`), 404, "billing_not_found");
    expectObject(
      await s.put(`/teams/${id}/billing`, { billing_email: "b@acme.test", payment_method: "4242 4242 4242 4242" }),
      200,
      O.BillingObject,
    );
    expectObject(await s.get(`/teams/${id}/billing`), 200, O.BillingObject);
    expectObject(await s.get(`/teams/${id}`), 200, O.TeamObject); // production_enabled_at set now
    expectObject(await s.get(`/teams/${id}/usage`), 200, O.UsageObject);
    expectObject(await s.get(`/teams/${id}/events`), 200, O.ListOf(O.TeamEventObject));
  });

  it("projects, environments, transfers", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const t = `/teams/${team.id}`;
    const created = await s.post(`${t}/projects`, { name: "Two" });
    expectObject(created, 201, O.ProjectWithEnvironmentsObject);
    expectObject(await s.get(`${t}/projects`), 200, O.ListOf(O.ProjectObject));
    expectObject(await s.get(`${t}/projects/${project.id}`), 200, O.ProjectObject);
    expectObject(await s.patch(`${t}/projects/${project.id}`, { name: "Renamed" }), 200, O.ProjectObject);
    const env = await s.post(`${t}/environments`, { name: "QA", project_id: project.id });
    expectObject(env, 201, O.EnvironmentObject);
    expectObject(await s.get(`${t}/environments`), 200, O.ListOf(O.EnvironmentObject));
    expectObject(await s.get(`${t}/environments/${env.body.id}`), 200, O.EnvironmentObject);
    expectObject(await s.patch(`${t}/environments/${env.body.id}`, { name: "QA 2" }), 200, O.EnvironmentObject);
    const transfer = { source_project_id: project.id, environment_ids: [env.body.id] };
    // A preview with blockers and one without.
    expectObject(
      await s.post(`${t}/projects/transfer_preview`, {
        source_project_id: project.id,
        environment_ids: environments.map((e) => e.id).concat(env.body.id),
      }),
      200,
      O.TransferPreviewObject,
    );
    const preview = await s.post(`${t}/projects/transfer_preview`, transfer);
    expectObject(preview, 200, O.TransferPreviewObject);
    expect(preview.body.transferable).toBe(true);
    expectObject(
      await s.post(`${t}/projects`, {
        name: "Moved",
        transfer: { ...transfer, acknowledge: true, preview_token: preview.body.preview_token },
      }),
      201,
      O.ProjectWithEnvironmentsObject,
    );
    expectObject(await s.get(`${t}/transfers`), 200, O.ListOf(O.TransferObject));
    expect((await s.del(`${t}/projects/${created.body.id}`)).status).toBe(204);
  });

  it("what an environment holds: keys, applications, branding, connections", async () => {
    const s = await session();
    const { team, environments } = await newTeam(s);
    const e = `/teams/${team.id}/environments/${environments[0].id}`;
    const key = await s.post(`${e}/api_keys`, { name: "k", expires_at: "2999-01-01T00:00:00Z" });
    expectObject(key, 201, O.ApiKeyObject);
    expect(key.body.value).toMatch(/^sk_test_/);
    expectObject(await s.get(`${e}/api_keys`), 200, O.ListOf(O.ApiKeyObject));
    const app = await s.post(`${e}/applications`, { name: "A", type: "web", redirect_uris: ["https://a.test/cb"] });
    expectObject(app, 201, O.ApplicationObject);
    expectObject(await s.get(`${e}/applications`), 200, O.ListOf(O.ApplicationObject));
    expectObject(await s.get(`${e}/applications/${app.body.id}`), 200, O.ApplicationObject);
    expectObject(await s.patch(`${e}/applications/${app.body.id}`, { type: "mobile" }), 200, O.ApplicationObject);
    expectObject(await s.get(`${e}/branding`), 200, O.BrandingObject); // the defaults, never saved
    expectObject(
      await s.put(`${e}/branding`, { primary_color: "#112233", logo_url: "https://a.test/logo.png" }),
      200,
      O.BrandingObject,
    );
    expectObject(
      await s.post(`/teams/${team.id}/environments/${environments[1].id}/branding/copy`, {
        source_environment_id: environments[0].id,
      }),
      200,
      O.BrandingObject,
    );
    const api = envApi(await mintKey(s, team.id, environments[0].id));
    const org = await api.post("/organizations", { name: "Org", domain_data: [{ domain: "org.test", state: "verified" }] });
    expect(org.status).toBe(201);
    expectObject(
      await s.post(`${e}/connections`, { organization_id: org.body.id, connection_type: "GenericSAML", name: "SSO" }),
      201,
      O.ConnectionObject,
    );
  });

  it("project configuration: feature flags, email domains, Audit Logs schemas", async () => {
    const s = await session();
    const { team, project, environments } = await newTeam(s);
    const p = `/teams/${team.id}/projects/${project.id}`;
    expectObject(await s.post(`${p}/feature_flags`, { slug: "beta", name: "Beta", tags: ["a"] }), 201, O.FeatureFlagObject);
    expectObject(await s.get(`${p}/feature_flags`), 200, O.ListOf(O.FeatureFlagObject));
    expectObject(await s.get(`${p}/feature_flags/beta`), 200, O.FeatureFlagObject);
    expectObject(await s.patch(`${p}/feature_flags/beta`, { description: "On for some" }), 200, O.FeatureFlagObject);
    const domain = await s.post(`${p}/email_domains`, { domain: "mail.acme.test" });
    expectObject(domain, 201, O.EmailDomainObject);
    expectObject(await s.get(`${p}/email_domains`), 200, O.ListOf(O.EmailDomainObject));
    expectObject(await s.get(`${p}/email_domains/${domain.body.id}`), 200, O.EmailDomainObject);
    const api = envApi(await mintKey(s, team.id, environments[0].id));
    const schema = await api.post("/audit_logs/actions/user.signed_in/schemas", {
      targets: [{ type: "user", metadata: { type: "object", properties: { plan: { type: "string" } } } }],
    });
    expect(schema.status).toBe(201);
    expectObject(await s.get(`${p}/audit_log_schemas`), 200, O.ListOf(O.AuditLogSchemaObject));
  });

  it("POST /oauth2/token", async () => {
    const res = await call("POST", "/oauth2/token", {
      rawBody: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expectObject(res, 200, O.TokenObject);
  });
});
