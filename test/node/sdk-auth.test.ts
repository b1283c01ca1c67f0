import { UnauthorizedException } from "@workos-inc/node";
import { describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();

describe("SDK authentication (environment keys)", () => {
  it("answers 401 to an unknown key, and X-Request-ID to every call", async () => {
    const workos = worker.workos("sk_test_not_a_real_key");
    const err = await workos.organizations.listOrganizations().catch((e) => e);
    expect(err).toBeInstanceOf(UnauthorizedException);
    expect(err.status).toBe(401);
    expect(err.requestID).toMatch(/.+/);
  });

  it("answers 401 to an expired key", async () => {
    const { team, staging } = await worker.newTeam();
    const minted = await worker.platform("POST", `/teams/${team.id}/environments/${staging.id}/api_keys`, { name: "soon gone" });
    const workos = worker.workos(minted.body.value);
    await expect(workos.organizations.listOrganizations()).resolves.toBeDefined();
    expect((await worker.platform("DELETE", `/teams/${team.id}/environments/${staging.id}/api_keys/${minted.body.id}`)).status).toBe(204);
    await expect(workos.organizations.listOrganizations()).rejects.toBeInstanceOf(UnauthorizedException);
  });
});
