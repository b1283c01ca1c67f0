import * as v from "valibot";
import { createUser } from "../../commands/users";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { environmentKeyScope } from "../../middleware/command-scope";
import { Email } from "../../schemas/fields";
import { INCORRECT_CREDENTIALS, signInWithPassword } from "../../services/sign-in";
import { getUser, listUsers } from "../../services/users";
import { clientAddressOf } from "../context";
import { SignInPage, SignUpPage } from "../page";
import {
  AUTHORIZE,
  codeScopeOf,
  firstMessage,
  formFieldsOf,
  links,
  oauthError,
  Password,
  page,
  sameOrigin,
  start,
  storeOfClient,
  viewUrl,
} from "./request";
import { acceptInvited, browserSessionOf, codeBack, contextOf, invitationOf, proceed } from "./session";

/**
 * The authorization endpoint (`GET /user_management/authorize`): a browser already signed in to the environment
 * goes straight back with a code, others get the sign-in or sign-up view; and the two forms those views post.
 */

const SignInForm = v.object({
  email: v.pipe(v.string(), v.trim(), v.maxLength(320)),
  password: v.pipe(v.string(), v.maxLength(256)),
});
const SignUpForm = v.object({ email: v.pipe(Email, v.toLowerCase()), password: Password });

export const authorizeRoutes = createRouter()
  .get(AUTHORIZE, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const { client, request, look, issuer } = started;
    if (request.prompt !== "login") {
      const browser = await browserSessionOf(c, client);
      if (browser) {
        if (request.invitationToken)
          await acceptInvited(
            c,
            started,
            await codeScopeOf(c, client),
            await getUser(storeOfClient(c, client), client.environment.id, browser.userId),
          );
        return codeBack(c, started, browser.sessionId, browser.userId, 302);
      }
    }
    if (request.prompt === "none")
      return oauthError(c, request.redirectUri, issuer, "login_required", "The user is not signed in.");
    const view = { look, email: request.loginHint, links: links(c) };
    if (request.invitationToken) {
      const scope = await codeScopeOf(c, client);
      const invitation = await invitationOf(scope, request.invitationToken);
      if (invitation?.state !== "pending")
        return page(
          c,
          200,
          <SignInPage
            {...view}
            action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
            error="This invitation is no longer valid. Sign in, or ask for a new invitation."
          />,
        );
      // An invited address with an account signs in to accept; one without signs up.
      const existing = await listUsers(storeOfClient(c, client), client.environment.id, {
        email: invitation.email,
        limit: 1,
        order: "desc",
      });
      return existing.data.length > 0
        ? page(
            c,
            200,
            <SignInPage
              {...view}
              email={invitation.email}
              notice="Sign in to accept your invitation."
              action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
            />,
          )
        : page(c, 200, <SignUpPage {...view} invitedEmail={invitation.email} action={viewUrl(c, `${AUTHORIZE}/sign-up`)} />);
    }
    return request.screenHint === "sign-up"
      ? page(c, 200, <SignUpPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-up`)} />)
      : page(c, 200, <SignInPage {...view} action={viewUrl(c, `${AUTHORIZE}/sign-in`)} />);
  })
  .post(`${AUTHORIZE}/sign-in`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formFieldsOf(c);
    const view = (status: 400 | 429, error: string, headers?: Record<string, string>) =>
      page(
        c,
        status,
        <SignInPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-in`)}
          error={error}
          email={form.email}
          links={links(c)}
        />,
        headers,
      );
    const parsed = v.safeParse(SignInForm, form);
    if (!parsed.success) return view(400, INCORRECT_CREDENTIALS);
    try {
      const user = await signInWithPassword(contextOf(c, started.client), {
        email: parsed.output.email,
        password: parsed.output.password,
        clientAddress: clientAddressOf(c),
        ipAddress: c.req.header("CF-Connecting-IP") ?? null,
        userAgent: c.req.header("User-Agent") ?? null,
      });
      return await proceed(c, started, user, "Password");
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === "invalid_grant") return view(400, INCORRECT_CREDENTIALS);
      if (err.code === "rate_limited") {
        const wait = Number(err.details.retry_after) || 900;
        return view(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, {
          "Retry-After": String(wait),
        });
      }
      throw err;
    }
  })
  .post(`${AUTHORIZE}/sign-up`, sameOrigin, async (c) => {
    const started = await start(c);
    if (started instanceof Response) return started;
    const form = await formFieldsOf(c);
    const view = (error: string) =>
      page(
        c,
        400,
        <SignUpPage
          look={started.look}
          action={viewUrl(c, `${AUTHORIZE}/sign-up`)}
          error={error}
          email={form.email}
          links={links(c)}
        />,
      );
    const parsed = v.safeParse(SignUpForm, form);
    if (!parsed.success) return view(firstMessage(parsed.issues));
    try {
      // Signing up through an invitation's link proves the inbox it was sent to.
      const scope = await codeScopeOf(c, started.client);
      const token = started.request.invitationToken;
      const invitation = token ? await invitationOf(scope, token) : undefined;
      const invited = invitation?.state === "pending" && invitation.email === parsed.output.email;
      const created = await createUser(environmentKeyScope(c, started.client.environment), {
        ...parsed.output,
        ...(invited ? { email_verified: true } : {}),
      });
      return await proceed(
        c,
        started,
        await getUser(storeOfClient(c, started.client), started.client.environment.id, created.id),
        "Password",
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "email_not_available")
        return view("An account with this email already exists. Sign in instead.");
      throw err;
    }
  });
