import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { coordinate } from "../coordinator/client";
import { DEFAULT_DOH_RESOLVER } from "../lib/doh";
import { ApiError, notFound } from "../lib/errors";
import { isId, newId } from "../lib/ids";
import { createRouter } from "../lib/router";
import { Name } from "../lib/validation";
import { CreateApiKey } from "../platform/api-keys";
import { CreateApplication, UpdateApplication } from "../platform/applications";
import { CopyBranding } from "../platform/branding";
import { CreateConnection } from "../platform/connections";
import { AddEmailDomain, projectOf } from "../platform/email-domains";
import { CreateEnvironment, PatchEnvironment } from "../platform/environments";
import { CreateFlag, UpdateFlag } from "../platform/feature-flags";
import { CreateProject, PatchProject, TransferPreview } from "../platform/projects";
import { Billing, CreateTeam, loadTeam } from "../platform/teams";
import { expireApiKey, mintApiKey } from "../services/api-keys";
import { createApplication, deleteApplication, updateApplication } from "../services/applications";
import { BrandingInput, copyBranding, putBranding } from "../services/branding";
import { createConnection } from "../services/connections";
import { getEmailDomain, verifyEmailDomain } from "../services/email-domains";
import { getEnvironment, productionRequiresBilling, renameEnvironment } from "../services/environments";
import { getEnvFlag, setEnvFlagEnabled, updateProjectFlag } from "../services/feature-flags";
import { createProjectFromScratch, getProject, renameProject } from "../services/projects";
import { createTeam, getBilling, productionLocked, putBilling } from "../services/teams";
import { createProjectByTransfer, previewTransfer } from "../services/transfers";
import { environmentScope } from "../webhooks/scope";
import { check, commas, done, type Form, type FormState, formOf, type Labels, lines, list, stateOf, text } from "./forms";
import { Card, ErrorBox, FAVICON_SVG } from "./layout";
import { BILLING_LABELS, billingPage } from "./pages/billing";
import {
  APPLICATION_LABELS,
  applicationsPage,
  BRANDING_LABELS,
  brandingPage,
  CONNECTION_LABELS,
  connectionsPage,
  eventsPage,
  KEY_LABELS,
  keysPage,
  organizationsPage,
  settingsPage,
  usersPage,
  webhooksPage,
} from "./pages/environment";
import { chooseEnvironmentsPage, NEW_PROJECT_LABELS, newProjectPage, reviewPage } from "./pages/new-project";
import { ENVIRONMENT_LABELS, PROJECT_LABELS, projectPage } from "./pages/project";
import { DOMAIN_LABELS, FLAG_LABELS, projectConfigPage } from "./pages/project-config";
import { activityPage, teamPage, transfersPage } from "./pages/team";
import { TEAM_LABELS, teamsPage } from "./pages/teams";
import { requireSession, signIn, signOut } from "./session";
import { environmentUrl, projectUrl, renderSolo, teamUrl } from "./shell";

/**
 * The dashboard: server-rendered pages for a person, over the same schemas, services and coordinator as the
 * Platform API. A refused form re-renders its page with the API's 4xx, errors beside their fields and what was
 * typed kept; every success is a 303 to a page (Post/Redirect/Get), so a reload never repeats an action.
 * CSRF: the session cookie is SameSite=Strict and every POST's Origin is checked.
 */

const environmentOf = async (c: Context<AppEnv>) => {
  const id = c.req.param("environment_id") ?? "";
  if (!isId("environment", id)) throw notFound("environment", id);
  return getEnvironment(c.var.db, c.var.team.id, id);
};

/** Runs a submission; an ApiError (the schema's or a rule's) re-renders the form's page with it. */
async function attempt(c: Context<AppEnv>, form: string, labels: Labels, run: (values: Form) => Promise<Response>, page: (state: FormState) => Promise<Response>) {
  const values = await formOf(c);
  try {
    return await run(values);
  } catch (err) {
    return page(stateOf(form, values, err, labels));
  }
}

/** Deletes an environment in its project's coordinator, following it if a transfer moved it meanwhile. */
async function deleteEnvironment(c: Context<AppEnv>, environmentId: string) {
  for (let attempt = 0; ; attempt++) {
    const { projectId } = await getEnvironment(c.var.db, c.var.team.id, environmentId);
    try {
      // TODO(commands): the platform engineer's deleteEnvironment command.
      return await coordinate(c.env, projectId, "delete_environment", { teamId: c.var.team.id, projectId, environmentId, actor: c.var.caller.clientId });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === "environment_moved" && attempt < 3)) throw err;
    }
  }
}

/** The new project's name, as the API's CreateProject checks it. */
const NamedProject = v.object({ name: Name });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const dashboard = createRouter()
  .use(csrf())
  // No external assets; inline script and style only.
  .use(async (c, next) => {
    await next();
    c.header("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
    c.header("X-Content-Type-Options", "nosniff");
  })
  .get("/favicon.svg", (c) => c.body(FAVICON_SVG, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }))
  .get("/sign-in", (c) =>
    renderSolo(
      c,
      "Sign in",
      <>
        <h1>Sign in</h1>
        {c.req.query("expired") && <ErrorBox message="Your session expired. Sign in again." />}
        {c.req.query("failed") && <ErrorBox message="Unknown client or wrong secret." />}
        <Card>
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
    ),
  )
  .post("/sign-in", async (c) => {
    const form = await formOf(c);
    return c.redirect((await signIn(c, text(form, "client_id").trim(), text(form, "client_secret"))) ? "/dashboard" : "/dashboard/sign-in?failed=1", 303);
  })
  .post("/sign-out", (c) => {
    signOut(c);
    return c.redirect("/dashboard/sign-in", 303);
  })
  .use("*", requireSession)
  .get("/", (c) => teamsPage(c))
  .post("/teams", (c) =>
    attempt(
      c,
      "team",
      TEAM_LABELS,
      async (f) => {
        const input = check(CreateTeam, { name: text(f, "name"), admin_email: text(f, "admin_email") });
        // TODO(commands): the platform engineer's createTeam command.
        const team = await createTeam(c.var.db, c.var.caller, input);
        return done(c, teamUrl(team), { message: `Team ${team.name} created, with a Default project holding Staging and Production.` });
      },
      (s) => teamsPage(c, s),
    ),
  )
  .use("/teams/:team_id", loadTeam)
  .use("/teams/:team_id/*", loadTeam)
  .get("/teams/:team_id", (c) => teamPage(c, c.var.team))
  .get("/teams/:team_id/activity", (c) => activityPage(c, c.var.team))
  .get("/teams/:team_id/transfers", (c) => transfersPage(c, c.var.team))

  // ---- Billing ----------------------------------------------------------------------------------------
  .get("/teams/:team_id/billing", (c) => billingPage(c, c.var.team))
  .post("/teams/:team_id/billing", (c) =>
    attempt(
      c,
      "billing",
      BILLING_LABELS,
      async (f) => {
        const input = check(Billing, { billing_email: text(f, "billing_email"), payment_method: text(f, "payment_method") });
        // TODO(commands): the platform engineer's putBilling command.
        await putBilling(c.var.db, c.var.caller, c.var.team, input);
        return done(c, `${teamUrl(c.var.team)}/billing`, { message: "Billing saved: production is active." });
      },
      (s) => billingPage(c, c.var.team, s),
    ),
  )
  // The email alone: the API's one schema, with the card kept as it is.
  .post("/teams/:team_id/billing/email", (c) =>
    attempt(
      c,
      "billing-email",
      BILLING_LABELS,
      async (f) => {
        const current = await getBilling(c.var.db, c.var.team);
        const input = check(Billing, { billing_email: text(f, "billing_email"), payment_method: current.paymentMethod });
        // TODO(commands): the platform engineer's putBilling command.
        await putBilling(c.var.db, c.var.caller, c.var.team, input);
        return done(c, `${teamUrl(c.var.team)}/billing`, { message: "Billing email saved." });
      },
      (s) => billingPage(c, c.var.team, s),
    ),
  )
  .post("/teams/:team_id/billing/card", (c) =>
    attempt(
      c,
      "billing-card",
      BILLING_LABELS,
      async (f) => {
        const current = await getBilling(c.var.db, c.var.team);
        const input = check(Billing, { billing_email: current.billingEmail, payment_method: text(f, "payment_method") });
        // TODO(commands): the platform engineer's putBilling command.
        await putBilling(c.var.db, c.var.caller, c.var.team, input);
        return done(c, `${teamUrl(c.var.team)}/billing`, { message: "Card replaced." });
      },
      (s) => billingPage(c, c.var.team, s),
    ),
  )

  // ---- New project: from scratch, or the transfer wizard ----------------------------------------------
  .get("/teams/:team_id/projects/new", (c) => newProjectPage(c, c.var.team))
  .post("/teams/:team_id/projects", (c) =>
    attempt(
      c,
      "scratch",
      NEW_PROJECT_LABELS,
      async (f) => {
        const input = check(CreateProject, { name: text(f, "name"), production: text(f, "production") === "yes" });
        // TODO(commands): the platform engineer's createProject command.
        const { project } = await createProjectFromScratch(c.var.db, c.var.caller.clientId, c.var.team, { name: input.name, production: input.production });
        return done(c, projectUrl(c.var.team, project), { message: `Project ${project.name} created.` });
      },
      (s) => newProjectPage(c, c.var.team, s),
    ),
  )
  .get("/teams/:team_id/projects/new/transfer", async (c) => {
    const values = { name: c.req.query("name") ?? "", source_project_id: c.req.query("source_project_id") ?? "" };
    try {
      const { name } = check(NamedProject, { name: values.name });
      if (!isId("project", values.source_project_id))
        throw new ApiError("validation_failed", "Choose a source project.", { errors: [{ field: "source_project_id", code: "required", message: "must be chosen." }] });
      const source = await getProject(c.var.db, c.var.team.id, values.source_project_id);
      return chooseEnvironmentsPage(c, c.var.team, source, name, c.req.queries("environment_ids") ?? []);
    } catch (err) {
      const s = stateOf("transfer-start", values, err, NEW_PROJECT_LABELS);
      return newProjectPage(c, c.var.team, s);
    }
  })
  .get("/teams/:team_id/projects/new/review", async (c) => {
    const { name } = check(NamedProject, { name: c.req.query("name") ?? "" });
    const input = check(TransferPreview, { source_project_id: c.req.query("source_project_id") ?? "", environment_ids: c.req.queries("environment_ids") ?? [] });
    const preview = await previewTransfer(c.var.db, c.var.team, input);
    return reviewPage(c, c.var.team, name, preview);
  })
  .post("/teams/:team_id/projects/transfer", async (c) => {
    const f = await formOf(c);
    const started = new Date().toISOString();
    const token = text(f, "idempotency_token");
    const raw = {
      name: text(f, "name"),
      transfer: {
        source_project_id: text(f, "source_project_id"),
        environment_ids: list(f, "environment_ids"),
        acknowledge: text(f, "acknowledge") === "yes",
        preview_token: text(f, "preview_token") || undefined,
      },
    };
    try {
      const input = check(CreateProject, raw);
      const transfer = input.transfer!;
      // TODO(commands): the platform engineer's transfer command.
      const result = await createProjectByTransfer(c.env, c.var.db, c.var.caller, c.var.team, input.name, transfer, UUID.test(token) ? `dashboard:${token}` : undefined);
      const names = result.environments.map((e) => e.name).join(", ");
      // The same token again (browser Back, then submit) replays the first transfer: it was created before this request.
      if (result.project.createdAt < started)
        return done(c, projectUrl(c.var.team, result.project), {
          kind: "warning",
          message: `This transfer already happened (${result.project.createdAt.replace("T", " ").slice(0, 16)} UTC): ${names} moved into ${result.project.name} then. Nothing was moved again.`,
        });
      return done(c, projectUrl(c.var.team, result.project), { message: `Transferred ${names} into the new project ${result.project.name}.` });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const known =
        err.code === "transfer_requires_acknowledgement"
          ? new ApiError(err.code, err.message, { errors: [{ field: "acknowledge", code: "required", message: "must be ticked: a transfer can't be undone." }] })
          : err;
      const preview = await previewTransfer(c.var.db, c.var.team, { source_project_id: raw.transfer.source_project_id, environment_ids: raw.transfer.environment_ids.slice(0, 50) });
      const state = stateOf("transfer", f, known, { ...NEW_PROJECT_LABELS, acknowledge: "The acknowledgement" });
      return reviewPage(c, c.var.team, raw.name, preview, state);
    }
  })

  // ---- A project ---------------------------------------------------------------------------------------
  .get("/teams/:team_id/projects/:project_id", async (c) => projectPage(c, c.var.team, await projectOf(c)))
  .post("/teams/:team_id/projects/:project_id/rename", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "project",
      PROJECT_LABELS,
      async (f) => {
        const { name } = check(PatchProject, { name: text(f, "name") });
        // TODO(commands): the platform engineer's renameProject command.
        await renameProject(c.var.db, c.var.caller.clientId, c.var.team, project.id, name);
        return done(c, projectUrl(c.var.team, project), { message: `Project renamed to ${name}.` });
      },
      (s) => projectPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/delete", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "project",
      PROJECT_LABELS,
      async () => {
        // TODO(commands): the platform engineer's deleteProject command.
        await coordinate(c.env, project.id, "delete_project", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId });
        return done(c, teamUrl(c.var.team), { message: `Project ${project.name} deleted.` });
      },
      (s) => projectPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/environments", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "environment",
      ENVIRONMENT_LABELS,
      async (f) => {
        const input = check(CreateEnvironment, { name: text(f, "name"), production: text(f, "kind") === "production", project_id: project.id });
        if (input.production && productionLocked(c.var.team))
          throw new ApiError(productionRequiresBilling().code, undefined, {
            errors: [{ field: "production", code: "locked", message: "is unavailable until the team adds billing information." }],
          });
        // TODO(commands): the platform engineer's createEnvironment command.
        const created = await coordinate(c.env, project.id, "create_environment", {
          teamId: c.var.team.id,
          projectId: project.id,
          actor: c.var.caller.clientId,
          environment: { id: newId("environment"), clientId: newId("client"), name: input.name, production: input.production },
        });
        return done(c, environmentUrl(c.var.team, created), { message: `Environment ${created.name} added to ${project.name}.` });
      },
      (s) => projectPage(c, c.var.team, project, s),
    );
  })

  // ---- Project-level configuration ---------------------------------------------------------------------
  .get("/teams/:team_id/projects/:project_id/config", async (c) => projectConfigPage(c, c.var.team, await projectOf(c)))
  .post("/teams/:team_id/projects/:project_id/config/feature_flags", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "flag",
      FLAG_LABELS,
      async (f) => {
        const input = check(CreateFlag, {
          slug: text(f, "slug").trim(),
          name: text(f, "name"),
          description: text(f, "description").trim() || undefined,
          tags: commas(text(f, "tags")),
          default_value: text(f, "default_value") === "true",
        });
        // TODO(commands): the platform engineer's createFeatureFlag command.
        await coordinate(c.env, project.id, "create_feature_flag", {
          teamId: c.var.team.id,
          projectId: project.id,
          actor: c.var.caller.clientId,
          flag: { id: newId("featureFlag"), ...input },
        });
        return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, { message: `Feature flag ${input.slug} created.` });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/feature_flags/:slug", async (c) => {
    const project = await projectOf(c);
    const slug = c.req.param("slug");
    return attempt(
      c,
      `flag-${slug}`,
      FLAG_LABELS,
      async (f) => {
        const patch = check(UpdateFlag, {
          name: text(f, "name"),
          description: text(f, "description").trim() || null,
          tags: commas(text(f, "tags")),
          default_value: text(f, "default_value") === "true",
        });
        // TODO(commands): the platform engineer's updateFeatureFlag command.
        await updateProjectFlag(c.var.db, c.var.team.id, c.var.caller.clientId, project.id, slug, patch);
        return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, { message: `Feature flag ${slug} saved.` });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/feature_flags/:slug/delete", async (c) => {
    const project = await projectOf(c);
    const slug = c.req.param("slug");
    // TODO(commands): the platform engineer's deleteFeatureFlag command.
    await coordinate(c.env, project.id, "delete_feature_flag", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId, slug });
    return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, { message: `Feature flag ${slug} deleted.` });
  })
  .post("/teams/:team_id/projects/:project_id/config/feature_flags/:slug/environments/:environment_id", async (c) => {
    const project = await projectOf(c);
    const env = await environmentOf(c);
    if (env.projectId !== project.id) throw notFound("environment", env.id);
    const enabled = text(await formOf(c), "enabled") === "true";
    // The environment API's own service (PUT /feature-flags/:slug/enabled of that environment).
    const { flag } = await getEnvFlag(c.var.db, env, c.req.param("slug"));
    await setEnvFlagEnabled(c.var.db, env, flag.slug, enabled);
    return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, { message: `${flag.slug} is ${enabled ? "on" : "off"} in ${env.name}.` });
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "domain",
      DOMAIN_LABELS,
      async (f) => {
        const { domain } = check(AddEmailDomain, { domain: text(f, "domain").trim() });
        // TODO(commands): the platform engineer's addEmailDomain command.
        await coordinate(c.env, project.id, "add_email_domain", {
          teamId: c.var.team.id,
          projectId: project.id,
          actor: c.var.caller.clientId,
          id: newId("emailDomain"),
          domain,
        });
        return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, { message: `${domain} added: create its DNS records, then verify it.` });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains/:email_domain_id/verify", async (c) => {
    const project = await projectOf(c);
    const id = c.req.param("email_domain_id");
    if (!isId("emailDomain", id)) throw notFound("email_domain", id);
    return attempt(
      c,
      `domain-${id}`,
      DOMAIN_LABELS,
      async () => {
        const domain = await getEmailDomain(c.var.db, project.id, id);
        const checked = await verifyEmailDomain(c.var.db, c.env.DOH_RESOLVER_URL || DEFAULT_DOH_RESOLVER, domain);
        return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, {
          kind: checked.state === "verified" ? "notice" : "warning",
          message: checked.state === "verified" ? `${checked.domain} is verified.` : `${checked.domain} is not verified yet: its DNS records were not found. DNS changes can take a while.`,
        });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains/:email_domain_id/delete", async (c) => {
    const project = await projectOf(c);
    const id = c.req.param("email_domain_id");
    if (!isId("emailDomain", id)) throw notFound("email_domain", id);
    // TODO(commands): the platform engineer's deleteEmailDomain command.
    await coordinate(c.env, project.id, "delete_email_domain", { teamId: c.var.team.id, projectId: project.id, actor: c.var.caller.clientId, id });
    return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, { message: "Email domain deleted." });
  })

  // ---- An environment ----------------------------------------------------------------------------------
  .get("/teams/:team_id/environments/:environment_id", async (c) => keysPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/applications", async (c) => applicationsPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/branding", async (c) => brandingPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/connections", async (c) => connectionsPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/organizations", async (c) => organizationsPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/users", async (c) => usersPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/webhooks", async (c) => webhooksPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/events", async (c) => eventsPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/settings", async (c) => settingsPage(c, c.var.team, await environmentOf(c)))
  .post("/teams/:team_id/environments/:environment_id/api_keys", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "key",
      KEY_LABELS,
      async (f) => {
        const date = text(f, "expires_at");
        // A date picker's day: the key works until the end of that day (UTC).
        const input = check(CreateApiKey, { name: text(f, "name"), expires_at: date ? `${date}T23:59:59.999Z` : undefined });
        if (input.expires_at && input.expires_at <= new Date().toISOString())
          throw new ApiError("validation_failed", "expires_at must be in the future.", { errors: [{ field: "expires_at", code: "out_of_range", message: "must be in the future." }] });
        // TODO(commands): the platform engineer's mintApiKey command.
        const { key, value } = await mintApiKey(c.var.db, c.var.caller.clientId, c.var.team, env, { name: input.name, expires_at: input.expires_at ?? undefined });
        return done(c, environmentUrl(c.var.team, env), { message: `Secret key ${key.name} created. Copy it now: it won't be shown again.`, secret: value });
      },
      (s) => keysPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/api_keys/:key_id/expire", async (c) => {
    const env = await environmentOf(c);
    const keyId = c.req.param("key_id");
    if (!isId("apiKey", keyId)) throw notFound("api_key", keyId);
    // TODO(commands): the platform engineer's expireApiKey command.
    await expireApiKey(c.var.db, c.var.caller.clientId, c.var.team, env.id, keyId);
    return done(c, environmentUrl(c.var.team, env), { message: "Key expired: requests with it are refused from now on." });
  })
  .post("/teams/:team_id/environments/:environment_id/applications", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "app",
      APPLICATION_LABELS,
      async (f) => {
        const input = check(CreateApplication, { name: text(f, "name"), type: text(f, "type"), redirect_uris: lines(text(f, "redirect_uris")) });
        // TODO(commands): the platform engineer's createApplication command.
        const app = await createApplication(c.var.db, env, input);
        return done(c, `${environmentUrl(c.var.team, env)}/applications`, { message: `Application ${app.name} added.` });
      },
      (s) => applicationsPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/applications/:application_id", async (c) => {
    const env = await environmentOf(c);
    const id = c.req.param("application_id");
    if (!isId("application", id)) throw notFound("application", id);
    return attempt(
      c,
      `app-${id}`,
      APPLICATION_LABELS,
      async (f) => {
        const patch = check(UpdateApplication, { name: text(f, "name"), type: text(f, "type"), redirect_uris: lines(text(f, "redirect_uris")) });
        // TODO(commands): the platform engineer's updateApplication command.
        const app = await updateApplication(c.var.db, env, id, patch);
        return done(c, `${environmentUrl(c.var.team, env)}/applications`, { message: `Application ${app.name} saved.` });
      },
      (s) => applicationsPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/applications/:application_id/delete", async (c) => {
    const env = await environmentOf(c);
    const id = c.req.param("application_id");
    if (!isId("application", id)) throw notFound("application", id);
    return attempt(
      c,
      `app-${id}`,
      APPLICATION_LABELS,
      async () => {
        // TODO(commands): the platform engineer's deleteApplication command.
        await deleteApplication(c.var.db, env.id, id);
        return done(c, `${environmentUrl(c.var.team, env)}/applications`, { message: "Application deleted." });
      },
      (s) => applicationsPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/branding", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "branding",
      BRANDING_LABELS,
      async (f) => {
        // Empty inputs mean "the default".
        const input = check(
          BrandingInput,
          Object.fromEntries(Object.entries(f).filter(([, value]) => typeof value === "string" && value.trim() !== "")),
        );
        // TODO(commands): the platform engineer's putBranding command.
        await putBranding(c.var.db, c.var.caller.clientId, c.var.team.id, env.id, input);
        return done(c, `${environmentUrl(c.var.team, env)}/branding`, { message: "Branding saved." });
      },
      (s) => brandingPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/branding/copy", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "copy",
      BRANDING_LABELS,
      async (f) => {
        if (text(f, "confirm") !== "yes")
          throw new ApiError("validation_failed", "Confirm the copy.", { errors: [{ field: "confirm", code: "required", message: "must be ticked: the copy replaces this environment's branding." }] });
        const { source_environment_id } = check(CopyBranding, { source_environment_id: text(f, "source_environment_id") });
        const source = await getEnvironment(c.var.db, c.var.team.id, source_environment_id);
        const sourceProject = await getProject(c.var.db, c.var.team.id, source.projectId);
        // TODO(commands): the platform engineer's copyBranding command.
        await copyBranding(c.var.db, c.var.caller.clientId, c.var.team.id, env.id, source.id);
        return done(c, `${environmentUrl(c.var.team, env)}/branding`, { message: `Branding copied from ${source.name} (project ${sourceProject.name}).` });
      },
      (s) => brandingPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/connections", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "connection",
      CONNECTION_LABELS,
      async (f) => {
        const input = check(CreateConnection, { organization_id: text(f, "organization_id"), connection_type: text(f, "connection_type"), name: text(f, "name") });
        // TODO(commands): the platform engineer's createConnection command.
        const conn = await createConnection(environmentScope(c, env), input);
        return done(c, `${environmentUrl(c.var.team, env)}/connections`, { message: `Connection ${conn.name} created.` });
      },
      (s) => connectionsPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/rename", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "rename",
      ENVIRONMENT_LABELS,
      async (f) => {
        const { name } = check(PatchEnvironment, { name: text(f, "name") });
        // TODO(commands): the platform engineer's renameEnvironment command.
        await renameEnvironment(c.var.db, c.var.caller.clientId, c.var.team, env.id, name!);
        return done(c, `${environmentUrl(c.var.team, env)}/settings`, { message: `Environment renamed to ${name}.` });
      },
      (s) => settingsPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/delete", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "delete",
      ENVIRONMENT_LABELS,
      async () => {
        await deleteEnvironment(c, env.id);
        return done(c, projectUrl(c.var.team, { id: env.projectId }), { message: `Environment ${env.name} deleted.` });
      },
      (s) => settingsPage(c, c.var.team, env, s),
    );
  })
  .all("*", () => {
    throw new ApiError("not_found", "There is no such page.");
  });

// Errors render as pages here, not JSON: a person is reading.
dashboard.onError((err, c) => {
  const known =
    err instanceof ApiError
      ? err
      : err instanceof HTTPException
        ? new ApiError(err.status === 401 ? "unauthorized" : err.status === 403 ? "forbidden" : err.status === 404 ? "not_found" : "bad_request", err.message || undefined)
        : undefined;
  if (!known) console.error(JSON.stringify({ request_id: c.var.requestId, error: String(err), stack: (err as Error)?.stack }));
  const status = known?.status ?? 500;
  const message = known?.message ?? `Something went wrong on our side. Request id: ${c.var.requestId}.`;
  const title = status === 404 ? "Not found" : status >= 500 ? "Something went wrong" : "This can't be done";
  return renderSolo(
    c,
    title,
    <>
      <h1>{title}</h1>
      <ErrorBox message={message} />
      <p>
        <a href="/dashboard">Back to your teams</a>
      </p>
    </>,
    { signedIn: !!c.var.caller, status: status as 404 },
  );
});
