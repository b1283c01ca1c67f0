import { NotFoundException, UnprocessableEntityException } from "@workos-inc/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();
let workos: ReturnType<typeof worker.workos>;
let qa: ReturnType<typeof worker.workos>;
let orgId: string;

beforeAll(async () => {
  const { team, project, staging } = await worker.newTeam();
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
  const env = await worker.platform("POST", `/teams/${team.id}/environments`, { name: "QA", project_id: project.id });
  qa = worker.workos(await worker.mintKey(team.id, env.body.id));
  orgId = (await workos.organizations.createOrganization({ name: "Audited" })).id;
});

const event = (metadata: Record<string, string | number | boolean> = { count: 1 }) => ({
  action: "doc.updated",
  occurredAt: new Date(),
  actor: { id: "user_1", type: "user", metadata: { role: "admin" } },
  targets: [{ id: "doc_1", type: "document", metadata: { title: "Plan" } }],
  context: { location: "127.0.0.1", userAgent: "vitest" },
  metadata,
});

describe("SDK: workos.auditLogs", () => {
  it("createSchema versions the action for the whole project; listSchemas from any environment", async () => {
    const created = await workos.auditLogs.createSchema({
      action: "doc.updated",
      actor: { metadata: { role: "string" } },
      targets: [{ type: "document", metadata: { title: "string" } }],
      metadata: { count: "number" },
    });
    expect(created).toMatchObject({
      object: "audit_log_schema",
      version: 1,
      targets: [{ type: "document", metadata: { title: "string" } }],
      actor: { metadata: { role: "string" } },
      metadata: { count: "number" },
    });
    const second = await qa.auditLogs.createSchema({
      action: "doc.updated",
      actor: { metadata: { role: "string" } },
      targets: [{ type: "document", metadata: { title: "string" } }],
      metadata: { count: "number" },
    });
    expect(second.version).toBe(2);
    const list = await workos.auditLogs.listSchemas("doc.updated");
    expect(list.data.map((s) => s.version)).toEqual([2, 1]);
    // Every environment of the project sees the same versions.
    expect((await qa.auditLogs.listSchemas("doc.updated")).data.map((s) => s.version)).toEqual([2, 1]);
    await expect(workos.auditLogs.listSchemas("never.created")).rejects.toBeInstanceOf(NotFoundException);
  });

  it("createEvent is checked against the latest schema and idempotent by key", async () => {
    const e = event();
    await workos.auditLogs.createEvent(orgId, e, { idempotencyKey: "sdk-1" });
    await workos.auditLogs.createEvent(orgId, e, { idempotencyKey: "sdk-1" });
    const stored = await worker.sql<{ n: number }>("SELECT count(*) AS n FROM audit_log_events WHERE organization_id = ?", orgId);
    expect(stored[0].n).toBe(1);
    const err = await workos.auditLogs.createEvent(orgId, event({ count: "many" })).catch((x) => x);
    expect(err).toBeInstanceOf(UnprocessableEntityException);
    // The SDK keeps only each error's code (field paths are checked in the workers suite).
    expect(err.code).toBe("validation_failed");
    expect(err.message).toContain("invalid_type");
    const misfits = await worker.sql<{ n: number }>(
      "SELECT count(*) AS n FROM audit_log_events WHERE organization_id = ?",
      orgId,
    );
    expect(misfits[0].n).toBe(1);
    await expect(qa.auditLogs.createEvent(orgId, event())).rejects.toBeInstanceOf(NotFoundException);
  });
});
