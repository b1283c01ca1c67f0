import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { jsxRenderer } from "hono/jsx-renderer";
import { createRouter } from "../lib/router";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import { coordinate } from "../coordinator/client";
import { Domain } from "../environment-api/schemas";
import { DEFAULT_DOH_RESOLVER } from "../lib/doh";
import { projectOf } from "../platform/email-domains";
import { loadTeam } from "../platform/teams";
import { getEmailDomain, verifyEmailDomain } from "../services/email-domains";
import * as v from "valibot";
import { toFieldErrors } from "../lib/validation";
import { expireApiKey, mintApiKey } from "../services/api-keys";
import { createApplication } from "../services/applications";
import { BrandingInput, copyBranding, putBranding } from "../services/branding";
import { getEnvironment } from "../services/environments";
import { createProjectFromScratch, getProject } from "../services/projects";
import { createProjectByTransfer } from "../commands/transfers";
import { previewTransfer } from "../services/transfers";
import { createTeam, putBilling } from "../services/teams";
import { Card, ErrorBox, Layout } from "./layout";
import { billingPage, transfersPage } from "./pages/billing";
import { environmentPage } from "./pages/environment";
import { projectConfigPage } from "./pages/project-config";
import { chooseEnvironmentsPage, newProjectPage, reviewPage } from "./pages/new-project";
import { teamPage } from "./pages/team";
import { teamsPage } from "./pages/teams";
import { requireSession, signIn, signOut } from "./session";
import { authorize } from "../auth/permissions";
import { peopleDashboard } from "./people";

/**
 * The dashboard: server-rendered pages for a person, over the same services as the Platform API (the
 * same rules, the same coordinator). Forms post back here; a refused action re-renders its page with
 * the rule's message. CSRF: the session cookie is SameSite=Strict and every POST's Origin is checked.
 */
type Form = Record<string, string | string[]>;
const text = (form: Form, key: string) => (typeof form[key] === "string" ? (form[key] as string).trim() : "");
const list = (form: Form, key: string) => ([] as (string | undefined)[]).concat(form[key] as string | string[] | undefined).filter((v): v is string => !!v);
const formOf = async (c: Context<AppEnv>) => (await c.req.parseBody({ all: true })) as Form;
const messageOf = (err: unknown) => {
  if (!(err instanceof ApiError)) throw err;
  const fields = (err.details.errors ?? []).map((e) => `${e.field} ${e.message}`).join(" ");
  return fields ? `${err.message.split(".")[0]}: ${fields}` : err.message;
};

const environmentOf = async (c: Context<AppEnv>) => {
  const id = c.req.param("environment_id") ?? "";
  if (!isId("environment", id)) throw notFound("environment", id);
  return getEnvironment(c.var.db, c.var.team.id, id);
};

export const dashboard = createRouter()
  .use(csrf())
  .use(jsxRenderer(({ children, title, signedIn }) => <Layout title={title} signedIn={signedIn}>{children}</Layout>))
  .get("/sign-in", (c) =>
    c.render(
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
            <label>
              Client id <input type="text" name="client_id" required autocomplete="username" />
            </label>
            <label>
              Client secret <input type="password" name="client_secret" required autocomplete="current-password" />
            </label>
            <button type="submit">Sign in</button>
          </form>
          <p class="muted">Use a platform client's credentials (locally: the ones in .dev.vars).</p>
        </Card>
      </>,
      { title: "Sign in" },
    ),
  )
  .post("/sign-in", async (c) => {
    const form = await formOf(c);
    return c.redirect((await signIn(c, text(form, "client_id"), text(form, "client_secret"))) ? "/dashboard" : "/dashboard/sign-in?failed=1", 303);
  })
  .post("/sign-out", async (c) => {
    await signOut(c);
    return c.redirect("/dashboard/sign-in", 303);
  })
  .route("/", peopleDashboard)
  .use("*", requireSession)
  .use("*", authorize)
  .get("/", (c) => teamsPage(c))
  .post("/teams", async (c) => {
    const form = await formOf(c);
    try {
      const team = await createTeam(c.var.db, c.var.caller, { name: text(form, "name"), admin_email: text(form, "admin_email") });
      return c.redirect(`/dashboard/teams/${team.id}`, 303);
    } catch (err) {
      return teamsPage(c, messageOf(err));
    }
  })
  .use("/teams/:team_id", loadTeam)
  .use("/teams/:team_id/*", loadTeam)
  .get("/teams/:team_id", (c) => teamPage(c, c.var.team))
  .get("/teams/:team_id/projects/new", (c) => newProjectPage(c, c.var.team))
  .post("/teams/:team_id/projects", async (c) => {
    const form = await formOf(c);
    const name = text(form, "name");
    if (!name || name.length > 100) return newProjectPage(c, c.var.team, "The project needs a name of 1 to 100 characters.");
    await createProjectFromScratch(c.var.db, c.var.caller.clientId, c.var.team, { name, production: text(form, "production") === "yes" });
    return c.redirect(`/dashboard/teams/${c.var.team.id}`, 303);
  })
  .get("/teams/:team_id/projects/new/transfer", async (c) => {
    const name = c.req.query("name")?.trim() ?? "";
    const sourceId = c.req.query("source_project_id") ?? "";
    if (!name || name.length > 100) return newProjectPage(c, c.var.team, "The project needs a name of 1 to 100 characters.");
    if (!isId("project", sourceId)) throw notFound("project", sourceId);
    return chooseEnvironmentsPage(c, c.var.team, await getProject(c.var.db, c.var.team.id, sourceId), name);
  })
  .post("/teams/:team_id/projects/review", async (c) => {
    const form = await formOf(c);
    const input = { source_project_id: text(form, "source_project_id"), environment_ids: list(form, "environment_ids").slice(0, 50) };
    if (!isId("project", input.source_project_id)) throw notFound("project", input.source_project_id);
    return reviewPage(c, c.var.team, text(form, "name"), await previewTransfer(c.var.db, c.var.team, input));
  })
  .post("/teams/:team_id/projects/transfer", async (c) => {
    const form = await formOf(c);
    const input = { source_project_id: text(form, "source_project_id"), environment_ids: list(form, "environment_ids").slice(0, 50) };
    if (!isId("project", input.source_project_id)) throw notFound("project", input.source_project_id);
    try {
      await createProjectByTransfer({ env: c.env, db: c.var.db, caller: c.var.caller, team: c.var.team }, {
        name: text(form, "name") || "Transferred",
        ...input,
        acknowledge: text(form, "acknowledge") === "yes",
        preview_token: text(form, "preview_token") || undefined,
      });
      return c.redirect(`/dashboard/teams/${c.var.team.id}`, 303);
    } catch (err) {
      const message = messageOf(err);
      return reviewPage(c, c.var.team, text(form, "name"), await previewTransfer(c.var.db, c.var.team, input), message);
    }
  })
  .get("/teams/:team_id/transfers", (c) => transfersPage(c, c.var.team))
  .get("/teams/:team_id/billing", (c) => billingPage(c, c.var.team))
  .post("/teams/:team_id/billing", async (c) => {
    const form = await formOf(c);
    const email = text(form, "billing_email");
    const method = text(form, "payment_method");
    if (!/^[^@\s]+@[^@\s]+$/.test(email) || method.length < 4 || method.length > 100)
      return billingPage(c, c.var.team, "Enter a billing email and a payment method (4 to 100 characters).");
    const { team } = await putBilling(c.var.db, c.var.caller, c.var.team, { billing_email: email, payment_method: method });
    return billingPage(c, team);
  })
  .get("/teams/:team_id/environments/:environment_id", async (c) => environmentPage(c, c.var.team, await environmentOf(c)))
  .post("/teams/:team_id/environments/:environment_id/api_keys", async (c) => {
    const env = await environmentOf(c);
    const name = text(await formOf(c), "name");
    try {
      if (!name || name.length > 100) throw new ApiError("validation_failed", "The key needs a name of 1 to 100 characters.");
      const { value } = await mintApiKey(c.var.db, c.var.caller.clientId, c.var.team, env, { name });
      return environmentPage(c, c.var.team, env, { newKey: value });
    } catch (err) {
      return environmentPage(c, c.var.team, env, { error: messageOf(err) });
    }
  })
  .post("/teams/:team_id/environments/:environment_id/api_keys/:key_id/expire", async (c) => {
    const env = await environmentOf(c);
    await expireApiKey(c.var.db, c.var.caller.clientId, c.var.team, env.id, c.req.param("key_id"));
    return c.redirect(`/dashboard/teams/${c.var.team.id}/environments/${env.id}`, 303);
  })
  .post("/teams/:team_id/environments/:environment_id/applications", async (c) => {
    const env = await environmentOf(c);
    const form = await formOf(c);
    const type = text(form, "type");
    const name = text(form, "name");
    const redirectUris = text(form, "redirect_uris").split(/\s+/).filter(Boolean);
    try {
      if (!name || name.length > 100 || !["web", "mobile", "desktop"].includes(type))
        throw new ApiError("validation_failed", "The application needs a name (1 to 100 characters) and a type.");
      await createApplication(c.var.db, env, { name, type: type as "web", redirect_uris: redirectUris });
      return c.redirect(`/dashboard/teams/${c.var.team.id}/environments/${env.id}`, 303);
    } catch (err) {
      return environmentPage(c, c.var.team, env, { error: messageOf(err) });
    }
  })
  .post("/teams/:team_id/environments/:environment_id/branding", async (c) => {
    const env = await environmentOf(c);
    const form = await formOf(c);
    // Empty inputs mean "the default".
    const input = Object.fromEntries(Object.entries(form).filter(([, value]) => typeof value === "string" && value.trim() !== ""));
    const parsed = v.safeParse(BrandingInput, input);
    if (!parsed.success) {
      const errors = toFieldErrors(parsed.issues).map((e) => `${e.field} ${e.message}`).join(" ");
      return environmentPage(c, c.var.team, env, { error: `Branding not saved: ${errors}` });
    }
    await putBranding(c.var.db, c.var.caller.clientId, c.var.team.id, env.id, parsed.output);
    return c.redirect(`/dashboard/teams/${c.var.team.id}/environments/${env.id}`, 303);
  })
  .post("/teams/:team_id/environments/:environment_id/branding/copy", async (c) => {
    const env = await environmentOf(c);
    const sourceId = text(await formOf(c), "source_environment_id");
    if (!isId("environment", sourceId)) throw notFound("environment", sourceId);
    const source = await getEnvironment(c.var.db, c.var.team.id, sourceId);
    await copyBranding(c.var.db, c.var.caller.clientId, c.var.team.id, env.id, source.id);
    return c.redirect(`/dashboard/teams/${c.var.team.id}/environments/${env.id}`, 303);
  })
  .get("/teams/:team_id/projects/:project_id/config", async (c) => projectConfigPage(c, c.var.team, await projectOf(c)))
  .post("/teams/:team_id/projects/:project_id/config/email_domains", async (c) => {
    const project = await projectOf(c);
    const parsed = v.safeParse(Domain, text(await formOf(c), "domain"));
    if (!parsed.success) return projectConfigPage(c, c.var.team, project, `The domain ${parsed.issues[0].message}`);
    try {
      await coordinate(c.env, project.id, "add_email_domain", {
        teamId: c.var.team.id,
        projectId: project.id,
        actor: c.var.caller.clientId,
        id: newId("emailDomain"),
        domain: parsed.output,
      });
    } catch (err) {
      return projectConfigPage(c, c.var.team, project, messageOf(err));
    }
    return c.redirect(`/dashboard/teams/${c.var.team.id}/projects/${project.id}/config`, 303);
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains/:email_domain_id/verify", async (c) => {
    const project = await projectOf(c);
    try {
      const domain = await getEmailDomain(c.var.db, project.id, c.req.param("email_domain_id"));
      await verifyEmailDomain(c.var.db, c.env.DOH_RESOLVER_URL || DEFAULT_DOH_RESOLVER, domain);
    } catch (err) {
      return projectConfigPage(c, c.var.team, project, messageOf(err));
    }
    return c.redirect(`/dashboard/teams/${c.var.team.id}/projects/${project.id}/config`, 303);
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains/:email_domain_id/delete", async (c) => {
    const project = await projectOf(c);
    await coordinate(c.env, project.id, "delete_email_domain", {
      teamId: c.var.team.id,
      projectId: project.id,
      actor: c.var.caller.clientId,
      id: c.req.param("email_domain_id"),
    });
    return c.redirect(`/dashboard/teams/${c.var.team.id}/projects/${project.id}/config`, 303);
  })
  .all("*", () => {
    throw new ApiError("not_found", "There is no such page.");
  });

// Errors render as pages here, not JSON: a person is reading.
dashboard.onError((err, c) => {
  const known = err instanceof ApiError ? err : err instanceof HTTPException ? new ApiError(err.status === 401 ? "unauthorized" : err.status === 403 ? "forbidden" : err.status === 404 ? "not_found" : "bad_request", err.message || undefined) : undefined;
  if (!known) console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: (err as Error)?.stack }));
  const status = known?.status ?? 500;
  const message = known?.message ?? `Something went wrong on our side. Request id: ${c.var.requestId}.`;
  return c.html(
    (
      <Layout title={status === 404 ? "Not found" : "Error"} signedIn>
        <h1>{status === 404 ? "Not found" : "Something went wrong"}</h1>
        <ErrorBox message={message} />
        <p>
          <a href="/dashboard">Back to your teams</a>
        </p>
      </Layout>
    ) as unknown as string,
    status,
  );
});
