import { UnauthorizedException } from "@workos-inc/node";
import { describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();

/** One read per SDK surface of the environment API. */
const surfaces = (workos: ReturnType<typeof worker.workos>) => [
  () => workos.organizations.listOrganizations(),
  () => workos.userManagement.listUsers(),
  () => workos.userManagement.listOrganizationMemberships({ organizationId: "org_01K4BN3VKH8AFZC5J334QZY3PM" }),
  () => workos.sso.listConnections(),
  () => workos.webhooks.listWebhookEndpoints(),
  () => workos.events.listEvents({ events: [] }),
];

describe("SDK authentication (environment keys)", () => {
  it("401 UnauthorizedException for an unknown key, on every surface, with a request id", async () => {
    for (const call of surfaces(worker.workos("sk_test_not_a_real_key"))) {
      const err = await call().catch((e) => e);
      expect(err).toBeInstanceOf(UnauthorizedException);
      expect(err.status).toBe(401);
      expect(err.requestID).toMatch(/.+/);
    }
  });

  it("401 once a key is expired; the environment's other keys keep working", async () => {
    const { team, staging } = await worker.newTeam();
    const minted = await worker.platform("POST", `/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "soon gone" });
    const workos = worker.workos(minted.body.value);
    const other = worker.workos(await worker.mintKey(team.id, staging.id));
    for (const call of surfaces(workos)) await expect(call()).resolves.toBeDefined();
    expect(
      (await worker.platform("DELETE", `/teams/${team.id}/environments/${staging.id}/api_keys/${minted.body.id}`)).status,
    ).toBe(204);
    for (const call of surfaces(workos)) await expect(call()).rejects.toBeInstanceOf(UnauthorizedException);
    for (const call of surfaces(other)) await expect(call()).resolves.toBeDefined();
  });

  it("a production environment without billing serves nothing; with billing its sk_live_ key works", async () => {
    const { team, production } = await worker.newTeam("Live");
    const minted = await worker.platform("POST", `/teams/${team.id}/environments/${production.id}/api_keys`, { name: "live" });
    expect(minted.status).toBe(422);
    await worker.enableBilling(team.id);
    const key = await worker.mintKey(team.id, production.id);
    expect(key).toMatch(/^sk_live_/);
    expect((await worker.workos(key).organizations.listOrganizations()).data).toEqual([]);
  });
});
