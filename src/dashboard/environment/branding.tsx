import type { Context } from "hono";
import * as branding from "../../commands/branding";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { BrandingInput, CopyBranding } from "../../schemas/branding";
import { DEFAULT_BRANDING, getBranding } from "../../services/branding";
import { firstEnvironmentsOfProjects, getEnvironment } from "../../services/environments";
import { firstProjects, getProject } from "../../services/projects";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Field, FormError } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, shownEnvironment } from "./frame";

const BRANDING_LABELS = {
  logo_url: "Logo URL",
  icon_url: "Icon URL",
  primary_color: "Primary colour",
  background_color: "Background colour",
  text_color: "Text colour",
  theme: "Theme",
  font: "Font",
  display_name: "Display name",
  custom_css: "Custom CSS",
  source_environment_id: "Source environment",
};

/** The branding, and the environments it may be copied from: the first ones of the team's first projects (never all). */
async function loadBranding(c: Context<AppEnv>) {
  const env = shownEnvironment(c);
  const [current, projects] = await Promise.all([getBranding(c.var.db, env.id), firstProjects(c.var.db, c.var.team.id, 10)]);
  const envsOf = await firstEnvironmentsOfProjects(
    c.var.db,
    c.var.team,
    projects.data.map((p) => p.id),
    10,
  );
  const sources = projects.data.map((project, i) => ({ project, envs: envsOf[i].data.filter((e) => e.id !== env.id) }));
  return { env, branding: current, sources, base: `${environmentUrl(c.var.team, env)}/branding` };
}

type Branding = Awaited<ReturnType<typeof loadBranding>>;

/** The branding form: colour pickers with a live preview; what was typed kept after a refusal. */
function BrandingForm({ data, state }: { data: Branding; state?: FormState }) {
  const { branding, env, base } = data;
  const mine = state?.form === "branding";
  const val = (k: keyof typeof branding) => {
    const typed = mine ? state?.values[k] : undefined;
    return typeof typed === "string" ? typed : String(branding[k] ?? "");
  };
  const color = (name: "primary_color" | "background_color" | "text_color", label: string) => {
    const error = mine ? state?.errors[name] : undefined;
    const v = /^#[0-9A-Fa-f]{6}$/.test(val(name)) ? val(name) : DEFAULT_BRANDING[name];
    return (
      <div>
        <label for={`branding-${name}`}>{label}</label>
        <input
          type="color"
          id={`branding-${name}`}
          name={name}
          value={v.toLowerCase()}
          aria-invalid={error ? "true" : undefined}
        />{" "}
        <code>{v.toUpperCase()}</code>
        {error && <p class="field-error">{error}</p>}
      </div>
    );
  };
  return (
    <Card title="Branding" id="branding">
      <p class="muted">The hosted sign-in pages of {env.name} use these. Empty fields use the defaults.</p>
      <FormError form="branding" state={state} />
      <form method="post" action={base}>
        <div class="grid2">
          <div>
            {color("primary_color", "Primary colour")}
            {color("background_color", "Background colour")}
            {color("text_color", "Text colour")}
            <Field
              form="branding"
              name="display_name"
              label="Display name"
              value={val("display_name")}
              state={state}
              maxlength={100}
            />
            <Field
              form="branding"
              name="theme"
              label="Theme"
              value={val("theme")}
              state={state}
              options={[
                { value: "system", label: "System" },
                { value: "light", label: "Light" },
                { value: "dark", label: "Dark" },
              ]}
            />
            <Field form="branding" name="font" label="Font" value={val("font")} state={state} maxlength={100} />
            <Field
              form="branding"
              name="logo_url"
              label="Logo URL"
              type="url"
              value={val("logo_url")}
              state={state}
              hint="https only."
            />
            <Field
              form="branding"
              name="icon_url"
              label="Icon URL"
              type="url"
              value={val("icon_url")}
              state={state}
              hint="https only."
            />
            <Field form="branding" name="custom_css" label="Custom CSS" rows={4} value={val("custom_css")} state={state} />
          </div>
          <div>
            <h3 id="preview-title">Preview</h3>
            <div
              id="branding-preview"
              class="preview"
              style={`background:var(--background_color,${branding.background_color});color:var(--text_color,${branding.text_color})`}
            >
              <p style="margin-top:0">
                <strong class="name">{branding.display_name ?? "Your app"}</strong>
              </p>
              <p>Sign in to continue</p>
              <span class="cta" style={`background:var(--primary_color,${branding.primary_color})`}>
                Continue
              </span>
            </div>
          </div>
        </div>
        <div class="row">
          <button type="submit">Save branding</button>
        </div>
      </form>
    </Card>
  );
}

/** A copy from another environment, naming each source's project. */
function CopyForm({ data, state }: { data: Branding; state?: FormState }) {
  const { sources, env, base } = data;
  return (
    <Card title="Copy branding from another environment" id="copy-branding">
      <FormError form="copy" state={state} />
      {sources.every((g) => g.envs.length === 0) ? (
        <p class="muted">No other environment to copy from.</p>
      ) : (
        <form method="post" action={`${base}/copy`}>
          <label for="copy-source">Source environment</label>
          <select id="copy-source" name="source_environment_id" required>
            {sources.map((g) =>
              g.envs.length ? (
                <optgroup label={`Project ${g.project.name}`} data-row>
                  {g.envs.map((e) => (
                    <option value={e.id} data-row>
                      {e.name} ({g.project.name}, {e.production ? "production" : "staging"})
                    </option>
                  ))}
                </optgroup>
              ) : null,
            )}
          </select>
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> Replace all of {env.name}'s branding with the source's
          </label>
          {state?.form === "copy" && state.errors.confirm && <p class="field-error">{state.errors.confirm}</p>}
          <div class="row">
            <button type="submit" class="secondary">
              Copy branding
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

async function brandingPage(c: Context<AppEnv>, state?: FormState) {
  const data = await loadBranding(c);
  return environmentFrame(
    c,
    "branding",
    <>
      <BrandingForm data={data} state={state} />
      <CopyForm data={data} state={state} />
    </>,
    state,
  );
}

const brandingUrl = (c: Context<AppEnv>) => `${environmentUrl(c.var.team, c.var.environment)}/branding`;

export const brandingTab = createRouter()
  .get(`${E}/branding`, (c) => brandingPage(c))
  .post(`${E}/branding`, (c) =>
    attempt(
      c,
      "branding",
      BRANDING_LABELS,
      async (f) => {
        // Empty inputs mean "the default".
        const input = check(
          BrandingInput,
          Object.fromEntries(Object.entries(f).filter(([, value]) => typeof value === "string" && value.trim() !== "")),
        );
        await branding.putBranding(teamEnvironmentScope(c), input);
        return done(c, brandingUrl(c), { message: "Branding saved." });
      },
      (s) => brandingPage(c, s),
    ),
  )
  .post(`${E}/branding/copy`, (c) =>
    attempt(
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
        await branding.copyBranding(teamEnvironmentScope(c), { source_environment_id: source.id });
        return done(c, brandingUrl(c), { message: `Branding copied from ${source.name} (project ${sourceProject.name}).` });
      },
      (s) => brandingPage(c, s),
    ),
  );
