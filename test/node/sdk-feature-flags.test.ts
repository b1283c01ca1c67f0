import { NotFoundException, UnauthorizedException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let qa: ReturnType<typeof worker.workos>;
let define: (slug: string, defaultValue?: boolean) => Promise<void>;

beforeAll(async () => {
  const { team, project, staging } = await worker.newTeam();
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
  const env = await worker.platform("POST", `/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
  qa = worker.workos(await worker.mintKey(team.id, env.body.id));
  define = async (slug, defaultValue = false) => {
    const r = await worker.platform("POST", `/teams/${team.id}/projects/${project.id}/feature_flags`, {
      slug,
      name: `Flag ${slug}`,
      tags: ["sdk"],
      default_value: defaultValue,
    });
    expect(r.status).toBe(201);
  };
});

const slugs = (list: { data: { slug: string }[] }) => list.data.map((f) => f.slug).sort();

describe("SDK: workos.featureFlags", () => {
  it("listFeatureFlags / getFeatureFlag / enableFeatureFlag / disableFeatureFlag", async () => {
    await define("sdk-basic");
    const flag = await workos.featureFlags.getFeatureFlag("sdk-basic");
    expect(flag).toMatchObject({
      object: "feature_flag",
      slug: "sdk-basic",
      name: "Flag sdk-basic",
      tags: ["sdk"],
      enabled: false,
      defaultValue: false,
    });
    expect(flag.id).toMatch(/^flag_/);
    expect(slugs(await workos.featureFlags.listFeatureFlags())).toContain("sdk-basic");
    expect((await workos.featureFlags.enableFeatureFlag("sdk-basic")).enabled).toBe(true);
    expect((await qa.featureFlags.getFeatureFlag("sdk-basic")).enabled).toBe(false); // per environment
    expect((await workos.featureFlags.disableFeatureFlag("sdk-basic")).enabled).toBe(false);
    await expect(workos.featureFlags.getFeatureFlag("no-such-flag")).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.featureFlags.enableFeatureFlag("no-such-flag")).rejects.toBeInstanceOf(NotFoundException);
  });

  it("addFlagTarget / removeFlagTarget, only for this environment's organizations and users", async () => {
    await define("sdk-targets");
    const org = await workos.organizations.createOrganization({ name: "Target Org" });
    const qaOrg = await qa.organizations.createOrganization({ name: "QA Org" });
    await workos.featureFlags.addFlagTarget({ slug: "sdk-targets", targetId: org.id });
    await workos.featureFlags.enableFeatureFlag("sdk-targets");
    expect(slugs(await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: org.id }))).toContain("sdk-targets");
    await workos.featureFlags.removeFlagTarget({ slug: "sdk-targets", targetId: org.id });
    expect(slugs(await workos.featureFlags.listOrganizationFeatureFlags({ organizationId: org.id }))).not.toContain(
      "sdk-targets",
    );
    await expect(workos.featureFlags.addFlagTarget({ slug: "sdk-targets", targetId: qaOrg.id })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(workos.featureFlags.listOrganizationFeatureFlags({ organizationId: qaOrg.id })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(workos.featureFlags.listUserFeatureFlags({ userId: "user_01K4BN3VKH8AFZC5J334QZY3PM" })).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it("the runtime client's local evaluation agrees with the server's per-user and per-organization evaluations", async () => {
    const [o1, o2] = await Promise.all([
      workos.organizations.createOrganization({ name: "O1" }),
      workos.organizations.createOrganization({ name: "O2" }),
    ]);
    const [u1, u2] = await Promise.all([
      workos.userManagement.createUser({ email: "u1@agree.test" }),
      workos.userManagement.createUser({ email: "u2@agree.test" }),
    ]);
    // Every combination of: enabled in this environment or not, default value, targets (none / user / org / both).
    const targetSets = { none: [], user: [u1.id], org: [o1.id], both: [u1.id, o1.id] } as Record<string, string[]>;
    for (const enabled of [true, false])
      for (const def of [true, false])
        for (const [name, targets] of Object.entries(targetSets)) {
          const slug = `m-${enabled ? "on" : "off"}-${def ? "t" : "f"}-${name}`;
          await define(slug, def);
          for (const targetId of targets) await workos.featureFlags.addFlagTarget({ slug, targetId });
          if (enabled) await workos.featureFlags.enableFeatureFlag(slug);
        }

    const client = workos.featureFlags.createRuntimeClient({ pollingIntervalMs: 60_000 });
    try {
      await client.waitUntilReady({ timeoutMs: 5000 });
      const matrix = Object.keys(client.getAllFlags()).filter((s) => s.startsWith("m-"));
      expect(matrix).toHaveLength(16);
      const locallyOn = (ctx: Record<string, unknown>) =>
        Object.entries(client.getAllFlags(ctx))
          .filter(([s, on]) => s.startsWith("m-") && on)
          .map(([s]) => s)
          .sort();
      const serverOn = async (list: Promise<{ data: { slug: string }[] }>) => slugs(await list).filter((s) => s.startsWith("m-"));
      for (const u of [u1, u2]) {
        const server = await serverOn(workos.featureFlags.listUserFeatureFlags({ userId: u.id, limit: 100 }));
        expect({ user: u.email, flags: locallyOn({ userId: u.id }) }).toEqual({ user: u.email, flags: server });
        expect(locallyOn({ user: { id: u.id } })).toEqual(server); // the typed context form
      }
      for (const o of [o1, o2]) {
        const server = await serverOn(workos.featureFlags.listOrganizationFeatureFlags({ organizationId: o.id, limit: 100 }));
        expect({ org: o.name, flags: locallyOn({ organizationId: o.id }) }).toEqual({ org: o.name, flags: server });
      }
      // The rules themselves, spelled out on a few cells.
      expect(client.isEnabled("m-off-t-both", { userId: u1.id })).toBe(false); // disabled: false whatever else
      expect(client.isEnabled("m-on-f-user", { userId: u1.id })).toBe(true); // a matching target
      expect(client.isEnabled("m-on-f-user", { userId: u2.id })).toBe(false); // else the default value
      expect(client.isEnabled("m-on-t-none", { userId: u2.id })).toBe(true);
      expect(client.isEnabled("no-such-flag", {}, true)).toBe(true); // unknown: the caller's default
    } finally {
      client.close();
    }
  });

  it("the runtime client sees only its environment, and a bad key fails it with UnauthorizedException", async () => {
    await define("qa-only");
    await qa.featureFlags.enableFeatureFlag("qa-only");
    const client = qa.featureFlags.createRuntimeClient();
    try {
      await client.waitUntilReady({ timeoutMs: 5000 });
      expect(client.getFlag("qa-only")).toEqual({
        slug: "qa-only",
        enabled: true,
        default_value: false,
        targets: { users: [], organizations: [] },
      });
      expect(client.getFlag("sdk-basic")?.enabled).toBe(false);
    } finally {
      client.close();
    }
    const bad = worker.workos("sk_test_not_a_key").featureFlags.createRuntimeClient();
    bad.on("error", () => {});
    try {
      await expect(bad.waitUntilReady({ timeoutMs: 5000 })).rejects.toBeInstanceOf(UnauthorizedException);
    } finally {
      bad.close();
    }
  });
});
