import * as v from "valibot";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { pathId } from "../middleware/path-resources";
import { Email } from "../schemas/fields";
import { PasswordResetObject } from "../schemas/sign-in-codes";
import { UserObject } from "../schemas/users";
import { createPasswordReset, getPasswordReset, resetUserPassword } from "../services/sign-in/password-reset";
import { revokeSessionsOfUser } from "../services/sign-in/sessions";
import { codeScope } from "./code-scope";
import { envDoc } from "./doc";

const CreatePasswordReset = v.strictObject({ email: Email });
const ResetPassword = v.strictObject({
  token: v.pipe(v.string(), v.nonEmpty("must not be empty."), v.maxLength(256, "must be at most 256 characters.")),
  new_password: v.pipe(
    v.string(),
    v.minLength(8, "must be at least 8 characters."),
    v.maxLength(256, "must be at most 256 characters."),
  ),
});

/**
 * `/user_management/password_reset` (SDK `createPasswordReset`, `getPasswordReset`, `resetPassword`). Mounted before
 * the idempotency middleware: the answer that creates a reset carries its token, which must not be kept for replays.
 */
export const passwordResetRoutes = createRouter()
  .post(
    "/user_management/password_reset",
    envDoc({
      summary: "Create a password reset token",
      description:
        "For the user with this email: a token valid 30 minutes and once, in this answer only (`password_reset_token` and " +
        "`password_reset_url`); it is stored as a hash, so `GET` and the `password_reset.created` event do not carry it.",
      tags: ["User management"],
      responses: { 201: PasswordResetObject },
      errors: ["user_not_found"],
      write: true,
    }),
    validate("json", CreatePasswordReset),
    async (c) => c.json(await createPasswordReset(await codeScope(c), c.req.valid("json")), 201),
  )
  .post(
    "/user_management/password_reset/confirm",
    envDoc({
      summary: "Reset a password",
      description:
        "Sets the new password and verifies the email (`user.updated`), uses up the user's reset tokens, ends every session of " +
        "the user (`session.revoked`), then `password_reset.succeeded`.",
      tags: ["User management"],
      responses: { 200: v.object({ user: UserObject }) },
      errors: ["password_reset_token_invalid"],
      write: true,
    }),
    validate("json", ResetPassword),
    async (c) => {
      const scope = await codeScope(c);
      return c.json(
        await resetUserPassword(scope, c.req.valid("json"), (userId) =>
          revokeSessionsOfUser(scope, scope.environment.id, userId),
        ),
      );
    },
  )
  .get(
    "/user_management/password_reset/:id",
    envDoc({
      summary: "Get a password reset",
      description: "Without its token: that is shown once, when the reset is created.",
      tags: ["User management"],
      responses: { 200: PasswordResetObject },
      errors: ["password_reset_not_found"],
    }),
    async (c) =>
      c.json(await getPasswordReset(c.var.store, c.var.environment.id, pathId(c, "userPasswordReset", "password_reset"))),
  );
