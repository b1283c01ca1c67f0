import * as v from "valibot";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import type { AuthenticationMethod } from "../../services/sign-in";
import { completePendingAuthentication } from "../../services/sign-in/email-verification";
import { SignInPage } from "../page";
import { AUTHORIZE, attemptOf, codeScopeOf, formFieldsOf, links, page, sameOrigin, start, viewUrl } from "./request";
import { acceptInvited, signedIn, verifyView } from "./session";

/**
 * The code a sign-in's email verification sent (an environment that requires verified addresses asks for it
 * after the password): a good code verifies the address and signs the user in.
 */

const VerifyForm = v.object({
  pending_authentication_token: v.pipe(v.string(), v.nonEmpty(), v.maxLength(256)),
  code: v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/)),
});

export const verifyEmailRoutes = createRouter().post(`${AUTHORIZE}/verify-email`, sameOrigin, async (c) => {
  const started = await start(c);
  if (started instanceof Response) return started;
  const form = await formFieldsOf(c);
  const parsed = v.safeParse(VerifyForm, form);
  const pendingToken = form.pending_authentication_token ?? "";
  if (!parsed.success)
    return verifyView(c, started, pendingToken, form.email ?? "", 400, "Enter the 6-digit code from the email.");
  const scope = await codeScopeOf(c, started.client);
  try {
    const { user, method } = await completePendingAuthentication(scope, {
      pending_authentication_token: parsed.output.pending_authentication_token,
      code: parsed.output.code,
      clientId: started.client.application.clientId,
      ...attemptOf(c),
    });
    await acceptInvited(c, started, scope, user);
    return await signedIn(c, started, user.id, method as AuthenticationMethod);
  } catch (err) {
    if (err instanceof ApiError && err.code === "one_time_code_invalid")
      return verifyView(c, started, pendingToken, form.email ?? "", 400, err.message);
    if (err instanceof ApiError && err.code === "one_time_code_expired")
      return page(
        c,
        400,
        <SignInPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
          links={links(c)}
          error="The code expired or was used up. Sign in again to get a new one."
        />,
      );
    throw err;
  }
});
