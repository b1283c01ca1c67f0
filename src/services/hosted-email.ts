import { queueEmail } from "../email/outbox";
import type { Database } from "../env";
import { ApiError } from "../lib/errors";
import type { CodeScope } from "./sign-in/codes";
import { getEmailVerification } from "./sign-in/email-verification";
import { createPasswordReset } from "./sign-in/password-reset";

/**
 * What the hosted sign-in page sends by email, through the outbox (delivered after the answer, retried by the
 * cron): a password reset link and an email verification code. The API's own routes send nothing (the
 * application does, as with WorkOS); the hosted page is the application here.
 */

/**
 * Starts a password reset for an address and mails its link (`link(token)`, a path of the hosted page). An address
 * with no user gets nothing and the caller says the same either way (no account discovery). Returns the
 * outbox message's id, to deliver it now. The outbox is D1's (`outbox`); the codes are the environment's (`scope.db`).
 */
export async function mailPasswordReset(scope: CodeScope, outbox: Database, email: string, link: (token: string) => string) {
  let reset: Awaited<ReturnType<typeof createPasswordReset>>;
  try {
    reset = await createPasswordReset(scope, { email });
  } catch (err) {
    if (err instanceof ApiError && err.code === "user_not_found") return undefined;
    throw err;
  }
  const mail = queueEmail(outbox, {
    kind: "password_reset",
    to: reset.email,
    subject: "Reset your password",
    body: "Someone asked to reset the password of your account. If it was you, choose a new one within 30 minutes; otherwise ignore this message.",
    link: link(reset.password_reset_token as string),
  });
  await mail.statement.run();
  return mail.id;
}

/** Mails the code of an email verification (the one a refused sign-in just created); `link` is where to enter it. */
export async function mailVerificationCode(scope: CodeScope, outbox: Database, emailVerificationId: string, link: string) {
  const verification = await getEmailVerification(scope.db, scope.key, scope.environment.id, emailVerificationId);
  const mail = queueEmail(outbox, {
    kind: "email_verification",
    to: verification.email,
    subject: `Your verification code: ${verification.code}`,
    body: `Enter ${verification.code} to verify your email address. The code expires in 10 minutes.`,
    link,
  });
  await mail.statement.run();
  return mail.id;
}
