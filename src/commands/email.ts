import { deliverOutbox } from "../email/outbox";
import type { RequestScope } from "./scope";

/**
 * Delivers the email a command queued (src/email/outbox.ts), after the answer when the scope has `waitUntil`.
 * A failed delivery stays in the outbox for the scheduled retries; it never fails the command.
 */
export async function deliverQueuedEmail(scope: RequestScope) {
  const delivery = deliverOutbox(scope.env, scope.db, undefined, fetch, scope.origin).catch((err) =>
    console.error(JSON.stringify({ error: `email delivery: ${String(err)}` })),
  );
  try {
    if (!scope.waitUntil) throw new Error("no waitUntil");
    scope.waitUntil(delivery);
  } catch {
    await delivery; // no execution context (a script, some test harnesses): deliver before answering
  }
}
