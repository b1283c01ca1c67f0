import { env } from "cloudflare:workers";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { coordinate } from "../../src/coordinator/client";
import { environmentApi } from "../../src/environment-api";
import { newId } from "../../src/lib/ids";
import { type Answer, call, type EnvApi, envApi, expectError, mintKey, type Session, session, sql, stagingApi } from "./helpers";
import { fetchDocument, type Json, operationsOf } from "./openapi-support";
import { otherCode } from "./sign-in-codes-helpers";
import type { Event } from "./types";

/**
 * The environment API against its own OpenAPI document (`GET /openapi.json`): every route is in it, every answer
 * these tests see fits the schema documented for its route and status, every path id is scoped to the key's
 * environment, and no 4xx writes anything.
 */

// ---- The document, and answers checked against it -----------------------------------------------------

interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
  literals: number;
  op: {
    security?: Record<string, unknown>[];
    tags?: string[];
    responses: Record<string, { content?: { "application/json": { schema: object } } }>;
  };
}

let document: { paths: Record<string, Record<string, Operation["op"]>> };
let operations: Operation[];
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
const mismatches: string[] = [];
/** `METHOD /path/{param}` → the statuses seen. */
const seen = new Map<string, Set<number>>();

beforeAll(async () => {
  const r = await call("GET", "/openapi.json");
  expect(r.status).toBe(200);
  document = r.body;
  operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      op,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      literals: path.split("/").filter((s) => s && !s.startsWith("{")).length,
    })),
  );
});

/** The environment API's routes with a path id, read when the file is collected: one test each. */
const ID_ROUTES = operationsOf(await fetchDocument())
  .filter((o) => o.operation.security?.some((x: Json) => "environment" in x) && o.path.includes("{id}"))
  .map((o) => [`${o.method} ${o.path}`, { method: o.method, path: o.path, op: o.operation as Operation["op"] }] as const);

const environmentOperations = () => operations.filter((o) => o.op.security?.some((s) => "environment" in s));

/** The documented operation a concrete request lands on (the one with the most literal segments, as the router picks). */
function operationOf(method: string, url: string) {
  const path = url.split("?")[0];
  return operations.filter((o) => o.method === method && o.pattern.test(path)).sort((a, b) => b.literals - a.literals)[0];
}

/** Checks an answer against the document (schema of its route and status) and records what was seen. */
function check(method: string, url: string, answer: Answer) {
  const op = operationOf(method, url);
  if (!op) {
    mismatches.push(`${method} ${url}: no such operation in the document`);
    return answer;
  }
  const key = `${op.method} ${op.path}`;
  seen.set(key, (seen.get(key) ?? new Set()).add(answer.status));
  const documented = op.op.responses[String(answer.status)];
  if (!documented) {
    mismatches.push(`${key} answered ${answer.status} (${JSON.stringify(answer.body)?.slice(0, 200)}), which is not documented`);
    return answer;
  }
  const schema = documented.content?.["application/json"]?.schema;
  if (!schema) {
    if (answer.body !== null && answer.body !== "") mismatches.push(`${key} ${answer.status}: a body where none is documented`);
    return answer;
  }
  const id = `${key} ${answer.status}`;
  const validate = validators.get(id) ?? ajv.compile(schema);
  validators.set(id, validate);
  if (!validate(answer.body))
    mismatches.push(`${id}: ${ajv.errorsText(validate.errors).slice(0, 500)} in ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer;
}

/** `envApi` whose every answer is checked against the document. */
function checked(api: EnvApi): EnvApi {
  const wrap =
    (method: string, f: EnvApi["get"]) =>
    async <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      check(method, path, await f<T>(path, body, headers)) as Answer<T>;
  return {
    key: api.key,
    get: wrap("GET", api.get),
    post: wrap("POST", api.post),
    put: wrap("PUT", api.put),
    patch: wrap("PATCH", api.patch),
    del: wrap("DELETE", api.del),
  };
}

// ---- Fixtures -----------------------------------------------------------------------------------------

const DEAD_URL = "http://127.0.0.1:9/hooks"; // nothing listens: deliveries stay queued (or fail), never reach anyone
// Spelled out, not imported from src/schemas/events.ts (EMITTED_EVENTS): the contract's list, so that an event dropped
// from the source fails the test that expects the scenario below to emit every one.
const ALL_EVENTS = [
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "organization_domain.created",
  "organization_domain.updated",
  "organization_domain.deleted",
  "user.created",
  "user.updated",
  "user.deleted",
  "organization_membership.created",
  "organization_membership.updated",
  "organization_membership.deleted",
  "connection.activated",
  "connection.deleted",
  "magic_auth.created",
  "email_verification.created",
  "authentication.email_verification_succeeded",
  "password_reset.created",
  "password_reset.succeeded",
  "invitation.created",
  "invitation.resent",
  "invitation.accepted",
  "invitation.revoked",
  "session.created",
  "session.revoked",
  "authentication.password_succeeded",
  "authentication.password_failed",
];

/** An environment with one of everything: an organization with a domain and a connection, a user and their membership, a flag, an endpoint. */
async function populated(s: Session, teamId: string, projectId: string, environmentId: string, api: EnvApi, tag: string) {
  const org = (
    await api.post("/organizations", {
      name: `Org ${tag}`,
      domain_data: [{ domain: `${tag}.test`, state: "verified" }],
      external_id: `org-${tag}`,
    })
  ).body;
  const user = (
    await api.post("/user_management/users", { email: `${tag}@example.test`, first_name: "Ada", external_id: `user-${tag}` })
  ).body;
  const membership = (await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id }))
    .body;
  const connection = (
    await s.post(`/teams/${teamId}/environments/${environmentId}/connections`, {
      organization_id: org.id,
      connection_type: "OktaSAML",
      name: "Okta",
    })
  ).body;
  const endpoint = (await api.post("/webhook_endpoints", { endpoint_url: `${DEAD_URL}/${tag}`, events: ALL_EVENTS })).body;
  const magicAuth = (await api.post("/user_management/magic_auth", { email: user.email })).body;
  expect((await api.post(`/user_management/users/${user.id}/email_verification/send`, {})).status).toBe(200);
  const [emailVerification] = await sql<{ id: string }>("SELECT id FROM email_verifications WHERE user_id = ?", user.id);
  const passwordReset = (await api.post("/user_management/password_reset", { email: user.email })).body;
  const invitation = (
    await api.post("/user_management/invitations", { email: `invitee-${tag}@example.test`, organization_id: org.id })
  ).body;
  for (const x of [org, user, membership, connection, endpoint, magicAuth, emailVerification, passwordReset, invitation])
    expect(x.id).toBeTruthy();
  return {
    org,
    user,
    membership,
    connection,
    endpoint,
    projectId,
    magicAuth,
    emailVerification,
    passwordReset,
    invitation,
  };
}

type Populated = Awaited<ReturnType<typeof populated>>;

/** Rows that a refused request must leave alone, in a comparable form (deliveries by id: the dispatcher updates their state). */
async function snapshot() {
  const tables = [
    "organizations",
    "organization_domains",
    "users",
    "organization_memberships",
    "connections",
    "webhook_endpoints",
    "events",
    "feature_flag_states",
    "feature_flag_targets",
    "audit_log_events",
    "audit_log_schemas",
    "feature_flags",
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await sql(`SELECT * FROM ${t} ORDER BY rowid`);
  out.webhook_deliveries = await sql("SELECT id, event_id, endpoint_id FROM webhook_deliveries ORDER BY id");
  return out;
}
const counts = async () => ({
  events: (await sql<{ n: number }>("SELECT COUNT(*) AS n FROM events"))[0].n,
  deliveries: (await sql<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries"))[0].n,
});

// ---- Tests --------------------------------------------------------------------------------------------

describe("environment API contract", { timeout: 60_000 }, () => {
  it("the document describes exactly the routes the environment API registers, each with its security, tag and common errors", () => {
    const registered = new Set(
      environmentApi.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`),
    );
    const documented = new Set(environmentOperations().map((o) => `${o.method} ${o.path}`));
    expect([...documented].sort()).toEqual([...registered].sort());
    expect(documented.size).toBe(57);
    const tags = ["Organizations", "User management", "SSO", "Webhooks", "Events", "Feature flags", "Audit Logs"];
    for (const o of environmentOperations()) {
      expect(o.op.tags?.length, `${o.method} ${o.path}`).toBe(1);
      expect(tags).toContain(o.op.tags?.[0]);
      // Every route refuses a missing key (401) and a locked production environment (403).
      expect(Object.keys(o.op.responses)).toEqual(expect.arrayContaining(["401", "403", "429"]));
      const success = Object.keys(o.op.responses).filter((s) => s.startsWith("2"));
      expect(success.length, `${o.method} ${o.path}`).toBe(1);
    }
  });

  // One success and each documented error of every route: about 150 requests, 500 ms each on a busy machine.
  it("every answer fits the document: each route's success and its documented errors", { timeout: 90_000 }, async () => {
    const s = await session();
    const { team, project, staging, production, api: raw } = await stagingApi("Contract");
    const api = checked(raw);
    const fixtures = await populated(s, team.id, project.id, staging.id, api, "contract");
    const { org, user, membership, connection, endpoint } = fixtures;
    const ghost = { org: "org_01ARZ3NDEKTSV4RRFFQ69G5FAV", user: "user_01ARZ3NDEKTSV4RRFFQ69G5FAV" };

    // Organizations
    await api.get("/organizations?domains=contract.test");
    await api.get("/organizations?limit=1000");
    await api.get(`/organizations/${org.id}`);
    await api.get(`/organizations/${ghost.org}`);
    await api.get("/organizations/external_id/org-contract");
    await api.get("/organizations/external_id/nope");
    await api.put(`/organizations/${org.id}`, {
      name: "Renamed",
      domain_data: [
        { domain: "contract.test", state: "pending" },
        { domain: "more.test", state: "verified" },
      ],
    });
    await api.put(`/organizations/${org.id}`, {});
    await api.put(`/organizations/${org.id}`, { name: "" });
    const other = (
      await api.post("/organizations", {
        name: "Other",
        external_id: "taken",
        domain_data: [{ domain: "other.test", state: "verified" }],
      })
    ).body;
    await api.post("/organizations", { name: "Dup", external_id: "taken" });
    await api.post("/organizations", { name: "Dup", domain_data: [{ domain: "more.test", state: "verified" }] });
    await api.put(`/organizations/${org.id}`, { external_id: "taken" });
    await api.put(`/organizations/${ghost.org}`, { name: "x" });

    // Users and memberships
    await api.get("/user_management/users");
    await api.get(`/user_management/users?organization_id=${org.id}`);
    await api.get(`/user_management/users/${user.id}`);
    await api.get(`/user_management/users/${ghost.user}`);
    await api.get("/user_management/users/external_id/user-contract");
    await api.get("/user_management/users/external_id/nope");
    await api.put(`/user_management/users/${user.id}`, { last_name: "Lovelace", locale: "en-GB", metadata: { a: "b" } });
    await api.put(`/user_management/users/${user.id}`, { email: "not an email" });
    const second = (await api.post("/user_management/users", { email: "second@example.test", password: "correct horse battery" }))
      .body;
    await api.post("/user_management/users", { email: "SECOND@example.test" });
    await api.put(`/user_management/users/${second.id}`, { email: "contract@example.test" });
    await api.del(`/user_management/users/${ghost.user}`);
    // Sessions: a password sign-in through the environment's application starts one (no key: the client id).
    const signIn = (password: string) =>
      call("POST", "/user_management/authenticate", {
        body: { client_id: staging.client_id, grant_type: "password", email: "second@example.test", password },
      });
    expect((await signIn("wrong password")).status).toBe(400);
    const signedIn = await signIn("correct horse battery");
    expect(signedIn.status).toBe(200);
    const sessions = await api.get(`/user_management/users/${second.id}/sessions`);
    await api.get(`/user_management/users/${ghost.user}/sessions`);
    await api.post("/user_management/sessions/revoke", { session_id: sessions.body.data[0].id });
    await api.post("/user_management/sessions/revoke", { session_id: "session_01ARZ3NDEKTSV4RRFFQ69G5FAV" });
    await api.get("/user_management/organization_memberships?statuses=active,pending");
    await api.get(`/user_management/organization_memberships/${membership.id}`);
    await api.put(`/user_management/organization_memberships/${membership.id}`, { role_slug: "admin" });
    await api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id });
    await api.post("/user_management/organization_memberships", { organization_id: ghost.org, user_id: user.id });
    const m2 = (await api.post("/user_management/organization_memberships", { organization_id: other.id, user_id: second.id }))
      .body;
    await api.del(`/user_management/organization_memberships/${m2.id}`);
    await api.del(`/user_management/organization_memberships/${m2.id}`);

    // SSO
    await api.get("/connections?connection_type=OktaSAML");
    await api.get(`/connections/${connection.id}`);
    await api.get("/connections/conn_nope");

    // Webhooks and events
    await api.get("/webhook_endpoints");
    await api.get(`/webhook_endpoints/${endpoint.id}`);
    await api.patch(`/webhook_endpoints/${endpoint.id}`, { status: "disabled" });
    await api.patch(`/webhook_endpoints/${endpoint.id}`, { status: "enabled" });
    await api.post("/webhook_endpoints", { endpoint_url: endpoint.endpoint_url, events: ["user.created"] });
    const spare = (await api.post("/webhook_endpoints", { endpoint_url: `${DEAD_URL}/spare`, events: ["user.deleted"] })).body;
    await api.patch(`/webhook_endpoints/${spare.id}`, { endpoint_url: endpoint.endpoint_url });
    await api.del(`/webhook_endpoints/${spare.id}`);
    await api.get(`/webhook_endpoints/${spare.id}`);

    // Feature flags
    const flag = await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, {
      slug: "beta",
      name: "Beta",
      default_value: false,
    });
    expect(flag.status).toBe(201);
    await api.get("/feature-flags");
    await api.get("/feature-flags/beta");
    await api.get("/feature-flags/nope");
    await api.put("/feature-flags/beta/enable");
    await api.put("/feature-flags/beta/disable");
    await api.put("/feature-flags/beta/enable");
    await api.post(`/feature-flags/beta/targets/${user.id}`);
    await api.post(`/feature-flags/beta/targets/${org.id}`);
    await api.post("/feature-flags/beta/targets/nobody");
    await api.post(`/feature-flags/beta/targets/${ghost.user}`);
    await api.get(`/organizations/${org.id}/feature-flags`);
    await api.get(`/user_management/users/${user.id}/feature-flags`);
    await api.get(`/user_management/users/${ghost.user}/feature-flags`);
    const poll = await api.get("/sdk/feature-flags");
    expect(poll.body.beta.targets.users).toEqual([{ id: user.id, enabled: true }]);
    await api.del(`/feature-flags/beta/targets/${org.id}`);
    await api.del(`/feature-flags/beta/targets/${ghost.org}`);

    // Audit Logs
    await api.get("/audit_logs/actions");
    await api.get("/audit_logs/actions/user.signed_in/schemas");
    await api.post("/audit_logs/actions/user.signed_in/schemas", { targets: [{ type: "team" }] });
    await api.post("/audit_logs/actions/user.signed_in/schemas", {
      targets: [{ type: "team", metadata: { type: "object", properties: { plan: { type: "string" } } } }],
      actor: { metadata: { type: "object", properties: { role: { type: "string" } } } },
      metadata: { type: "object", properties: { ip: { type: "string" } } },
    });
    await api.post("/audit_logs/actions/user.signed_in/schemas", { targets: [{ type: "team" }], actor: {} });
    await api.post("/audit_logs/actions/NOT AN ACTION/schemas", { targets: [{ type: "team" }] });
    await api.get("/audit_logs/actions/user.signed_in/schemas");
    await api.get("/audit_logs/actions");
    const auditEvent = {
      action: "user.signed_in",
      version: 1,
      occurred_at: new Date().toISOString(),
      actor: { id: user.id, type: "user" },
      targets: [{ id: "team_1", type: "team" }],
      context: { location: "127.0.0.1" },
    };
    await api.post("/audit_logs/events", { organization_id: org.id, event: auditEvent });
    await api.post("/audit_logs/events", { organization_id: ghost.org, event: auditEvent });
    await api.post("/audit_logs/events", { organization_id: org.id, event: { ...auditEvent, version: 9 } });
    await api.post("/audit_logs/events", { organization_id: org.id, event: auditEvent }, { "Idempotency-Key": "k1" });
    await api.post(
      "/audit_logs/events",
      { organization_id: org.id, event: { ...auditEvent, occurred_at: "2020-01-01T00:00:00.000Z" } },
      { "Idempotency-Key": "k1" },
    );

    // One-time codes and invitations of users
    const magic = (await api.post("/user_management/magic_auth", { email: user.email })).body;
    await api.get(`/user_management/magic_auth/${magic.id}`);
    await api.get("/user_management/magic_auth/magic_auth_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    await api.post("/user_management/magic_auth", { email: "not an email" });
    await api.post(`/user_management/users/${second.id}/email_verification/send`, {});
    const [{ id: verificationId }] = await sql<{ id: string }>("SELECT id FROM email_verifications WHERE user_id = ?", second.id);
    const verification = (await api.get(`/user_management/email_verification/${verificationId}`)).body;
    const confirm = `/user_management/users/${second.id}/email_verification/confirm`;
    await api.post(confirm, { code: otherCode(verification.code) });
    await api.post(confirm, { code: verification.code });
    await api.post(confirm, { code: verification.code });
    await api.post(`/user_management/users/${second.id}/email_verification/send`, {});
    await api.post(`/user_management/users/${ghost.user}/email_verification/send`, {});
    await api.get("/user_management/email_verification/email_verification_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    await api.get(`/user_management/users/${user.id}/identities`);
    await api.get(`/user_management/users/${ghost.user}/identities`);
    const reset = (await api.post("/user_management/password_reset", { email: second.email })).body;
    await api.get(`/user_management/password_reset/${reset.id}`);
    await api.get("/user_management/password_reset/password_reset_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    await api.post("/user_management/password_reset", { email: "nobody@example.test" });
    const newPassword = { token: reset.password_reset_token, new_password: "another horse battery" };
    await api.post("/user_management/password_reset/confirm", newPassword);
    await api.post("/user_management/password_reset/confirm", newPassword);
    const invite = (await api.post("/user_management/invitations", { email: "invitee@example.test", organization_id: org.id }))
      .body;
    await api.post("/user_management/invitations", { email: "invitee@example.test", organization_id: org.id });
    await api.post("/user_management/invitations", { email: user.email });
    await api.get(`/user_management/invitations?organization_id=${org.id}&email=invitee@example.test`);
    await api.get(`/user_management/invitations/${invite.id}`);
    await api.get(`/user_management/invitations/by_token/${invite.token}`);
    await api.get("/user_management/invitations/by_token/nope");
    await api.post(`/user_management/invitations/${invite.id}/resend`, {});
    await api.post(`/user_management/invitations/${invite.id}/accept`);
    await api.post(`/user_management/invitations/${invite.id}/revoke`);
    const revocable = (await api.post("/user_management/invitations", { email: "later@example.test" })).body;
    await api.post(`/user_management/invitations/${revocable.id}/revoke`);
    await api.get("/user_management/invitations/invitation_01ARZ3NDEKTSV4RRFFQ69G5FAV");

    // Deletes (events of every kind are listed below)
    await api.del(`/connections/${connection.id}`);
    await api.del(`/connections/${connection.id}`);
    await api.del(`/user_management/users/${second.id}`);
    await api.del(`/organizations/${other.id}`);
    await api.del(`/organizations/${other.id}`);
    const events = await api.get("/events?limit=100&order=asc");
    expect(new Set(events.body.data.map((e: Event) => e.event))).toEqual(new Set(ALL_EVENTS));
    await api.get(`/events?events=user.created,user.deleted&organization_id=${org.id}&range_start=2020-01-01T00:00:00Z`);
    await api.get("/events?events=user.exploded");
    await api.del(`/organizations/${org.id}`);

    // Credentials: no key, an unknown key, a locked production environment.
    check("GET", "/organizations", await call("GET", "/organizations"));
    check("GET", "/organizations", await call("GET", "/organizations", { token: "sk_test_nope" }));
    // A production key whose team loses its billing (set in the database: the API has no way to remove billing).
    expect(
      (await s.put(`/teams/${team.id}/billing`, { billing_email: "billing@acme.test", payment_method: "4242424242424242" }))
        .status,
    ).toBe(200);
    const productionKey = await mintKey(s, team.id, production.id);
    await sql("UPDATE teams SET production_enabled_at = NULL WHERE id = ?", team.id);
    const locked = await call("GET", "/organizations", { token: productionKey });
    expectError(check("GET", "/organizations", locked), 403, "environment_locked");

    expect(mismatches).toEqual([]);
    // Every documented route answered with its success status at least once.
    const missing = environmentOperations()
      .filter((o) => ![...(seen.get(`${o.method} ${o.path}`) ?? [])].some((st) => st >= 200 && st < 300))
      .map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);
  });

  describe("every path id is scoped to the key's environment: a malformed id and another environment's id are the route's own 404", () => {
    let s: Session;
    let a: EnvApi;
    let b: Awaited<ReturnType<typeof stagingApi>>;
    let mine: Populated;
    let sibling: Populated;
    let foreign: Populated;
    let before: Awaited<ReturnType<typeof snapshot>>;

    beforeAll(async () => {
      s = await session();
      const { team, project, staging, api: rawA } = await stagingApi("Scope A");
      a = checked(rawA);
      // Another environment of the same project, and an environment of another team.
      const qa = (await s.post(`/teams/${team.id}/environments`, { name: "QA", project_id: project.id })).body;
      const qaApi = envApi(await mintKey(s, team.id, qa.id));
      b = await stagingApi("Scope B");
      mine = await populated(s, team.id, project.id, staging.id, a, "mine");
      sibling = await populated(s, team.id, project.id, qa.id, qaApi, "sibling");
      foreign = await populated(b.s, b.team.id, b.project.id, b.staging.id, b.api, "foreign");
      await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug: "beta", name: "Beta" });
      before = await snapshot();
    });

    // Every route with a path id, from the document; `{id}` takes the id of the kind the route names.
    const kinds: [RegExp, keyof typeof mine][] = [
      [/^\/organizations\/\{id\}/, "org"],
      [/^\/user_management\/users\/\{id\}/, "user"],
      [/^\/user_management\/organization_memberships\/\{id\}/, "membership"],
      [/^\/connections\/\{id\}/, "connection"],
      [/^\/webhook_endpoints\/\{id\}/, "endpoint"],
      [/^\/user_management\/magic_auth\/\{id\}/, "magicAuth"],
      [/^\/user_management\/password_reset\/\{id\}/, "passwordReset"],
      [/^\/user_management\/email_verification\/\{id\}/, "emailVerification"],
      [/^\/user_management\/invitations\/\{id\}/, "invitation"],
    ];
    const bodies: Record<string, unknown> = {
      "PUT /organizations/{id}": { name: "Stolen" },
      "PUT /user_management/users/{id}": { first_name: "Stolen" },
      "PUT /user_management/organization_memberships/{id}": { role_slug: "owner" },
      "PATCH /webhook_endpoints/{id}": { status: "disabled" },
      "POST /user_management/users/{id}/email_verification/confirm": { code: "123456" },
      "POST /user_management/invitations/{id}/resend": {},
    };

    it("covers every route with a path id", () => {
      expect(ID_ROUTES.map(([route]) => route)).toHaveLength(27);
    });

    // Seven requests each (one more for a GET: its control).
    it.each(ID_ROUTES)("%s", async (_, o) => {
      const kind = kinds.find(([re]) => re.test(o.path))?.[1];
      if (!kind) throw new Error(`${o.method} ${o.path}: a path id of an unknown kind`);
      const notFound = Object.keys(o.op.responses).includes("404")
        ? (o.op.responses["404"] as Json).content["application/json"].schema.properties.code.enum
        : [];
      expect(notFound.length, `${o.method} ${o.path} documents its 404`).toBe(1);
      const call = (id: string) => {
        const path = o.path.replace("{id}", id);
        const body = bodies[`${o.method} ${o.path}`];
        const f = { GET: a.get, PUT: a.put, PATCH: a.patch, DELETE: a.del, POST: a.post }[o.method as "GET"];
        return f(path, body);
      };
      // The control: this environment's own id works (reads only, so the fixtures stay for the next routes).
      if (o.method === "GET") expect((await call(String(mine[kind].id))).status, `${o.method} ${o.path}`).toBe(200);
      for (const id of [
        String(sibling[kind].id),
        String(foreign[kind].id),
        "nope",
        `${String(mine[kind].id)}x`,
        String(mine[kind].id).toLowerCase(),
        "org_01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "org%20x",
      ]) {
        const r = await call(id);
        expect({ route: `${o.method} ${o.path}`, id, status: r.status, code: r.body?.code }).toEqual({
          route: `${o.method} ${o.path}`,
          id,
          status: 404,
          code: notFound[0],
        });
      }
    });

    it("feature flag targets and path keys other than ids (external ids, flag slugs, Audit Logs actions) too; nothing of the other environments moved", async () => {
      // Feature flag targets: another environment's organization or user is not found either.
      for (const [id, code] of [
        [sibling.org.id, "organization_not_found"],
        [foreign.user.id, "user_not_found"],
        ["conn_x", "target_not_found"],
      ] as const) {
        expectError(await a.post(`/feature-flags/beta/targets/${id}`), 404, code);
        expectError(await a.del(`/feature-flags/beta/targets/${id}`), 404, code);
      }
      // Nothing of the other environments moved, and nothing was recorded anywhere.
      expect(await snapshot()).toEqual(before);

      // Path keys other than ids: another environment's external ids, another project's flag slugs and Audit Logs actions.
      await b.s.post(`/teams/${b.team.id}/projects/${b.project.id}/feature_flags`, { slug: "foreign-flag", name: "Foreign" });
      await b.api.post("/audit_logs/actions/foreign.action/schemas", { targets: [{ type: "team" }] });
      const beforeKeys = await snapshot();
      const others: [string, string][] = [
        ["/organizations/external_id/org-sibling", "organization_not_found"],
        ["/organizations/external_id/org-foreign", "organization_not_found"],
        ["/user_management/users/external_id/user-sibling", "user_not_found"],
        ["/user_management/users/external_id/user-foreign", "user_not_found"],
        ["/feature-flags/foreign-flag", "feature_flag_not_found"],
        ["/feature-flags/NOT%20A%20SLUG", "feature_flag_not_found"],
        ["/audit_logs/actions/foreign.action/schemas", "audit_log_action_not_found"],
        ["/audit_logs/actions/NOT%20AN%20ACTION/schemas", "audit_log_action_not_found"],
      ];
      for (const [path, code] of others) expectError(await a.get(path), 404, code);
      expectError(await a.put("/feature-flags/foreign-flag/enable"), 404, "feature_flag_not_found");
      expectError(
        await a.post("/audit_logs/events", {
          organization_id: foreign.org.id,
          event: {
            action: "foreign.action",
            occurred_at: new Date().toISOString(),
            actor: { id: "u", type: "user" },
            targets: [{ id: "t", type: "team" }],
            context: { location: "x" },
          },
        }),
        404,
        "organization_not_found",
      );
      expect(await snapshot()).toEqual(beforeKeys);
      expect(mismatches).toEqual([]);
    });
  });

  it("no 4xx writes anything: refused updates, deletes and conflicts record no event and queue no delivery", async () => {
    const s = await session();
    const { team, project, staging, api: raw } = await stagingApi("No writes");
    const api = checked(raw);
    const { org, user, membership, endpoint } = await populated(s, team.id, project.id, staging.id, api, "nw");
    expect(
      (
        await api.post("/organizations", {
          name: "Rival",
          external_id: "rival",
          domain_data: [{ domain: "rival.test", state: "verified" }],
        })
      ).status,
    ).toBe(201);
    const rivalUser = (await api.post("/user_management/users", { email: "rival@example.test", external_id: "rival-user" })).body;
    await s.post(`/teams/${team.id}/projects/${project.id}/feature_flags`, { slug: "beta", name: "Beta" });
    const unknown = {
      org: "org_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      user: "user_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      om: "om_01ARZ3NDEKTSV4RRFFQ69G5FAV",
    };
    const before = await snapshot();
    const n = await counts();
    expect(n.deliveries).toBeGreaterThan(0); // the endpoint subscribes to everything: a stray event would queue a delivery

    const refused: [Promise<Answer>, number, string][] = [
      [api.put(`/organizations/${unknown.org}`, { name: "Ghost" }), 404, "organization_not_found"],
      [api.put(`/organizations/${unknown.org}`, {}), 404, "organization_not_found"],
      [api.del(`/organizations/${unknown.org}`), 404, "organization_not_found"],
      [api.put(`/organizations/${org.id}`, { name: "Clash", external_id: "rival" }), 409, "external_id_taken"],
      [
        api.put(`/organizations/${org.id}`, { name: "Clash", domain_data: [{ domain: "rival.test", state: "verified" }] }),
        409,
        "organization_domain_taken",
      ],
      [
        api.put(`/organizations/${org.id}`, {
          metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])),
        }),
        422,
        "validation_failed",
      ],
      [api.post("/organizations", { name: "Clash", external_id: "rival" }), 409, "external_id_taken"],
      [
        api.post("/organizations", { name: "Clash", domain_data: [{ domain: "RIVAL.test", state: "pending" }] }),
        409,
        "organization_domain_taken",
      ],
      [api.put(`/user_management/users/${unknown.user}`, { first_name: "Ghost" }), 404, "user_not_found"],
      [api.del(`/user_management/users/${unknown.user}`), 404, "user_not_found"],
      [api.put(`/user_management/users/${user.id}`, { email: "rival@example.test" }), 409, "email_not_available"],
      [
        api.put(`/user_management/users/${user.id}`, { first_name: "Clash", external_id: "rival-user" }),
        409,
        "external_id_taken",
      ],
      [api.post("/user_management/users", { email: "Rival@Example.test" }), 409, "email_not_available"],
      [
        api.post("/user_management/organization_memberships", { organization_id: org.id, user_id: user.id }),
        409,
        "organization_membership_already_exists",
      ],
      [
        api.post("/user_management/organization_memberships", { organization_id: unknown.org, user_id: rivalUser.id }),
        422,
        "validation_failed",
      ],
      [
        api.put(`/user_management/organization_memberships/${unknown.om}`, { role_slug: "admin" }),
        404,
        "organization_membership_not_found",
      ],
      [api.del(`/user_management/organization_memberships/${unknown.om}`), 404, "organization_membership_not_found"],
      [api.del("/connections/conn_01ARZ3NDEKTSV4RRFFQ69G5FAV"), 404, "connection_not_found"],
      [api.patch("/webhook_endpoints/we_01ARZ3NDEKTSV4RRFFQ69G5FAV", { status: "disabled" }), 404, "webhook_endpoint_not_found"],
      [
        api.post("/webhook_endpoints", { endpoint_url: endpoint.endpoint_url, events: ["user.created"] }),
        409,
        "webhook_endpoint_url_taken",
      ],
      [api.put("/feature-flags/nope/enable"), 404, "feature_flag_not_found"],
      [api.post(`/feature-flags/beta/targets/${unknown.user}`), 404, "user_not_found"],
      [
        api.post("/audit_logs/events", {
          organization_id: unknown.org,
          event: {
            action: "a.b",
            occurred_at: new Date().toISOString(),
            actor: { id: "u", type: "user" },
            targets: [],
            context: { location: "x" },
          },
        }),
        404,
        "organization_not_found",
      ],
    ];
    for (const [answer, status, code] of refused) expectError(await answer, status, code);
    expect(membership.id).toBeTruthy();
    expect(await counts()).toEqual(n);
    expect(await snapshot()).toEqual(before);
    expect(mismatches).toEqual([]);
  });

  it("an update that changes nothing answers 200 with the object as it is, and emits no event (nor webhook)", async () => {
    const s = await session();
    const { team, project, staging, api: raw } = await stagingApi("No-op");
    const api = checked(raw);
    const { org, user, membership, endpoint } = await populated(s, team.id, project.id, staging.id, api, "noop");
    const n = await counts();
    const before = await snapshot();

    const sameOrg = await api.put(`/organizations/${org.id}`, {});
    expect(sameOrg.status).toBe(200);
    expect(sameOrg.body).toEqual(org);
    // The same values, spelled differently, are no change either.
    const sameValues = await api.put(`/organizations/${org.id}`, {
      name: ` ${org.name} `,
      external_id: org.external_id,
      domain_data: [{ domain: "NOOP.test", state: "verified" }],
      metadata: {},
      allow_profiles_outside_organization: false,
    });
    expect(sameValues.body).toEqual(org);
    const sameUser = await api.put(`/user_management/users/${user.id}`, {
      email: user.email.toUpperCase(),
      first_name: "Ada",
      metadata: { gone: null },
    });
    expect(sameUser.body).toEqual(user);
    expect((await api.put(`/user_management/users/${user.id}`, {})).body).toEqual(user);
    expect(
      (await api.put(`/user_management/organization_memberships/${membership.id}`, { role_slug: membership.role.slug })).body,
    ).toEqual(membership);
    expect((await api.patch(`/webhook_endpoints/${endpoint.id}`, {})).body).toEqual(endpoint);
    expect((await api.patch(`/webhook_endpoints/${endpoint.id}`, { status: "enabled", events: endpoint.events })).body).toEqual(
      endpoint,
    );
    expect(await counts()).toEqual(n);
    expect(await snapshot()).toEqual(before);

    // A real change still emits its event, once.
    const renamed = await api.put(`/organizations/${org.id}`, { name: "Renamed" });
    expect(renamed.body.name).toBe("Renamed");
    expect(renamed.body.updated_at >= org.updated_at).toBe(true);
    const updates = await sql<{ event: string }>(
      "SELECT event FROM events WHERE environment_id = ? AND event LIKE '%.updated'",
      staging.id,
    );
    expect(updates).toEqual([{ event: "organization.updated" }]);
    expect((await counts()).deliveries).toBe(n.deliveries + 1);
    // A domain-only change is an update too.
    await api.put(`/organizations/${org.id}`, { domain_data: [{ domain: "noop.test", state: "pending" }] });
    expect(
      (await sql("SELECT event FROM events WHERE environment_id = ? AND event LIKE '%.updated'", staging.id)).map((e) => e.event),
    ).toEqual(["organization.updated", "organization.updated", "organization_domain.updated"]);
    expect(mismatches).toEqual([]);
  });

  it("an Audit Logs schema is added to the environment's project as it is when its turn comes (a moved environment is a 409, nothing written)", async () => {
    const a = await stagingApi("Moved A");
    const b = await stagingApi("Moved B");
    // As if the key was read before a transfer moved the environment out of project B: the coordinator of B refuses.
    const op = {
      projectId: b.project.id,
      environmentId: a.staging.id,
      action: "moved.action",
      schema: { targets: [{ type: "team" }] },
      id: newId("auditLogSchema"),
    };
    await expect(coordinate(env, b.project.id, "create_audit_log_schema", op)).rejects.toMatchObject({
      code: "environment_moved",
      status: 409,
    });
    expect(await sql("SELECT id FROM audit_log_schemas WHERE action = 'moved.action'")).toEqual([]);
    // Where it belongs, it is added.
    const added = await checked(a.api).post("/audit_logs/actions/moved.action/schemas", { targets: [{ type: "team" }] });
    expect(added.status).toBe(201);
    expect(await sql("SELECT project_id FROM audit_log_schemas WHERE action = 'moved.action'")).toEqual([
      { project_id: a.project.id },
    ]);
    expect(mismatches).toEqual([]);
  });
});
