import { BadRequestException, ConnectionType, DomainDataState, NotFoundException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let otherEnv: ReturnType<typeof worker.workos>;
let teamId: string;
let stagingId: string;

beforeAll(async () => {
  const { team, project, staging } = await worker.newTeam();
  teamId = team.id;
  stagingId = staging.id;
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
  const qa = await worker.platform("POST", `/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
  otherEnv = worker.workos(await worker.mintKey(team.id, qa.body.id));
});

/** SSO connections are created through the Platform API, for an organization of the environment. */
const createConnection = async (organizationId: string, connectionType: string, name: string) => {
  const r = await worker.platform("POST", `/teams/${teamId}/environments/${stagingId}/connections`, {
    organization_id: organizationId,
    connection_type: connectionType,
    name,
  });
  expect(r.status).toBe(201);
  return r.body;
};

describe("SDK: workos.sso connections", () => {
  it("listConnections (filters) / getConnection / deleteConnection", async () => {
    const org = await workos.organizations.createOrganization({
      name: "SSO Co",
      domainData: [{ domain: "sso.test", state: DomainDataState.Verified }],
    });
    const okta = await createConnection(org.id, "OktaSAML", "Okta");
    const google = await createConnection(org.id, "GoogleOAuth", "Google");

    const conn = await workos.sso.getConnection(okta.id);
    expect(conn).toMatchObject({
      object: "connection",
      id: okta.id,
      organizationId: org.id,
      name: "Okta",
      type: ConnectionType.OktaSAML,
      state: "active",
    });
    expect(conn.domains).toEqual([{ object: "connection_domain", id: org.domains[0].id, domain: "sso.test" }]);
    expect((await workos.sso.listConnections()).data.map((c) => c.id)).toEqual([google.id, okta.id]);
    expect((await workos.sso.listConnections({ connectionType: ConnectionType.GoogleOAuth })).data.map((c) => c.id)).toEqual([
      google.id,
    ]);
    expect((await workos.sso.listConnections({ organizationId: org.id, limit: 1 })).data.map((c) => c.id)).toEqual([google.id]);
    expect((await workos.sso.listConnections({ domain: "sso.test", order: "asc" })).data.map((c) => c.id)).toEqual([
      okta.id,
      google.id,
    ]);

    await workos.sso.deleteConnection(okta.id);
    await expect(workos.sso.getConnection(okta.id)).rejects.toBeInstanceOf(NotFoundException);
    expect((await workos.sso.listConnections()).data.map((c) => c.id)).toEqual([google.id]);
  });

  it("404 for another environment's connection; a bad filter is a 400", async () => {
    const org = await workos.organizations.createOrganization({ name: "Private SSO" });
    const conn = await createConnection(org.id, "GenericSAML", "SAML");
    await expect(otherEnv.sso.getConnection(conn.id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(otherEnv.sso.deleteConnection(conn.id)).rejects.toBeInstanceOf(NotFoundException);
    expect((await otherEnv.sso.listConnections()).data).toEqual([]);
    await expect(workos.sso.listConnections({ organizationId: "not-an-org" })).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe("SDK: workos.events.listEvents", () => {
  it("lists what happened, with the SDK's filters (events, organization, range, limit, after)", async () => {
    const since = new Date().toISOString();
    const org = await workos.organizations.createOrganization({ name: "Eventful" });
    const user = await workos.userManagement.createUser({ email: "events@x.test" });
    const m = await workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id });
    await workos.organizations.updateOrganization({ organization: org.id, name: "Eventful 2" });
    await workos.userManagement.deleteOrganizationMembership(m.id);

    const all = await workos.events.listEvents({ events: [], rangeStart: since });
    expect(all.data.map((e) => e.event)).toEqual([
      "organization_membership.deleted",
      "organization.updated",
      "organization_membership.created",
      "user.created",
      "organization.created",
    ]);
    const created = await workos.events.listEvents({ events: ["user.created", "organization.created"], rangeStart: since });
    expect(created.data.map((e) => e.event)).toEqual(["user.created", "organization.created"]);
    const [userCreated] = created.data;
    expect(userCreated.id).toMatch(/^event_/);
    expect(userCreated.event === "user.created" && userCreated.data.email).toBe("events@x.test");

    const forOrg = await workos.events.listEvents({
      events: ["organization_membership.created", "organization.updated"],
      organizationId: org.id,
    });
    expect(forOrg.data.map((e) => e.event)).toEqual(["organization.updated", "organization_membership.created"]);

    const oldest = await workos.events.listEvents({ events: [], rangeStart: since, order: "asc", limit: 2 });
    expect(oldest.data.map((e) => e.event)).toEqual(["organization.created", "user.created"]);
    const rest = await workos.events.listEvents({
      events: [],
      rangeStart: since,
      order: "asc",
      limit: 2,
      after: oldest.listMetadata.after!,
    });
    expect(rest.data.map((e) => e.event)).toEqual(["organization_membership.created", "organization.updated"]);

    const ended = await workos.events.listEvents({ events: ["organization.created"], rangeStart: since, rangeEnd: since });
    expect(ended.data).toEqual([]);
    expect((await otherEnv.events.listEvents({ events: [] })).data).toEqual([]);
  });

  it("400 for an unknown event name", async () => {
    const err = await workos.events.listEvents({ events: ["dsync.activated"] }).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
  });
});
