import * as v from "valibot";
import { resetSignInPassword } from "../../commands/sign-in";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { environmentKeyScope } from "../../middleware/command-scope";
import { Email } from "../../schemas/fields";
import { mailPasswordReset } from "../../services/hosted-email";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage } from "../page";
import {
  AUTHORIZE,
  codeScopeOf,
  deliver,
  firstMessage,
  formFieldsOf,
  links,
  Password,
  page,
  RESET_TOKEN,
  sameOrigin,
  start,
  viewUrl,
} from "./request";

/**
 * A forgotten password: the form that mails a reset link (the same answer whether or not the address has an
 * account), and the link's view that sets a new password and ends the user's sessions.
 */

export const passwordResetRoutes = createRouter()
  .get(`${AUTHORIZE}/forgot-password`, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    return page(
      c,
      200,
      <ForgotPasswordPage
        look={started.look}
        action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
        email={started.request.loginHint}
        links={links(c)}
      />,
    );
  })
  .post(`${AUTHORIZE}/forgot-password`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formFieldsOf(c);
    const parsed = v.safeParse(v.object({ email: v.pipe(Email, v.toLowerCase()) }), form);
    const view = (status: 200 | 400, props: { error?: string; notice?: string }) =>
      page(
        c,
        status,
        <ForgotPasswordPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
          email={form.email}
          links={links(c)}
          {...props}
        />,
      );
    if (!parsed.success) return view(400, { error: "Enter a valid email address." });
    const scope = await codeScopeOf(c, started.client);
    const mailed = await mailPasswordReset(scope, c.var.db, parsed.output.email, (token) =>
      viewUrl(c, `${AUTHORIZE}/reset-password`, { [RESET_TOKEN]: token }),
    );
    deliver(c, mailed);
    // The same answer whether or not the address has an account.
    return view(200, { notice: `If ${parsed.output.email} has an account, a link to choose a new password is on its way.` });
  })
  .get(`${AUTHORIZE}/reset-password`, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const token = c.req.query(RESET_TOKEN) ?? "";
    return page(
      c,
      200,
      <ResetPasswordPage look={started.look} action={viewUrl(c, `${AUTHORIZE}/reset-password`)} token={token} links={links(c)} />,
    );
  })
  .post(`${AUTHORIZE}/reset-password`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formFieldsOf(c);
    const token = form.token ?? "";
    const parsed = v.safeParse(v.object({ token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(256)), password: Password }), form);
    const again = (error: string) =>
      page(
        c,
        400,
        <ResetPasswordPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/reset-password`)}
          token={token}
          links={links(c)}
          error={error}
        />,
      );
    if (!parsed.success) return again(firstMessage(parsed.issues));
    try {
      const { user } = await resetSignInPassword(environmentKeyScope(c, started.client.environment), {
        token: parsed.output.token,
        new_password: parsed.output.password,
      });
      return page(
        c,
        200,
        <SignInPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
          links={links(c)}
          email={user.email}
          notice="Your password was changed. Sign in with it."
        />,
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "password_reset_token_invalid")
        return page(
          c,
          400,
          <ForgotPasswordPage
            look={started.look}
            action={viewUrl(c, `${AUTHORIZE}/forgot-password`)}
            links={links(c)}
            error="This link expired or was already used. Ask for a new one."
          />,
        );
      throw err;
    }
  });
