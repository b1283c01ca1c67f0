import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { acceptInvitation, resetPassword, sendPasswordReset } from "../../commands/people";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { requestScope } from "../../middleware/command-scope";
import { clientAddress } from "../../middleware/rate-limit";
import { invitationByToken, invitationState } from "../../services/people/invitations";
import { passwordProblem } from "../../services/people/passwords";
import { resetTokenUsable } from "../../services/people/sessions";
import { formOf, text } from "../forms";
import { Card, ErrorBox, Notice } from "../layout";
import { signIn, signInPerson, signOut, startPersonSession } from "../session";
import { renderSolo, teamUrl } from "../shell";

/**
 * The public pages: signing in (a person with email and password, an operator with platform client
 * credentials), signing out, accepting an invitation, resetting a password. Everything else is behind sign-in.
 */

function signInPage(c: Context<AppEnv>) {
  return renderSolo(
    c,
    "Sign in",
    <>
      <h1>Sign in</h1>
      {c.req.query("expired") && <ErrorBox message="Your session expired. Sign in again." />}
      {c.req.query("failed") === "1" && <ErrorBox message="Unknown client or wrong secret." />}
      {c.req.query("failed") === "person" && <ErrorBox message="Wrong email or password." />}
      {c.req.query("failed") === "throttled" && <ErrorBox message="Too many failed sign-ins. Try again in 15 minutes." />}
      <Card title="Your account">
        <form method="post" action="/dashboard/people/sign-in">
          <label>
            Email <input type="email" name="email" required autocomplete="username" />
          </label>
          <label>
            Password <input type="password" name="password" required autocomplete="current-password" />
          </label>
          <button type="submit">Continue</button>
        </form>
        <p class="muted">
          <a href="/dashboard/password-reset">Forgot your password?</a>
        </p>
      </Card>
      <Card title="Operators: platform client">
        <form method="post" action="/dashboard/sign-in">
          <label for="client_id">Client id</label>
          <input type="text" id="client_id" name="client_id" required autocomplete="username" />
          <label for="client_secret">Client secret</label>
          <input type="password" id="client_secret" name="client_secret" required autocomplete="current-password" />
          <div class="row">
            <button type="submit">Sign in</button>
          </div>
        </form>
        <p class="muted">Use a platform client's credentials (locally: the ones in .dev.vars).</p>
      </Card>
    </>,
  );
}

const solo = (c: Context<AppEnv>, title: string, body: Child) => renderSolo(c, title, body);
const invalidReset = (c: Context<AppEnv>) =>
  solo(c, "Reset your password", <ErrorBox message="This link is not valid any more. Ask for a new one." />);

function acceptForm(c: Context<AppEnv>, token: string, email: string, error?: string) {
  return solo(
    c,
    "Accept the invitation",
    <>
      <h1>Join the team</h1>
      <ErrorBox message={error} />
      <Card>
        <p>
          Invitation for <strong>{email}</strong>. Choose your name and a password (at least 10 characters). If you already have
          an account, enter its password.
        </p>
        <form method="post" action="/dashboard/invitations/accept">
          <input type="hidden" name="token" value={token} />
          <label>
            Name <input type="text" name="name" autocomplete="name" />
          </label>
          <label>
            Password <input type="password" name="password" required autocomplete="new-password" />
          </label>
          <button type="submit">Accept the invitation</button>
        </form>
      </Card>
    </>,
  );
}

function passwordResetPage(c: Context<AppEnv>) {
  return solo(
    c,
    "Reset your password",
    <>
      <h1>Reset your password</h1>
      {c.req.query("sent") && <Notice>If an account has this address, a link to reset its password is on its way.</Notice>}
      {c.req.query("failed") === "throttled" && <ErrorBox message="Too many password-reset requests. Try again in 15 minutes." />}
      <Card>
        <form method="post" action="/dashboard/password-reset/request">
          <label>
            Email <input type="email" name="email" required autocomplete="username" />
          </label>
          <button type="submit">Send me a link</button>
        </form>
      </Card>
    </>,
  );
}

const newPasswordPage = (c: Context<AppEnv>, token: string) =>
  solo(
    c,
    "Reset your password",
    <>
      <h1>Choose a new password</h1>
      <Card>
        <form method="post" action="/dashboard/password-reset">
          <input type="hidden" name="token" value={token} />
          <label>
            New password <input type="password" name="password" required autocomplete="new-password" />
          </label>
          <button type="submit">Save</button>
        </form>
      </Card>
    </>,
  );

export const accountRoutes = createRouter()
  .get("/sign-in", (c) => signInPage(c))
  .post("/sign-in", async (c) => {
    const form = await formOf(c);
    const ok = await signIn(c, text(form, "client_id").trim(), text(form, "client_secret"));
    return c.redirect(ok ? "/dashboard" : "/dashboard/sign-in?failed=1", 303);
  })
  .post("/sign-out", async (c) => {
    await signOut(c);
    return c.redirect("/dashboard/sign-in", 303);
  })
  .post("/people/sign-in", async (c) => {
    const form = await formOf(c);
    try {
      // An address is compared as the API stores it (trimmed, lower case); a password is taken as typed.
      const ok = await signInPerson(c, text(form, "email"), text(form, "password"));
      return c.redirect(ok ? "/dashboard" : "/dashboard/sign-in?failed=person", 303);
    } catch (err) {
      if (err instanceof ApiError && err.code === "rate_limited") return c.redirect("/dashboard/sign-in?failed=throttled", 303);
      throw err;
    }
  })
  .get("/invitations/accept", async (c) => {
    const token = c.req.query("token") ?? "";
    const invitation = await invitationByToken(c.var.db, token);
    if (!invitation)
      return solo(c, "Invitation", <ErrorBox message="This invitation link is not valid (a newer one may have been sent)." />);
    const state = invitationState(invitation);
    if (state !== "pending") return solo(c, "Invitation", <ErrorBox message={`This invitation is ${state}.`} />);
    return acceptForm(c, token, invitation.email);
  })
  .post("/invitations/accept", async (c) => {
    const form = await formOf(c);
    const token = text(form, "token");
    const outcome = await acceptInvitation(requestScope(c), {
      token,
      name: text(form, "name"),
      password: text(form, "password"),
    });
    if (!outcome.ok) {
      const invitation = await invitationByToken(c.var.db, token);
      if (invitation && (outcome.reason === "password" || outcome.reason === "name" || outcome.reason === "wrong_password"))
        return acceptForm(c, token, invitation.email, outcome.message);
      return solo(c, "Invitation", <ErrorBox message={outcome.message} />);
    }
    // The password was just chosen (or proved): the person lands signed in, on the team they joined.
    await startPersonSession(c, outcome.personId);
    return c.redirect(teamUrl({ id: outcome.teamId }), 303);
  })
  .get("/password-reset", async (c) => {
    const token = c.req.query("token");
    if (!token) return passwordResetPage(c);
    return (await resetTokenUsable(c.var.db, token)) ? newPasswordPage(c, token) : invalidReset(c);
  })
  .post("/password-reset/request", async (c) => {
    try {
      await sendPasswordReset(requestScope(c), { email: text(await formOf(c), "email"), address: clientAddress(c) });
    } catch (err) {
      if (err instanceof ApiError && err.code === "rate_limited")
        return c.redirect("/dashboard/password-reset?failed=throttled", 303);
      throw err;
    }
    return c.redirect("/dashboard/password-reset?sent=1", 303);
  })
  .post("/password-reset", async (c) => {
    const form = await formOf(c);
    const problem = passwordProblem(text(form, "password"));
    if (problem) return solo(c, "Reset your password", <ErrorBox message={problem} />);
    if (!(await resetPassword(requestScope(c), { token: text(form, "token"), password: text(form, "password") })))
      return invalidReset(c);
    return c.redirect("/dashboard/sign-in?reset=1", 303);
  });
