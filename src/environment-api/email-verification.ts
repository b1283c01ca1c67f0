import * as v from "valibot";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { pathId } from "../middleware/path-resources";
import { EmailVerificationObject, IdentitiesObject } from "../schemas/sign-in-codes";
import { UserObject } from "../schemas/users";
import { getEmailVerification, sendVerificationEmail, verifyEmail } from "../services/sign-in/email-verification";
import { secretsKey } from "../services/sign-in/one-time-secrets";
import { getUser } from "../services/users";
import { codeScope } from "./code-scope";
import { envDoc } from "./doc";

const Code = v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, "must be the six-digit code."));
const ConfirmEmail = v.strictObject({ code: Code });
const userId = (c: Parameters<typeof pathId>[0]) => pathId(c, "user", "user");
const WithUser = v.object({ user: UserObject });

/** Email verification of an environment's users (SDK `sendVerificationEmail`, `verifyEmail`, `getEmailVerification`), and their identities. */
export const emailVerificationRoutes = createRouter()
  .post(
    "/user_management/users/:id/email_verification/send",
    envDoc({
      summary: "Send an email verification code",
      description:
        "A six-digit code for the user's address, valid 10 minutes, once, burned after 5 wrong tries; the user's newest code counts. " +
        "The `email_verification.created` event names it (without the code): get it with `GET /user_management/email_verification/:id` to send it.",
      tags: ["User management"],
      responses: { 200: WithUser },
      errors: ["user_not_found", "email_already_verified"],
      post: true,
      bodyless: true,
    }),
    async (c) => c.json(await sendVerificationEmail(await codeScope(c), userId(c))),
  )
  .post(
    "/user_management/users/:id/email_verification/confirm",
    envDoc({
      summary: "Verify an email with its code",
      description:
        "The user's newest code verifies their address (`user.updated`, `authentication.email_verification_succeeded`). A wrong code " +
        "answers 422 `one_time_code_invalid` with `tries_left`, and counts the try (the fifth burns the code).",
      tags: ["User management"],
      responses: { 200: WithUser },
      errors: ["user_not_found", "one_time_code_invalid", "one_time_code_expired"],
      write: true,
      post: true,
    }),
    validate("json", ConfirmEmail),
    async (c) => c.json(await verifyEmail(await codeScope(c), userId(c), c.req.valid("json").code)),
  )
  .get(
    "/user_management/email_verification/:id",
    envDoc({
      summary: "Get an email verification code",
      description: "With its code, for an application that sends its own email.",
      tags: ["User management"],
      responses: { 200: EmailVerificationObject },
      errors: ["email_verification_not_found"],
    }),
    async (c) =>
      c.json(
        await getEmailVerification(
          c.var.store,
          await secretsKey(c.env.SIGNING_KEY_SECRET),
          c.var.environment.id,
          pathId(c, "emailVerification", "email_verification"),
        ),
      ),
  )
  .get(
    "/user_management/users/:id/identities",
    envDoc({
      summary: "List a user's identities",
      description: "The user's identity-provider links: always `[]` here, since no identity provider is reachable.",
      tags: ["User management"],
      responses: { 200: IdentitiesObject },
      errors: ["user_not_found"],
    }),
    async (c) => {
      await getUser(c.var.store, c.var.environment.id, userId(c));
      return c.json([]);
    },
  );
