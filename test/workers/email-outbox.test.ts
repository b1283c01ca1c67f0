import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { deliverOutbox, emailSignature, MAX_ATTEMPTS, queueEmail } from "../../src/email/outbox";
import worker from "../../src/index";
import { sql } from "./helpers";
import { uniqueEmail } from "./people-helpers";

const db = () => openDatabase(env);
const production = {
  ...env,
  EMAIL_WEBHOOK_URL: "https://mail.example.test/hook",
  EMAIL_WEBHOOK_SECRET: "whsec_mail",
  PUBLIC_URL: "https://cp.example.test",
};

async function queue(to: string) {
  const mail = queueEmail(db(), {
    kind: "invitation",
    to,
    subject: "Hi",
    body: "Join us.",
    link: "/dashboard/invitations/accept?token=inv_x",
  });
  await mail.statement;
  return mail.id;
}

describe("email outbox in production", () => {
  it("with no provider configured, prints nothing (links are credentials): the message waits and fails like an unreachable one", async () => {
    const id = await queue(uniqueEmail());
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args);
    try {
      await deliverOutbox({ ...env, EMAIL_CONSOLE: undefined, EMAIL_WEBHOOK_URL: undefined }, db(), [id]);
    } finally {
      console.log = log;
    }
    expect(printed).toEqual([]);
    const [row] = await sql<{ state: string; last_error: string }>("SELECT state, last_error FROM email_outbox WHERE id = ?", id);
    expect(row.state).toBe("pending");
    expect(row.last_error).toMatch(/No email provider/);
  });

  it("POSTs each message signed (HMAC-SHA256 of timestamp.body) with an absolute link, once", async () => {
    const to = uniqueEmail();
    const id = await queue(to);
    const seen: { body: string; signature: string }[] = [];
    const fetcher = (async (_url: string, init: RequestInit) => {
      seen.push({ body: String(init.body), signature: new Headers(init.headers).get("X-Email-Signature") ?? "" });
      return new Response("ok");
    }) as unknown as typeof fetch;
    await deliverOutbox(production, db(), [id], fetcher);
    await deliverOutbox(production, db(), [id], fetcher);
    expect(seen).toHaveLength(1);
    const body = JSON.parse(seen[0].body);
    expect(body).toMatchObject({
      id,
      kind: "invitation",
      to,
      link: "https://cp.example.test/dashboard/invitations/accept?token=inv_x",
    });
    const t = Number(seen[0].signature.match(/^t=(\d+),/)?.[1]);
    expect(seen[0].signature).toBe(await emailSignature("whsec_mail", t, seen[0].body));
    expect(await sql("SELECT state, attempts FROM email_outbox WHERE id = ?", id)).toEqual([{ state: "sent", attempts: 1 }]);
  });

  it("a delivered or abandoned message keeps no usable link: its token is gone from the row", async () => {
    const message = (to: string) =>
      queueEmail(db(), {
        kind: "password_reset",
        to,
        subject: "Reset your password",
        body: "Choose a new one: /dashboard/password-reset?token=pwr_secret",
        link: "/dashboard/password-reset?token=pwr_secret",
      });
    const sent = message(uniqueEmail());
    const abandoned = message(uniqueEmail());
    await sent.statement;
    await abandoned.statement;
    const seen: string[] = [];
    const ok = (async (_url: string, init: RequestInit) => {
      seen.push(JSON.parse(String(init.body)).link);
      return new Response("ok");
    }) as unknown as typeof fetch;
    await deliverOutbox(production, db(), [sent.id], ok);
    // The receiver got the whole link; the row keeps where it pointed, not the token.
    expect(seen).toEqual(["https://cp.example.test/dashboard/password-reset?token=pwr_secret"]);
    const failing = (async () => new Response("nope", { status: 503 })) as unknown as typeof fetch;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await sql(
        "UPDATE email_outbox SET next_attempt_at = ? WHERE id = ?",
        new Date(Date.now() - 1000).toISOString(),
        abandoned.id,
      );
      await deliverOutbox(production, db(), [abandoned.id], failing);
    }
    const rows = await sql<{ id: string; state: string; link: string; body: string }>(
      "SELECT id, state, link, body FROM email_outbox WHERE id IN (?, ?) ORDER BY id",
      sent.id,
      abandoned.id,
    );
    expect(rows.map((r) => r.state)).toEqual(["sent", "failed"]);
    for (const r of rows) {
      expect(r.link).toBe("/dashboard/password-reset");
      expect(r.body).not.toContain("pwr_secret");
    }
  });

  it("retries failures with backoff, then gives up", async () => {
    const to = uniqueEmail();
    const id = await queue(to);
    let calls = 0;
    const failing = (async () => {
      calls++;
      return new Response("nope", { status: 503 });
    }) as unknown as typeof fetch;
    await deliverOutbox(production, db(), [id], failing);
    const [after1] = await sql<{ state: string; attempts: number; next_attempt_at: string; last_error: string }>(
      "SELECT * FROM email_outbox WHERE id = ?",
      id,
    );
    expect(after1).toMatchObject({ state: "pending", attempts: 1, last_error: "HTTP 503" });
    expect(Date.parse(after1.next_attempt_at) - Date.now()).toBeGreaterThan(50_000);
    // Not due yet: nothing is sent.
    await deliverOutbox(production, db(), [id], failing);
    expect(calls).toBe(1);
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      await sql("UPDATE email_outbox SET next_attempt_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), id);
      await deliverOutbox(production, db(), [id], failing);
    }
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(await sql("SELECT state, attempts FROM email_outbox WHERE id = ?", id)).toEqual([
      { state: "failed", attempts: MAX_ATTEMPTS },
    ]);
  });
});

describe("the scheduled handler", () => {
  it("delivers what is due (development: prints and marks logged)", async () => {
    const to = uniqueEmail();
    const id = await queue(to);
    // The Worker's own scheduled handler, as the Cron Trigger runs it.
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await sql("SELECT state FROM email_outbox WHERE id = ?", id)).toEqual([{ state: "logged" }]);
  });
});
