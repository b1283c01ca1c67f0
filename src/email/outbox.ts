import { and, asc, eq, lte, sql } from "drizzle-orm";
import { emailOutbox } from "../db/schema";
import type { Database, Env } from "../env";
import { toHex } from "../lib/crypto";
import { newId } from "../lib/ids";

/**
 * The email outbox. Invitations and password resets insert their message here in the same batch as the
 * invitation or reset itself, so a message exists exactly when what it announces does. Delivery runs after
 * the response (`waitUntil`), and again from the scheduled handler (a Cron Trigger, every minute) for
 * whatever is still pending: failed posts are retried with backoff, 6 attempts over about 3 hours.
 *
 * - no `EMAIL_WEBHOOK_URL` and `EMAIL_CONSOLE=1` (local development and tests only): each message and its link is
 *   printed to the console; without either, nothing is printed and the message fails like an unreachable provider;
 * - `EMAIL_WEBHOOK_URL` set: each message is POSTed as JSON, signed with HMAC-SHA256 of `<timestamp>.<body>`
 *   under `EMAIL_WEBHOOK_SECRET` in `X-Email-Signature: t=<unix seconds>,v1=<hex>`, so any mail provider can
 *   be plugged in behind a small webhook. A 2xx answer means sent.
 *
 * A sent message, and one given up on, keeps no usable link (`withoutSecret`). A logged one keeps it: in
 * development the console is the mailbox, and the tests read their links from these rows.
 */
export type EmailKind = "invitation" | "password_reset" | "email_verification";

export const RETRY_DELAYS_SECONDS = [60, 300, 1_800, 3_600, 7_200];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** While one delivery holds a message, others leave it alone for this long. */
const LEASE_SECONDS = 120;

const inSeconds = (s: number, from = Date.now()) => new Date(from + s * 1000).toISOString();

export function queueEmail(db: Database, message: { kind: EmailKind; to: string; subject: string; body: string; link: string }) {
  const id = newId("email");
  const now = new Date().toISOString();
  return {
    id,
    statement: db.insert(emailOutbox).values({
      id,
      kind: message.kind,
      toEmail: message.to,
      subject: message.subject,
      body: message.body,
      link: message.link,
      state: "pending",
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    }),
  };
}

async function sign(secret: string, payload: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload))));
}

/** The signature header a receiver checks (exported for tests and for receivers written in TypeScript). */
export async function emailSignature(secret: string, timestamp: number, body: string) {
  return `t=${timestamp},v1=${await sign(secret, `${timestamp}.${body}`)}`;
}

/**
 * A message once it left (or will never leave): its link's query (the token: an invitation's, a reset's) is cut from
 * the link and the body, so the row holds no usable link. The tokens are stored hashed for that very reason.
 */
function withoutSecret(message: { link: string; body: string }) {
  const query = message.link.indexOf("?");
  if (query < 0) return {};
  const secret = message.link.slice(query);
  return { link: message.link.slice(0, query), body: message.body.replaceAll(secret, "") };
}

/** Delivers due messages (links are stored as paths: made absolute with PUBLIC_URL, or the request's origin) (or just `ids`); safe to run concurrently: each message is leased before it is sent. */
export async function deliverOutbox(env: Env, db: Database, ids?: string[], fetcher: typeof fetch = fetch, origin?: string) {
  const base = env.PUBLIC_URL || origin || "http://localhost:8787";
  const now = new Date().toISOString();
  const due = await db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.state, "pending"),
        lte(emailOutbox.nextAttemptAt, now),
        ids ? sql`${emailOutbox.id} IN ${ids}` : undefined,
      ),
    )
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(50);
  let delivered = 0;
  for (const { id } of due) {
    const [message] = await db
      .update(emailOutbox)
      .set({ attempts: sql`${emailOutbox.attempts} + 1`, nextAttemptAt: inSeconds(LEASE_SECONDS) })
      .where(and(eq(emailOutbox.id, id), eq(emailOutbox.state, "pending"), lte(emailOutbox.nextAttemptAt, now)))
      .returning();
    if (!message) continue; // another delivery holds it
    let error: string | undefined;
    if (!env.EMAIL_WEBHOOK_URL && env.EMAIL_CONSOLE === "1") {
      console.log(`[email] to ${message.toEmail}: ${message.subject}\n${message.body}\nLink: ${new URL(message.link, base)}`);
      await db.update(emailOutbox).set({ state: "logged", sentAt: new Date().toISOString() }).where(eq(emailOutbox.id, id));
      delivered++;
      continue;
    }
    try {
      // A deployment with no provider must not print links (they are credentials): the message waits, and fails.
      if (!env.EMAIL_WEBHOOK_URL)
        throw new Error("No email provider: set EMAIL_WEBHOOK_URL (EMAIL_CONSOLE=1 prints in local development).");
      const body = JSON.stringify({
        id: message.id,
        kind: message.kind,
        to: message.toEmail,
        subject: message.subject,
        text: message.body,
        link: String(new URL(message.link, base)),
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetcher(env.EMAIL_WEBHOOK_URL, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Email-Signature": await emailSignature(env.EMAIL_WEBHOOK_SECRET ?? "", timestamp, body),
        },
        body,
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = String(err).slice(0, 200);
    }
    if (!error) {
      await db
        .update(emailOutbox)
        .set({ state: "sent", sentAt: new Date().toISOString(), lastError: null, ...withoutSecret(message) })
        .where(eq(emailOutbox.id, id));
      delivered++;
    } else {
      const exhausted = message.attempts >= MAX_ATTEMPTS;
      await db
        .update(emailOutbox)
        .set({
          state: exhausted ? "failed" : "pending",
          lastError: error,
          nextAttemptAt: inSeconds(RETRY_DELAYS_SECONDS[Math.min(message.attempts - 1, RETRY_DELAYS_SECONDS.length - 1)]),
          ...(exhausted && withoutSecret(message)),
        })
        .where(eq(emailOutbox.id, id));
    }
  }
  return { due: due.length, delivered };
}

/**
 * The Cron Trigger's work (wire it as the Worker's `scheduled` handler, with `[triggers] crons = ["* * * * *"]`):
 * retries whatever is still pending once its backoff is over.
 */
export async function deliverPendingEmail(env: Env, db: Database) {
  return deliverOutbox(env, db);
}
