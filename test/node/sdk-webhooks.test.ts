import http from "node:http";
import type { AddressInfo } from "node:net";
import { NotFoundException, UnprocessableEntityException } from "@workos-inc/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();

interface Delivery {
  at: number;
  signature: string;
  body: string;
}

/** A local webhook receiver: records every delivery and answers `statuses` in turn (then 200), or never answers. */
async function receiver(options: { statuses?: number[]; hang?: boolean } = {}) {
  const deliveries: Delivery[] = [];
  const statuses = [...(options.statuses ?? [])];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      deliveries.push({ at: Date.now(), signature: String(req.headers["workos-signature"] ?? ""), body });
      if (options.hang) return; // the dispatcher's timeout gives up on us
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    deliveries,
    close: () => {
      // A hanging receiver keeps its connections open: drop them, or close() waits for them.
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

let workos: ReturnType<typeof worker.workos>;
const receivers: Awaited<ReturnType<typeof receiver>>[] = [];

beforeAll(async () => {
  const { team, staging } = await worker.newTeam();
  workos = worker.workos(await worker.mintKey(team.id, staging.id));
});
afterAll(async () => {
  for (const r of receivers) await r.close();
});

describe("SDK: workos.webhooks endpoints", () => {
  it("createWebhookEndpoint / listWebhookEndpoints / updateWebhookEndpoint / deleteWebhookEndpoint", async () => {
    const endpoint = await workos.webhooks.createWebhookEndpoint({
      endpointUrl: "https://hooks.acme.test/a",
      events: ["user.created", "organization.created"],
    });
    expect(endpoint).toMatchObject({
      object: "webhook_endpoint",
      endpointUrl: "https://hooks.acme.test/a",
      status: "enabled",
      events: ["user.created", "organization.created"],
    });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(endpoint.createdAt).toBeInstanceOf(Date);
    expect((await workos.webhooks.listWebhookEndpoints()).data.map((e) => e.id)).toContain(endpoint.id);
    const updated = await workos.webhooks.updateWebhookEndpoint({
      id: endpoint.id,
      status: "disabled",
      events: ["user.deleted"],
      endpointUrl: "https://hooks.acme.test/b",
    });
    expect(updated).toMatchObject({
      status: "disabled",
      events: ["user.deleted"],
      endpointUrl: "https://hooks.acme.test/b",
      secret: endpoint.secret,
    });
    await workos.webhooks.deleteWebhookEndpoint({ id: endpoint.id });
    await expect(workos.webhooks.deleteWebhookEndpoint({ id: endpoint.id })).rejects.toBeInstanceOf(NotFoundException);
    expect((await workos.webhooks.listWebhookEndpoints()).data.map((e) => e.id)).not.toContain(endpoint.id);
  });

  it("422 for an unknown event or a bad URL; production environments need https", async () => {
    const unknown = await workos.webhooks
      .createWebhookEndpoint({ endpointUrl: "https://hooks.acme.test/x", events: ["dsync.user.created"] })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(UnprocessableEntityException);
    expect(unknown.message).toContain("invalid_value");
    await expect(
      workos.webhooks.createWebhookEndpoint({ endpointUrl: "hooks", events: ["user.created"] }),
    ).rejects.toBeInstanceOf(UnprocessableEntityException);

    const { team, production } = await worker.newTeam("Prod", { billing: true });
    const prod = worker.workos(await worker.mintKey(team.id, production.id));
    const insecure = await prod.webhooks
      .createWebhookEndpoint({ endpointUrl: "http://hooks.acme.test/p", events: ["user.created"] })
      .catch((e) => e);
    expect(insecure).toBeInstanceOf(UnprocessableEntityException);
    expect(insecure.message).toContain("https_required");
    expect(
      (await prod.webhooks.createWebhookEndpoint({ endpointUrl: "https://hooks.acme.test/p", events: ["user.created"] })).status,
    ).toBe("enabled");
  });

  it("another team's key cannot see, change or delete an endpoint (404)", async () => {
    const endpoint = await workos.webhooks.createWebhookEndpoint({
      endpointUrl: "https://hooks.acme.test/private",
      events: ["user.created"],
    });
    const other = await worker.newTeam("Other");
    const otherWorkos = worker.workos(await worker.mintKey(other.team.id, other.staging.id));
    expect((await otherWorkos.webhooks.listWebhookEndpoints()).data).toEqual([]);
    await expect(otherWorkos.webhooks.updateWebhookEndpoint({ id: endpoint.id, status: "disabled" })).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(otherWorkos.webhooks.deleteWebhookEndpoint({ id: endpoint.id })).rejects.toBeInstanceOf(NotFoundException);
    await workos.webhooks.deleteWebhookEndpoint({ id: endpoint.id });
  });
});

describe("webhook deliveries to a real receiver", () => {
  it("are signed so that webhooks.constructEvent accepts them, and retried after a 500 within seconds", async () => {
    const hook = await receiver({ statuses: [500] });
    receivers.push(hook);
    const { secret } = await workos.webhooks.createWebhookEndpoint({ endpointUrl: hook.url, events: ["user.created"] });
    const user = await workos.userManagement.createUser({ email: "webhook@x.test" });
    // Not subscribed: never delivered.
    await workos.organizations.createOrganization({ name: "Quiet" });

    const [first, retry] = await until(() => (hook.deliveries.length >= 2 ? hook.deliveries : undefined));
    expect(retry.at - first.at).toBeGreaterThanOrEqual(4_000);
    expect(retry.at - first.at).toBeLessThan(15_000);
    expect(retry.body).toBe(first.body);
    for (const d of [first, retry]) {
      expect(d.signature).toMatch(/^t=\d+, v1=[0-9a-f]{64}$/);
      // The raw body, as a receiver should pass it; the parsed object verifies too.
      const event = await workos.webhooks.constructEvent({ payload: d.body, sigHeader: d.signature, secret });
      await expect(
        workos.webhooks.constructEvent({ payload: JSON.parse(d.body), sigHeader: d.signature, secret }),
      ).resolves.toEqual(event);
      expect(event.event).toBe("user.created");
      expect(event.data).toMatchObject({ id: user.id, email: "webhook@x.test" });
    }
    // A tampered body or another secret is refused.
    await expect(
      workos.webhooks.constructEvent({
        payload: { ...JSON.parse(first.body), event: "user.deleted" },
        sigHeader: first.signature,
        secret,
      }),
    ).rejects.toThrow();
    await expect(
      workos.webhooks.constructEvent({ payload: JSON.parse(first.body), sigHeader: first.signature, secret: "whsec_wrong" }),
    ).rejects.toThrow();

    // Each attempt is recorded.
    const attempts = await worker.sql<{ attempt: number; status_code: number }>(
      "SELECT a.attempt, a.status_code FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id WHERE e.data LIKE ? ORDER BY a.attempt",
      `%${user.id}%`,
    );
    expect(attempts).toEqual([
      { attempt: 1, status_code: 500 },
      { attempt: 2, status_code: 200 },
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.deliveries).toHaveLength(2);
  });

  it("a receiver that never answers does not slow the API down", async () => {
    const stuck = await receiver({ hang: true });
    receivers.push(stuck);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: stuck.url, events: ["organization.created"] });
    const timings = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await workos.organizations.createOrganization({ name: `Fast ${i}` });
      timings.push(Date.now() - t0);
    }
    await until(() => (stuck.deliveries.length >= 1 ? true : undefined));
    expect(Math.max(...timings)).toBeLessThan(1_000);
  });
});
