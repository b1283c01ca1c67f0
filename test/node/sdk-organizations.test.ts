import { ConflictException, DomainDataState, NotFoundException, UnprocessableEntityException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let otherEnv: ReturnType<typeof worker.workos>;

beforeAll(async () => {
  const { team, project, staging } = await worker.newTeam();
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
  const qa = await worker.platform("POST", `/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
  otherEnv = worker.workos(await worker.mintKey(team.id, qa.body.id));
});

describe("SDK: workos.organizations", () => {
  it("createOrganization / getOrganization / getOrganizationByExternalId / updateOrganization / deleteOrganization", async () => {
    const org = await workos.organizations.createOrganization({
      name: "Foo Corp",
      domainData: [{ domain: "foo-corp.com", state: DomainDataState.Verified }],
      externalId: "foo-1",
      metadata: { tier: "gold" },
    });
    expect(org).toMatchObject({
      object: "organization",
      name: "Foo Corp",
      allowProfilesOutsideOrganization: false,
      externalId: "foo-1",
      metadata: { tier: "gold" },
      domains: [
        {
          object: "organization_domain",
          domain: "foo-corp.com",
          state: "verified",
          verificationStrategy: "manual",
          organizationId: org.id,
        },
      ],
    });
    expect(org.id).toMatch(/^org_/);
    expect(await workos.organizations.getOrganization(org.id)).toEqual(org);
    expect((await workos.organizations.getOrganizationByExternalId("foo-1")).id).toBe(org.id);

    const updated = await workos.organizations.updateOrganization({
      organization: org.id,
      name: "Foo Inc",
      domainData: [
        { domain: "foo-corp.com", state: DomainDataState.Verified },
        { domain: "foo.dev", state: DomainDataState.Pending },
      ],
      metadata: { region: "eu" },
    });
    expect(updated.name).toBe("Foo Inc");
    expect(updated.metadata).toEqual({ tier: "gold", region: "eu" });
    expect(updated.domains.map((d) => [d.domain, d.state])).toEqual([
      ["foo-corp.com", "verified"],
      ["foo.dev", "pending"],
    ]);

    await workos.organizations.deleteOrganization(org.id);
    await expect(workos.organizations.getOrganization(org.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it("listOrganizations: pages with before/after, filters by domains, autoPagination", async () => {
    const created = [];
    for (let i = 0; i < 5; i++)
      created.push(
        await workos.organizations.createOrganization({
          name: `List ${i}`,
          domainData: [{ domain: `list${i}.test`, state: DomainDataState.Pending }],
        }),
      );
    const page = await workos.organizations.listOrganizations({ limit: 2 });
    expect(page.data.map((o) => o.name)).toEqual(["List 4", "List 3"]);
    expect(page.listMetadata.after).toBe(created[3].id);
    const next = await workos.organizations.listOrganizations({ limit: 2, after: page.listMetadata.after! });
    expect(next.data.map((o) => o.name)).toEqual(["List 2", "List 1"]);
    const back = await workos.organizations.listOrganizations({ limit: 2, before: next.listMetadata.before! });
    expect(back.data.map((o) => o.name)).toEqual(["List 4", "List 3"]);
    const asc = await workos.organizations.listOrganizations({ order: "asc", limit: 1 });
    expect(asc.data[0].name).toBe("List 0");
    const byDomain = await workos.organizations.listOrganizations({ domains: ["list1.test", "list3.test"] });
    expect(byDomain.data.map((o) => o.name)).toEqual(["List 3", "List 1"]);
    const all = await (await workos.organizations.listOrganizations()).autoPagination();
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining(created.map((o) => o.id)));
  });

  it("createOrganization with an idempotency key replays the first answer", async () => {
    const first = await workos.organizations.createOrganization({ name: "Once" }, { idempotencyKey: "create-once" });
    const again = await workos.organizations.createOrganization({ name: "Once" }, { idempotencyKey: "create-once" });
    expect(again.id).toBe(first.id);
    const reused = await workos.organizations
      .createOrganization({ name: "Twice" }, { idempotencyKey: "create-once" })
      .catch((e) => e);
    expect(reused).toBeInstanceOf(UnprocessableEntityException);
    expect(reused.code).toBe("idempotency_key_reused");
  });

  it("422 UnprocessableEntityException for bad input; 409 ConflictException for a taken domain or external id", async () => {
    const bad = await workos.organizations
      .createOrganization({ name: "A", domainData: [{ domain: "not a domain", state: DomainDataState.Verified }] })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(UnprocessableEntityException);
    expect(bad.code).toBe("validation_failed");
    expect(bad.message).toContain("invalid_format");
    const long = await workos.organizations.createOrganization({ name: "x".repeat(101) }).catch((e) => e);
    expect(long).toBeInstanceOf(UnprocessableEntityException);
    expect(long.message).toContain("too_long");
    const unsupported = await workos.organizations
      .updateOrganization({ organization: "org_01K4BN3VKH8AFZC5J334QZY3PM", stripeCustomerId: "cus_1" })
      .catch((e) => e);
    expect(unsupported).toBeInstanceOf(UnprocessableEntityException);
    expect(unsupported.message).toContain("unknown_field");

    await workos.organizations.createOrganization({
      name: "Owner",
      externalId: "taken-ext",
      domainData: [{ domain: "taken.test", state: DomainDataState.Verified }],
    });
    const domain = await workos.organizations
      .createOrganization({ name: "B", domainData: [{ domain: "taken.test", state: DomainDataState.Verified }] })
      .catch((e) => e);
    expect(domain).toBeInstanceOf(ConflictException);
    expect(domain.code).toBe("organization_domain_taken");
    const ext = await workos.organizations.createOrganization({ name: "B", externalId: "taken-ext" }).catch((e) => e);
    expect(ext).toBeInstanceOf(ConflictException);
    expect(ext.code).toBe("external_id_taken");
  });

  it("404 NotFoundException for another environment's organization, and its lists are empty", async () => {
    const org = await workos.organizations.createOrganization({ name: "Private" });
    for (const call of [
      () => otherEnv.organizations.getOrganization(org.id),
      () => otherEnv.organizations.updateOrganization({ organization: org.id, name: "Mine now" }),
      () => otherEnv.organizations.deleteOrganization(org.id),
    ]) {
      const err = await call().catch((e) => e);
      expect(err).toBeInstanceOf(NotFoundException);
      expect(err.code).toBe("organization_not_found");
    }
    expect((await otherEnv.organizations.listOrganizations()).data).toEqual([]);
    expect((await workos.organizations.getOrganization(org.id)).name).toBe("Private");
  });
});
