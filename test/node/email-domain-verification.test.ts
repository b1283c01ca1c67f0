/**
 * Verifying a custom email domain looks its three CNAME records up over DNS-over-HTTPS. The Worker's
 * resolver (DOH_RESOLVER_URL) is pointed at a fake resolver this test controls, on a loopback port.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestWorker } from "./harness";

/** name → CNAME target; `down` makes the resolver answer 500. */
const zone = new Map<string, string>();
let down = false;
const asked: string[] = [];
const resolver = http.createServer((req, res) => {
  const url = new URL(req.url!, "http://resolver");
  const name = url.searchParams.get("name")!;
  asked.push(`${url.searchParams.get("type")} ${name} ${req.headers.accept}`);
  if (down) return void res.writeHead(500).end();
  const target = zone.get(name);
  res.writeHead(200, { "Content-Type": "application/dns-json" });
  res.end(JSON.stringify(target ? { Status: 0, Answer: [{ name, type: 5, TTL: 300, data: `${target}.` }] } : { Status: 3 }));
});

const worker = new TestWorker();
beforeAll(async () => {
  await new Promise<void>((ok) => resolver.listen(0, "127.0.0.1", ok));
  await worker.start({ vars: { DOH_RESOLVER_URL: `http://127.0.0.1:${(resolver.address() as AddressInfo).port}/dns-query` } });
});
afterAll(async () => {
  await worker.close();
  resolver.close();
});

describe("custom email domain verification over DNS-over-HTTPS", () => {
  it("pending → failed while the records are missing or wrong → verified once all three are there; 503 when the resolver is down", async () => {
    const { team, project } = await worker.newTeam();
    const base = `/teams/${team.id}/projects/${project.id}/email_domains`;
    const added = await worker.platform("POST", base, { domain: "mail.acme.test" });
    expect(added.status).toBe(201);
    const records: { name: string; value: string }[] = added.body.dns_records;
    const verify = () => worker.platform("POST", `${base}/${added.body.id}/verify`);

    const none = await verify();
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ state: "failed", verified_at: null });
    expect(none.body.last_checked_at).toEqual(expect.any(String));
    expect(asked).toContain(`CNAME ${records[0].name} application/dns-json`);

    zone.set(records[0].name, records[0].value);
    zone.set(records[1].name, records[1].value);
    zone.set(records[2].name, "somewhere.else.test");
    expect((await verify()).body.state).toBe("failed");

    zone.set(records[2].name, records[2].value.toUpperCase());
    const ok = await verify();
    expect(ok.body).toMatchObject({ state: "verified", verified_at: expect.any(String) });

    down = true;
    const unavailable = await verify();
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.code).toBe("dns_resolver_unavailable");
    down = false;
    // Nothing changed while the resolver was down.
    expect((await worker.platform("GET", `${base}/${added.body.id}`)).body.state).toBe("verified");
  });
});
