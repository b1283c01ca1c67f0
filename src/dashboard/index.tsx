import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { jsxRenderer } from "hono/jsx-renderer";
import * as v from "valibot";
import { authorize } from "../auth/permissions";
import * as apiKeys from "../commands/api-keys";
import * as applications from "../commands/applications";
import * as branding from "../commands/branding";
import * as connections from "../commands/connections";
import * as emailDomains from "../commands/email-domains";
import * as environments from "../commands/environments";
import * as featureFlags from "../commands/feature-flags";
import * as projects from "../commands/projects";
import type { ProjectScope, TeamEnvironmentScope } from "../commands/scope";
import * as teams from "../commands/teams";
import { createProjectByTransfer, transferIntoExistingProject } from "../commands/transfers";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { createRouter } from "../lib/router";
import { callerScope, teamScope } from "../middleware/command-scope";
import { loadTeam, projectOf } from "../middleware/path-resources";
import { CreateApiKey } from "../schemas/api-keys";
import { CreateApplication, UpdateApplication } from "../schemas/applications";
import { BrandingInput, CopyBranding } from "../schemas/branding";
import { CreateConnection } from "../schemas/connections";
import { AddEmailDomain } from "../schemas/email-domains";
import { CreateEnvironment, PatchEnvironment } from "../schemas/environments";
import { CreateFlag, UpdateFlag } from "../schemas/feature-flags";
import { Name } from "../schemas/fields";
import { CreateProject, PatchProject } from "../schemas/projects";
import { Billing, CreateTeam } from "../schemas/teams";
import { TransferIntoExisting, TransferPreview } from "../schemas/transfers";
import { type EnvironmentRow, getEnvironment, productionRequiresBilling } from "../services/environments";
import { getEnvFlag, setEnvFlagEnabled } from "../services/feature-flags";
import { getProject, type ProjectRow } from "../services/projects";
import { getBilling, productionLocked } from "../services/teams";
import { previewTransfer } from "../services/transfers";
import { check, commas, done, type Form, type FormState, formOf, type Labels, lines, list, stateOf, text } from "./forms";
import { Card, Document, ErrorBox, FAVICON_SVG, TopBar } from "./layout";
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
import { chooseEnvironmentsPage, NEW_PROJECT_LABELS, newProjectPage, reviewPage, type Wizard } from "./pages/new-project";
import { ENVIRONMENT_LABELS, PROJECT_LABELS, projectPage } from "./pages/project";
import { DOMAIN_LABELS, FLAG_LABELS, projectConfigPage } from "./pages/project-config";
import { activityPage, teamPage, transfersPage } from "./pages/team";
import { TEAM_LABELS, teamsPage } from "./pages/teams";
import { peopleDashboard } from "./people";
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
/**
 * The billing forms (the whole of it, the email alone, the card alone): the API's one schema and command, with
 * what the form leaves out (`keep`) taken from the billing as it is.
 */
function saveBilling(c: Context<AppEnv>, form: string, keep: "nothing" | "card" | "email", message: string) {
  return attempt(
    c,
    form,
    BILLING_LABELS,
    async (f) => {
      const current = keep === "nothing" ? undefined : await getBilling(c.var.db, c.var.team);
      const input = check(Billing, {
        billing_email: keep === "email" && current ? current.billingEmail : text(f, "billing_email"),
        payment_method: keep === "card" && current ? current.paymentMethod : text(f, "payment_method"),
      });
      await teams.putBilling(teamScope(c), input);
      return done(c, `${teamUrl(c.var.team)}/billing`, { message });
    },
    (s) => billingPage(c, c.var.team, s),
  );
}

async function attempt(
  c: Context<AppEnv>,
  form: string,
  labels: Labels,
  run: (values: Form) => Promise<Response>,
  page: (state: FormState) => Promise<Response>,
) {
  const values = await formOf(c);
  try {
    return await run(values);
  } catch (err) {
    return page(stateOf(form, values, err, labels));
  }
}

/** The scope of a write to one project, or one environment, of the path's team (src/commands/scope.ts). */
const inProject = (c: Context<AppEnv>, project: ProjectRow): ProjectScope => ({ ...teamScope(c), project });
const inEnvironment = (c: Context<AppEnv>, environment: EnvironmentRow): TeamEnvironmentScope => ({
  ...teamScope(c),
  environment,
});

/** The wizard's choices from a query or a form. */
const wizardOf = (get: (k: string) => string, all: (k: string) => string[]): Wizard => ({
  name: get("name"),
  source_project_id: get("source_project_id") || undefined,
  destination_project_id: get("destination_project_id") || undefined,
  configuration: get("configuration") === "copy" ? "copy" : undefined,
  environment_ids: all("environment_ids").slice(0, 50),
});

/** The new project's name, as the API's CreateProject checks it. */
const NamedProject = v.object({ name: Name });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const dashboard = createRouter()
  .use(csrf())
  // No external assets; inline script and style only.
  .use(async (c, next) => {
    await next();
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    );
    c.header("X-Content-Type-Options", "nosniff");
  })
  // Pages rendered with `c.render` (e.g. the people pages) get the same document, bar and landmarks.
  .use(
    jsxRenderer(({ children, title, signedIn }) => (
      <Document title={title}>
        <TopBar signedIn={signedIn} />
        <main id="main" class="solo" tabindex={-1}>
          {children}
        </main>
      </Document>
    )),
  )
  .get("/favicon.svg", (c) =>
    c.body(FAVICON_SVG, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }),
  )
  .get("/sign-in", (c) =>
    renderSolo(
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
    ),
  )
  .post("/sign-in", async (c) => {
    const form = await formOf(c);
    return c.redirect(
      (await signIn(c, text(form, "client_id").trim(), text(form, "client_secret")))
        ? "/dashboard"
        : "/dashboard/sign-in?failed=1",
      303,
    );
  })
  .post("/sign-out", async (c) => {
    await signOut(c);
    return c.redirect("/dashboard/sign-in", 303);
  })
  .route("/", peopleDashboard)
  .use("*", requireSession)
  .use("*", authorize)
  .get("/", (c) => teamsPage(c))
  .post("/teams", (c) =>
    attempt(
      c,
      "team",
      TEAM_LABELS,
      async (f) => {
        const input = check(CreateTeam, { name: text(f, "name"), admin_email: text(f, "admin_email") });
        const team = await teams.createTeam(callerScope(c), input);
        return done(c, teamUrl(team), {
          message: `Team ${team.name} created, with a Default project holding Staging and Production.`,
        });
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
  .post("/teams/:team_id/billing", (c) => saveBilling(c, "billing", "nothing", "Billing saved: production is active."))
  .post("/teams/:team_id/billing/email", (c) => saveBilling(c, "billing-email", "card", "Billing email saved."))
  .post("/teams/:team_id/billing/card", (c) => saveBilling(c, "billing-card", "email", "Card replaced."))

  // ---- New project: from scratch, or the transfer wizard ----------------------------------------------
  .get("/teams/:team_id/projects/new", (c) => newProjectPage(c, c.var.team))
  .post("/teams/:team_id/projects", (c) =>
    attempt(
      c,
      "scratch",
      NEW_PROJECT_LABELS,
      async (f) => {
        const input = check(CreateProject, { name: text(f, "name"), production: text(f, "production") === "yes" });
        const { project } = await projects.createProject(teamScope(c), { name: input.name, production: input.production });
        return done(c, projectUrl(c.var.team, project), { message: `Project ${project.name} created.` });
      },
      (s) => newProjectPage(c, c.var.team, s),
    ),
  )
  .get("/teams/:team_id/projects/new/transfer", async (c) => {
    const w = wizardOf(
      (k) => c.req.query(k) ?? "",
      (k) => c.req.queries(k) ?? [],
    );
    const existing = c.req.query("destination") === "existing" || (!c.req.query("destination") && !!w.destination_project_id);
    const values = {
      name: w.name,
      source_project_id: w.source_project_id ?? "",
      destination_project_id: w.destination_project_id ?? "",
    };
    try {
      if (!w.source_project_id || !isId("project", w.source_project_id))
        throw new ApiError("validation_failed", "Choose a source project.", {
          errors: [{ field: "source_project_id", code: "required", message: "must be chosen." }],
        });
      const source = await getProject(c.var.db, c.var.team.id, w.source_project_id);
      if (existing) {
        // The API's own schema for a move into an existing project.
        check(TransferIntoExisting, {
          source_project_id: source.id,
          destination_project_id: w.destination_project_id ?? "",
          environment_ids: [],
        });
        const destination = await getProject(c.var.db, c.var.team.id, w.destination_project_id!);
        return chooseEnvironmentsPage(c, c.var.team, source, { ...w, name: "" }, `the existing project ${destination.name}`);
      }
      const { name } = check(NamedProject, { name: w.name });
      return chooseEnvironmentsPage(
        c,
        c.var.team,
        source,
        { ...w, name, destination_project_id: undefined },
        `the new project ${name}`,
      );
    } catch (err) {
      return newProjectPage(c, c.var.team, stateOf("transfer-start", values, err, NEW_PROJECT_LABELS));
    }
  })
  .get("/teams/:team_id/projects/new/review", async (c) => {
    const w = wizardOf(
      (k) => c.req.query(k) ?? "",
      (k) => c.req.queries(k) ?? [],
    );
    if (!w.destination_project_id) w.name = check(NamedProject, { name: w.name }).name;
    const input = check(TransferPreview, {
      source_project_id: w.source_project_id ?? "",
      environment_ids: w.environment_ids,
      destination_project_id: w.destination_project_id,
      configuration: w.configuration,
    });
    return reviewPage(c, c.var.team, w, await previewTransfer(c.var.db, c.var.team, input));
  })
  .post("/teams/:team_id/projects/transfer", async (c) => {
    const f = await formOf(c);
    const started = new Date().toISOString();
    const w = wizardOf(
      (k) => text(f, k),
      (k) => list(f, k),
    );
    const token = text(f, "idempotency_token");
    const request = {
      source_project_id: w.source_project_id ?? "",
      environment_ids: w.environment_ids ?? [],
      acknowledge: text(f, "acknowledge") === "yes",
      preview_token: text(f, "preview_token") || undefined,
      configuration: w.configuration,
    };
    // One token per review page: the same token again is the Idempotency-Key path, which replays the first transfer.
    const idempotency_key = UUID.test(token) ? `dashboard:${token}` : undefined;
    try {
      const scope = teamScope(c);
      const result = w.destination_project_id
        ? await transferIntoExistingProject(scope, {
            ...check(TransferIntoExisting, { ...request, destination_project_id: w.destination_project_id }),
            idempotency_key,
          })
        : await createProjectByTransfer(scope, {
            ...check(CreateProject, { name: w.name, transfer: request }).transfer!,
            name: check(NamedProject, { name: w.name }).name,
            idempotency_key,
          });
      const names = result.environments.map((e) => e.name).join(", ");
      // A replay answers the record of the first transfer: it was written before this request began.
      if (result.record.createdAt < started)
        return done(c, projectUrl(c.var.team, result.project), {
          kind: "warning",
          message: `This transfer already happened (${result.record.createdAt.replace("T", " ").slice(0, 16)} UTC): ${names} moved into ${result.project.name} then. Nothing was moved again.`,
        });
      return done(c, projectUrl(c.var.team, result.project), {
        message: `Transferred ${names} into ${w.destination_project_id ? "" : "the new project "}${result.project.name}.`,
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const known =
        err.code === "transfer_requires_acknowledgement"
          ? new ApiError(err.code, err.message, {
              errors: [{ field: "acknowledge", code: "required", message: "must be ticked: a transfer can't be undone." }],
            })
          : err;
      const preview = await previewTransfer(c.var.db, c.var.team, {
        source_project_id: request.source_project_id,
        environment_ids: request.environment_ids,
        destination_project_id: w.destination_project_id,
        configuration: w.configuration,
      });
      return reviewPage(c, c.var.team, w, preview, stateOf("transfer", f, known, NEW_PROJECT_LABELS));
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
        await projects.updateProject(inProject(c, project), { name });
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
        await projects.deleteProject(inProject(c, project));
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
        const input = check(CreateEnvironment, {
          name: text(f, "name"),
          production: text(f, "kind") === "production",
          project_id: project.id,
        });
        if (input.production && productionLocked(c.var.team))
          throw new ApiError(productionRequiresBilling().code, undefined, {
            errors: [{ field: "production", code: "locked", message: "is unavailable until the team adds billing information." }],
          });
        const created = await environments.createEnvironment(teamScope(c), input);
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
        await featureFlags.createFeatureFlag(inProject(c, project), input);
        return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, {
          message: `Feature flag ${input.slug} created.`,
        });
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
        await featureFlags.updateFeatureFlag(inProject(c, project), { slug, ...patch });
        return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, { message: `Feature flag ${slug} saved.` });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/feature_flags/:slug/delete", async (c) => {
    const project = await projectOf(c);
    const slug = c.req.param("slug");
    await featureFlags.deleteFeatureFlag(inProject(c, project), { slug });
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
    return done(c, `${projectUrl(c.var.team, project)}/config#feature-flags`, {
      message: `${flag.slug} is ${enabled ? "on" : "off"} in ${env.name}.`,
    });
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains", async (c) => {
    const project = await projectOf(c);
    return attempt(
      c,
      "domain",
      DOMAIN_LABELS,
      async (f) => {
        const { domain } = check(AddEmailDomain, { domain: text(f, "domain").trim() });
        await emailDomains.addEmailDomain(inProject(c, project), { domain });
        return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, {
          message: `${domain} added: create its DNS records, then verify it.`,
        });
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
        const checked = await emailDomains.verifyEmailDomain(inProject(c, project), { id });
        return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, {
          kind: checked.state === "verified" ? "notice" : "warning",
          message:
            checked.state === "verified"
              ? `${checked.domain} is verified.`
              : `${checked.domain} is not verified yet: its DNS records were not found. DNS changes can take a while.`,
        });
      },
      (s) => projectConfigPage(c, c.var.team, project, s),
    );
  })
  .post("/teams/:team_id/projects/:project_id/config/email_domains/:email_domain_id/delete", async (c) => {
    const project = await projectOf(c);
    const id = c.req.param("email_domain_id");
    if (!isId("emailDomain", id)) throw notFound("email_domain", id);
    await emailDomains.deleteEmailDomain(inProject(c, project), { id });
    return done(c, `${projectUrl(c.var.team, project)}/config#email-domains`, { message: "Email domain deleted." });
  })

  // ---- An environment ----------------------------------------------------------------------------------
  .get("/teams/:team_id/environments/:environment_id", async (c) => keysPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/applications", async (c) =>
    applicationsPage(c, c.var.team, await environmentOf(c)),
  )
  .get("/teams/:team_id/environments/:environment_id/branding", async (c) => brandingPage(c, c.var.team, await environmentOf(c)))
  .get("/teams/:team_id/environments/:environment_id/connections", async (c) =>
    connectionsPage(c, c.var.team, await environmentOf(c)),
  )
  .get("/teams/:team_id/environments/:environment_id/organizations", async (c) =>
    organizationsPage(c, c.var.team, await environmentOf(c)),
  )
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
        const { key, value } = await apiKeys.createApiKey(inEnvironment(c, env), input);
        return done(c, environmentUrl(c.var.team, env), {
          message: `Secret key ${key.name} created. Copy it now: it won't be shown again.`,
          secret: value,
        });
      },
      (s) => keysPage(c, c.var.team, env, s),
    );
  })
  .post("/teams/:team_id/environments/:environment_id/api_keys/:key_id/expire", async (c) => {
    const env = await environmentOf(c);
    await apiKeys.expireApiKey(inEnvironment(c, env), { id: c.req.param("key_id") });
    return done(c, environmentUrl(c.var.team, env), { message: "Key expired: requests with it are refused from now on." });
  })
  .post("/teams/:team_id/environments/:environment_id/applications", async (c) => {
    const env = await environmentOf(c);
    return attempt(
      c,
      "app",
      APPLICATION_LABELS,
      async (f) => {
        const input = check(CreateApplication, {
          name: text(f, "name"),
          type: text(f, "type"),
          redirect_uris: lines(text(f, "redirect_uris")),
        });
        const app = await applications.createApplication(inEnvironment(c, env), input);
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
        const patch = check(UpdateApplication, {
          name: text(f, "name"),
          type: text(f, "type"),
          redirect_uris: lines(text(f, "redirect_uris")),
        });
        const app = await applications.updateApplication(inEnvironment(c, env), { id, ...patch });
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
        await applications.deleteApplication(inEnvironment(c, env), { id });
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
        await branding.putBranding(inEnvironment(c, env), input);
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
          throw new ApiError("validation_failed", "Confirm the copy.", {
            errors: [
              { field: "confirm", code: "required", message: "must be ticked: the copy replaces this environment's branding." },
            ],
          });
        const { source_environment_id } = check(CopyBranding, { source_environment_id: text(f, "source_environment_id") });
        const source = await getEnvironment(c.var.db, c.var.team.id, source_environment_id);
        const sourceProject = await getProject(c.var.db, c.var.team.id, source.projectId);
        await branding.copyBranding(inEnvironment(c, env), { source_environment_id: source.id });
        return done(c, `${environmentUrl(c.var.team, env)}/branding`, {
          message: `Branding copied from ${source.name} (project ${sourceProject.name}).`,
        });
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
        const input = check(CreateConnection, {
          organization_id: text(f, "organization_id"),
          connection_type: text(f, "connection_type"),
          name: text(f, "name"),
        });
        const conn = await connections.createConnection(inEnvironment(c, env), input);
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
        await environments.updateEnvironment(inEnvironment(c, env), { name });
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
        await environments.deleteEnvironment(inEnvironment(c, env));
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
        ? new ApiError(
            err.status === 401
              ? "unauthorized"
              : err.status === 403
                ? "forbidden"
                : err.status === 404
                  ? "not_found"
                  : "bad_request",
            err.message || undefined,
          )
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
