import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { Branding } from "../services/branding";

/**
 * The hosted sign-in page: server-rendered, self-contained (no script, no font or stylesheet fetched, nothing from
 * a CDN), in the environment's branding. Every form has exactly the fields the flows need (`email`, `password`,
 * `code`, plus hidden state) and one submit button; errors are announced (`role=alert`) and tied to the form.
 */

export interface Look {
  /** Shown as the heading's subject and the logo's text alternative. */
  name: string;
  branding: Branding;
}

/** WCAG relative luminance of #RRGGBB. */
function luminance(hex: string) {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
/** Black or white, whichever reads better on `background` (one of them always reaches 4.5:1). */
const inkOn = (background: string) =>
  contrast(background, "#FFFFFF") >= contrast(background, "#000000") ? "#FFFFFF" : "#000000";

const DARK = { background: "#14161C", text: "#E9ECF2" };

function style({ branding: b }: Look) {
  const colors = (background: string, text: string) => {
    // A text colour that does not read on the background (a custom pair) falls back to black or white.
    const ink = contrast(background, text) >= 4.5 ? text : inkOn(background);
    return `--bg:${background};--ink:${ink};--muted:${ink};--primary:${b.primary_color};--on-primary:${inkOn(b.primary_color)};--field:${background};`;
  };
  // The default colours are the light theme's; a dark theme keeps custom colours and swaps only the defaults.
  const customColours = b.background_color !== "#FFFFFF" || b.text_color !== "#1D2330";
  const dark = customColours ? colors(b.background_color, b.text_color) : colors(DARK.background, DARK.text);
  const light = colors(b.background_color, b.text_color);
  const root =
    b.theme === "dark"
      ? `:root{${dark}color-scheme:dark}`
      : b.theme === "system" && !customColours
        ? `:root{${light}color-scheme:light dark}@media (prefers-color-scheme:dark){:root{${dark}}}`
        : `:root{${light}color-scheme:light}`;
  return `${root}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--ink);font:16px/1.5 "${b.font}",system-ui,-apple-system,"Segoe UI",sans-serif;display:flex;justify-content:center;align-items:flex-start}
main{width:100%;max-width:24rem;padding:2.5rem 1.25rem 3rem}
header.brand{display:flex;align-items:center;gap:.6rem;margin:0 0 1.5rem;font-weight:600;font-size:1.05rem;overflow-wrap:anywhere}
header.brand img{max-height:2.5rem;max-width:100%}
h1{font-size:1.5rem;margin:0 0 1rem;line-height:1.25;overflow-wrap:anywhere}
p{margin:.5rem 0}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input{font:inherit;width:100%;padding:.6rem .7rem;border:1px solid var(--ink);border-radius:8px;background:var(--field);color:var(--ink)}
input[aria-invalid=true]{border-width:2px}
button{font:inherit;font-weight:600;width:100%;margin-top:1.25rem;padding:.7rem;border:0;border-radius:8px;background:var(--primary);color:var(--on-primary);cursor:pointer}
a{color:var(--ink);text-decoration:underline;text-underline-offset:2px}
:focus-visible{outline:3px solid var(--primary);outline-offset:2px}
.alert{border:2px solid currentColor;border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
.links{margin-top:1.25rem;display:flex;flex-direction:column;gap:.4rem}
.email{overflow-wrap:anywhere;font-weight:600}
${b.custom_css ?? ""}`;
}

const Document: FC<PropsWithChildren<{ title: string; look: Look }>> = ({ title, look, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>{`${title} · ${look.name}`}</title>
      <style dangerouslySetInnerHTML={{ __html: style(look) }} />
    </head>
    <body>
      <main>
        <header class="brand">
          {look.branding.logo_url ? (
            <img src={look.branding.logo_url} alt={look.name} referrerpolicy="no-referrer" />
          ) : (
            <span>{look.name}</span>
          )}
        </header>
        {children}
      </main>
    </body>
  </html>
);

const Alert: FC<{ message?: string; id?: string }> = ({ message, id }) =>
  message ? (
    <p class="alert" role="alert" id={id}>
      {message}
    </p>
  ) : null;

const Notice: FC<{ message?: string }> = ({ message }) =>
  message ? (
    <p class="alert" role="status">
      {message}
    </p>
  ) : null;

const Hidden: FC<{ fields?: Record<string, string | undefined> }> = ({ fields }) => (
  <>
    {Object.entries(fields ?? {}).map(([name, value]) =>
      value === undefined ? null : <input type="hidden" name={name} value={value} />,
    )}
  </>
);

export interface FormView {
  look: Look;
  /** Where the form posts (the hosted page's path with the authorization request's query). */
  action: string;
  error?: string;
  notice?: string;
  email?: string;
  /** Links to the other views of the same request. */
  links?: { signIn?: string; signUp?: string; forgot?: string };
}

const ERROR_ID = "form-error";
const invalid = (error?: string) => (error ? { "aria-invalid": "true", "aria-describedby": ERROR_ID } : {});

const EmailField: FC<{ email?: string; error?: string; autofocus?: boolean }> = ({ email, error, autofocus }) => (
  <>
    <label for="email">Email</label>
    <input
      id="email"
      type="email"
      name="email"
      value={email ?? ""}
      required
      maxlength={320}
      autocomplete="username"
      autofocus={autofocus}
      {...invalid(error)}
    />
  </>
);

const PasswordField: FC<{ error?: string; current: boolean; label?: string }> = ({ error, current, label }) => (
  <>
    <label for="password">{label ?? "Password"}</label>
    <input
      id="password"
      type="password"
      name="password"
      required
      minlength={current ? undefined : 8}
      maxlength={256}
      autocomplete={current ? "current-password" : "new-password"}
      {...invalid(error)}
    />
  </>
);

export const SignInPage: FC<FormView> = ({ look, action, error, notice, email, links }) => (
  <Document title="Sign in" look={look}>
    <h1>Sign in to {look.name}</h1>
    <Notice message={notice} />
    <Alert message={error} id={ERROR_ID} />
    <form method="post" action={action} novalidate={false}>
      <EmailField email={email} error={error} autofocus={!email} />
      <PasswordField error={error} current />
      <button type="submit">Sign in</button>
    </form>
    <p class="links">
      {links?.forgot && <a href={links.forgot}>Forgot your password?</a>}
      {links?.signUp && <a href={links.signUp}>Don't have an account? Sign up</a>}
    </p>
  </Document>
);

export const SignUpPage: FC<FormView & { invitedEmail?: string }> = ({ look, action, error, email, links, invitedEmail }) => (
  <Document title="Sign up" look={look}>
    <h1>{invitedEmail ? `Join ${look.name}` : `Create your ${look.name} account`}</h1>
    {invitedEmail && (
      <p>
        You were invited as <span class="email">{invitedEmail}</span>.
      </p>
    )}
    <Alert message={error} id={ERROR_ID} />
    <form method="post" action={action}>
      <EmailField email={email ?? invitedEmail} error={error} autofocus />
      <PasswordField error={error} current={false} />
      <p>At least 8 characters.</p>
      <button type="submit">Create account</button>
    </form>
    <p class="links">{links?.signIn && <a href={links.signIn}>Already have an account? Sign in</a>}</p>
  </Document>
);

export const ForgotPasswordPage: FC<FormView> = ({ look, action, error, notice, email, links }) => (
  <Document title="Reset your password" look={look}>
    <h1>Reset your password</h1>
    <Notice message={notice} />
    <Alert message={error} id={ERROR_ID} />
    {!notice && (
      <form method="post" action={action}>
        <p>Enter your email: we will send you a link to choose a new password.</p>
        <EmailField email={email} error={error} autofocus />
        <button type="submit">Send reset link</button>
      </form>
    )}
    <p class="links">{links?.signIn && <a href={links.signIn}>Back to sign in</a>}</p>
  </Document>
);

export const ResetPasswordPage: FC<FormView & { token: string }> = ({ look, action, error, token, links }) => (
  <Document title="Choose a new password" look={look}>
    <h1>Choose a new password</h1>
    <Alert message={error} id={ERROR_ID} />
    <form method="post" action={action}>
      <Hidden fields={{ token }} />
      <PasswordField error={error} current={false} label="New password" />
      <p>At least 8 characters.</p>
      <button type="submit">Save password</button>
    </form>
    <p class="links">{links?.signIn && <a href={links.signIn}>Back to sign in</a>}</p>
  </Document>
);

export const VerifyEmailPage: FC<FormView & { pendingToken: string }> = ({ look, action, error, email, pendingToken }) => (
  <Document title="Verify your email" look={look}>
    <h1>Verify your email</h1>
    <p>We sent a 6-digit code to {email ? <span class="email">{email}</span> : "your email address"}. Enter it to continue.</p>
    <Alert message={error} id={ERROR_ID} />
    <form method="post" action={action}>
      <Hidden fields={{ pending_authentication_token: pendingToken }} />
      <label for="code">Code</label>
      <input
        id="code"
        type="text"
        name="code"
        required
        inputmode="numeric"
        pattern="[0-9]{6}"
        maxlength={6}
        autocomplete="one-time-code"
        {...invalid(error)}
      />
      <button type="submit">Verify</button>
    </form>
  </Document>
);

/** A page that ends here: a refused request, a locked environment, signed out. */
export const MessagePage: FC<{ look: Look; title: string; children?: Child }> = ({ look, title, children }) => (
  <Document title={title} look={look}>
    <h1>{title}</h1>
    {children}
  </Document>
);
