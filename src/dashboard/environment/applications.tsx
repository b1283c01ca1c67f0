import type { Context } from "hono";
import * as applications from "../../commands/applications";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { pathId } from "../../middleware/path-resources";
import { CreateApplication, UpdateApplication } from "../../schemas/applications";
import { defaultApplication, listApplications } from "../../services/applications";
import { attempt, check, done, type Form, type FormState, lines, text } from "../forms";
import { Card, Confirm, Field, FormError, Id, Pager } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf, shownEnvironment } from "./frame";

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/**
 * The hosted sign-in page as the environment's users see it, through its default application. Safe to follow:
 * a code can only go to a redirect URI the application registered, and it carries a PKCE challenge whose
 * verifier is thrown away here, so no one can exchange it for tokens.
 */
export function previewUrl(app: { clientId: string; redirectUris: string[] }): string | undefined {
  const redirectUri = app.redirectUris[0];
  if (!redirectUri) return undefined;
  const challenge = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const query = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    state: "preview",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  return `/user_management/authorize?${query}`;
}

const APPLICATION_LABELS = {
  name: "Name",
  type: "Type",
  "redirect_uris.*": "Redirect URI",
  redirect_uris: "Redirect URIs",
  "logout_redirect_uris.*": "Logout redirect URI",
  logout_redirect_uris: "Logout redirect URIs",
};

const TYPES = [
  { value: "web", label: "Web" },
  { value: "mobile", label: "Mobile" },
  { value: "desktop", label: "Desktop" },
];

/** Applications: create, edit, delete; the redirect URI rules of this kind of environment. */
async function applicationsPage(c: Context<AppEnv>, state?: FormState) {
  const env = shownEnvironment(c);
  const [apps, main] = await Promise.all([
    listApplications(c.var.db, env.id, { limit: 25, order: "asc", ...pageOf(c) }, new URL(c.req.url).origin),
    defaultApplication(c.var.db, c.var.environment),
  ]);
  // A locked environment's hosted page answers 403: no link to it.
  const preview = !env.locked && main ? previewUrl(main) : undefined;
  const base = `${environmentUrl(c.var.team, env)}/applications`;
  const rules = env.production
    ? "Production: redirect URIs must use https. Native apps (mobile, desktop) may also use a loopback http://127.0.0.1. No fragments."
    : "Staging: redirect URIs must use https, or http on localhost or 127.0.0.1. No fragments.";
  return environmentFrame(
    c,
    "applications",
    <>
      <Card title="Applications" id="applications">
        <p class="muted">
          Clients of your product (web, mobile, desktop) sharing this environment's users. Each has its own client id.
        </p>
        <p class="hint" id="redirect-rules">
          {rules}
        </p>
        <p id="preview-sign-in">
          {preview ? (
            <>
              <a href={preview} target="_blank" rel="noopener noreferrer">
                Preview sign-in page
              </a>{" "}
              <span class="muted">(the hosted page with this environment's branding, through the default application)</span>
            </>
          ) : env.locked ? (
            <span class="muted">No sign-in page preview: this production environment is locked until billing is added.</span>
          ) : (
            <span class="muted">
              No sign-in page preview: the default application has no redirect URI. Add one to it below to preview the hosted
              page.
            </span>
          )}
        </p>
        <ul class="plain">
          {apps.data.map((a) => (
            <li data-application={a.id} data-row>
              <strong>{a.name}</strong> <span class="badge">{a.type}</span>
              {a.is_default && <span class="badge">default</span>}
              <br />
              <Id value={a.client_id} label="Client id" />
              <Id value={a.issuer} label="Issuer" />
              <p class="muted">
                Discovery: <code>{`${a.issuer}/.well-known/openid-configuration`}</code>
              </p>
              <p class="muted">{a.redirect_uris.length ? a.redirect_uris.join(" · ") : "No redirect URI."}</p>
              <p class="muted">
                {a.logout_redirect_uris.length
                  ? `After logout: ${a.logout_redirect_uris.join(" · ")}`
                  : "No logout redirect URI: logout ends on a signed-out page."}
              </p>
              <details open={state?.form === `app-${a.id}`}>
                <summary>Edit {a.name}</summary>
                <FormError form={`app-${a.id}`} state={state} />
                <form method="post" action={`${base}/${a.id}`}>
                  <Field form={`app-${a.id}`} name="name" label="Name" value={a.name} state={state} required maxlength={100} />
                  <Field form={`app-${a.id}`} name="type" label="Type" value={a.type} options={TYPES} state={state} />
                  <Field
                    form={`app-${a.id}`}
                    name="redirect_uris"
                    label="Redirect URIs, one per line"
                    rows={3}
                    value={a.redirect_uris.join("\n")}
                    state={state}
                    hint={rules}
                  />
                  <Field
                    form={`app-${a.id}`}
                    name="logout_redirect_uris"
                    label="Logout redirect URIs, one per line"
                    rows={2}
                    value={a.logout_redirect_uris.join("\n")}
                    state={state}
                    hint="Where logout may send the browser back to (exact match); the same rules as redirect URIs."
                  />
                  <div class="row">
                    <button type="submit">Save application</button>
                  </div>
                </form>
              </details>
              <Confirm
                summary="Delete…"
                action={`${base}/${a.id}/delete`}
                button={`Delete ${a.name}`}
                explain="Sign-ins through this application's client id stop working."
                disabled={
                  a.is_default ? "The default application can't be deleted: its client id is the environment's." : undefined
                }
              />
            </li>
          ))}
        </ul>
        <Pager base={base} meta={apps.list_metadata} />
      </Card>
      <Card title="Add an application" id="new-application">
        <FormError form="app" state={state} />
        <form method="post" action={base}>
          <Field form="app" name="name" label="Name" state={state} required maxlength={100} placeholder="iOS app" />
          <Field form="app" name="type" label="Type" options={TYPES} state={state} />
          <Field form="app" name="redirect_uris" label="Redirect URIs, one per line" rows={3} state={state} hint={rules} />
          <Field form="app" name="logout_redirect_uris" label="Logout redirect URIs, one per line" rows={2} state={state} />
          <div class="row">
            <button type="submit">Add application</button>
          </div>
        </form>
      </Card>
    </>,
    state,
  );
}

const applicationInput = (f: Form) => ({
  name: text(f, "name"),
  type: text(f, "type"),
  redirect_uris: lines(text(f, "redirect_uris")),
  logout_redirect_uris: lines(text(f, "logout_redirect_uris")),
});

const applicationId = (c: Context<AppEnv>) => pathId(c, "application", "application", "application_id");

const listUrl = (c: Context<AppEnv>) => `${environmentUrl(c.var.team, c.var.environment)}/applications`;

export const applicationsTab = createRouter()
  .get(`${E}/applications`, (c) => applicationsPage(c))
  .post(`${E}/applications`, (c) =>
    attempt(
      c,
      "app",
      APPLICATION_LABELS,
      async (f) => {
        const app = await applications.createApplication(teamEnvironmentScope(c), check(CreateApplication, applicationInput(f)));
        return done(c, listUrl(c), { message: `Application ${app.name} added.` });
      },
      (s) => applicationsPage(c, s),
    ),
  )
  .post(`${E}/applications/:application_id`, (c) => {
    const id = applicationId(c);
    return attempt(
      c,
      `app-${id}`,
      APPLICATION_LABELS,
      async (f) => {
        const patch = check(UpdateApplication, applicationInput(f));
        const app = await applications.updateApplication(teamEnvironmentScope(c), { id, ...patch });
        return done(c, listUrl(c), { message: `Application ${app.name} saved.` });
      },
      (s) => applicationsPage(c, s),
    );
  })
  .post(`${E}/applications/:application_id/delete`, (c) => {
    const id = applicationId(c);
    return attempt(
      c,
      `app-${id}`,
      APPLICATION_LABELS,
      async () => {
        await applications.deleteApplication(teamEnvironmentScope(c), { id });
        return done(c, listUrl(c), { message: "Application deleted." });
      },
      (s) => applicationsPage(c, s),
    );
  });
