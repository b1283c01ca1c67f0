import { ConflictException, NotFoundException, UnprocessableEntityException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let otherTeam: ReturnType<typeof worker.workos>;

beforeAll(async () => {
  const { team, staging } = await worker.newTeam();
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
  const other = await worker.newTeam("Other");
  otherTeam = worker.workos(await worker.mintKey(other.team.id, other.staging.id));
});

describe("SDK: workos.userManagement users", () => {
  it("createUser / getUser / getUserByExternalId / listUsers / updateUser / deleteUser", async () => {
    const user = await workos.userManagement.createUser({
      email: "grace@navy.test",
      password: "correct horse battery",
      firstName: "Grace",
      lastName: "Hopper",
      emailVerified: true,
      externalId: "gh-1",
      metadata: { rank: "admiral" },
    });
    expect(user).toMatchObject({
      object: "user",
      email: "grace@navy.test",
      emailVerified: true,
      name: "Grace Hopper",
      firstName: "Grace",
      lastName: "Hopper",
      profilePictureUrl: null,
      lastSignInAt: null,
      locale: null,
      externalId: "gh-1",
      metadata: { rank: "admiral" },
    });
    expect(user.id).toMatch(/^user_/);
    expect(await workos.userManagement.getUser(user.id)).toEqual(user);
    expect((await workos.userManagement.getUserByExternalId("gh-1")).id).toBe(user.id);
    expect((await workos.userManagement.listUsers({ email: "grace@navy.test" })).data.map((u) => u.id)).toEqual([user.id]);

    const updated = await workos.userManagement.updateUser({
      userId: user.id,
      firstName: "Amazing Grace",
      locale: "en-US",
      metadata: { rank: null, ship: "USS Hopper" },
    });
    expect(updated).toMatchObject({
      firstName: "Amazing Grace",
      name: "Amazing Grace Hopper",
      locale: "en-US",
      metadata: { ship: "USS Hopper" },
    });

    await workos.userManagement.deleteUser(user.id);
    await expect(workos.userManagement.getUser(user.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it("listUsers: by organization, paginated", async () => {
    const org = await workos.organizations.createOrganization({ name: "Crew" });
    const users = [];
    for (const n of ["a", "b", "c"]) users.push(await workos.userManagement.createUser({ email: `${n}@crew.test` }));
    await workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: users[0].id });
    await workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: users[2].id });
    const inOrg = await workos.userManagement.listUsers({ organizationId: org.id });
    expect(inOrg.data.map((u) => u.email)).toEqual(["c@crew.test", "a@crew.test"]);
    const page = await workos.userManagement.listUsers({ limit: 1, order: "asc" });
    const next = await workos.userManagement.listUsers({ limit: 1, order: "asc", after: page.listMetadata.after! });
    expect(next.data[0].id).not.toBe(page.data[0].id);
  });

  it("422 for a bad email or password, unsupported fields; 409 for a taken email", async () => {
    for (const [options, code] of [
      [{ email: "not-an-email" }, "invalid_format"],
      [{ email: "short@pw.test", password: "short" }, "too_short"],
      [{ email: "radar@x.test", ipAddress: "1.2.3.4" }, "unknown_field"],
    ] as const) {
      const err = await workos.userManagement.createUser(options).catch((e) => e);
      expect(err).toBeInstanceOf(UnprocessableEntityException);
      expect(err.message).toContain(code);
    }
    await workos.userManagement.createUser({ email: "taken@x.test" });
    const dup = await workos.userManagement.createUser({ email: "TAKEN@x.test" }).catch((e) => e);
    expect(dup).toBeInstanceOf(ConflictException);
    expect(dup.code).toBe("email_not_available");
  });

  it("404 for another team's user", async () => {
    const user = await workos.userManagement.createUser({ email: "private@x.test" });
    for (const call of [
      () => otherTeam.userManagement.getUser(user.id),
      () => otherTeam.userManagement.updateUser({ userId: user.id, firstName: "X" }),
      () => otherTeam.userManagement.deleteUser(user.id),
    ])
      await expect(call()).rejects.toBeInstanceOf(NotFoundException);
    expect((await otherTeam.userManagement.listUsers()).data).toEqual([]);
  });
});

describe("SDK: workos.userManagement organization memberships", () => {
  it("createOrganizationMembership / getOrganizationMembership / listOrganizationMemberships / updateOrganizationMembership / deleteOrganizationMembership", async () => {
    const org = await workos.organizations.createOrganization({ name: "Members Inc" });
    const user = await workos.userManagement.createUser({ email: "member@members.test" });
    const m = await workos.userManagement.createOrganizationMembership({
      organizationId: org.id,
      userId: user.id,
      roleSlug: "admin",
    });
    expect(m).toMatchObject({
      object: "organization_membership",
      organizationId: org.id,
      organizationName: "Members Inc",
      userId: user.id,
      status: "active",
      role: { slug: "admin" },
      directoryManaged: false,
      customAttributes: {},
    });
    expect(m.id).toMatch(/^om_/);
    expect(await workos.userManagement.getOrganizationMembership(m.id)).toEqual(m);
    for (const options of [
      { organizationId: org.id },
      { userId: user.id },
      { userId: user.id, statuses: ["active" as const, "pending" as const] },
    ])
      expect((await workos.userManagement.listOrganizationMemberships(options)).data.map((x) => x.id)).toEqual([m.id]);
    expect((await workos.userManagement.listOrganizationMemberships({ userId: user.id, statuses: ["inactive"] })).data).toEqual(
      [],
    );
    const changed = await workos.userManagement.updateOrganizationMembership(m.id, { roleSlug: "member" });
    expect(changed.role).toEqual({ slug: "member" });
    await workos.userManagement.deleteOrganizationMembership(m.id);
    await expect(workos.userManagement.getOrganizationMembership(m.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it("422 for an unknown or another team's organization or user; 409 for a second membership; 404 across teams", async () => {
    const org = await workos.organizations.createOrganization({ name: "Solo" });
    const user = await workos.userManagement.createUser({ email: "solo@solo.test" });
    const unknown = await workos.userManagement
      .createOrganizationMembership({ organizationId: "org_01K4BN3VKH8AFZC5J334QZY3PM", userId: user.id })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(UnprocessableEntityException);
    expect(unknown.message).toContain("not_found");
    const cross = await otherTeam.userManagement
      .createOrganizationMembership({ organizationId: org.id, userId: user.id })
      .catch((e) => e);
    expect(cross).toBeInstanceOf(UnprocessableEntityException);
    const m = await workos.userManagement.createOrganizationMembership({ organizationId: org.id, userId: user.id });
    const again = await workos.userManagement
      .createOrganizationMembership({ organizationId: org.id, userId: user.id })
      .catch((e) => e);
    expect(again).toBeInstanceOf(ConflictException);
    expect(again.code).toBe("organization_membership_already_exists");
    await expect(otherTeam.userManagement.getOrganizationMembership(m.id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(otherTeam.userManagement.deleteOrganizationMembership(m.id)).rejects.toBeInstanceOf(NotFoundException);
  });
});
