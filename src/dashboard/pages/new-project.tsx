import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { type SourceEligibility, transferSourceEligibility } from "../../services/environment-summary";
import { listEnvironments } from "../../services/environments";
import { labelOf, type ProjectConfigKind } from "../../services/project-config-kinds";
import { listProjects, type ProjectRow } from "../../services/projects";
import type { TeamRow } from "../../services/teams";
import type { FormState } from "../forms";
import { Card, EnvironmentBadges, Field, FormError, Pager } from "../layout";
import { projectUrl, render, teamUrl } from "../shell";

export const NEW_PROJECT_LABELS = {
  name: "Project name",
  production: "Production",
  source_project_id: "Source project",
  destination_project_id: "Existing project",
  environment_ids: "Environments",
  configuration: "Configuration",
  acknowledge: "The acknowledgement",
};

export const CONFIG_ANCHOR: Record<ProjectConfigKind, string> = {
  feature_flags: "feature-flags",
  audit_log_schema: "audit-log-schemas",
  custom_email_domains: "email-domains",
};

/** Why a project can't be a transfer's source: always (one environment), or unless its configuration is copied. */
const sourceRefusal = (e: SourceEligibility | undefined) =>
  !e
    ? undefined
    : e.environments.length < 2
      ? { always: true, why: "It has a single environment, and a project must keep at least one." }
      : e.config.length
        ? {
            always: false,
            why: `It has project-level configuration (${e.config.map(labelOf).join(", ")}): only with “Copy project-level configuration” below.`,
          }
        : undefined;

/** A source's first environments, by name (“…” when more may follow). */
const EnvironmentNames = ({ e }: { e?: SourceEligibility }) =>
  e ? (
    <span class="muted">
      (
      {e.environments.map((env, i) => (
        <>
          {i > 0 && ", "}
          <span data-row>{env.name}</span>
        </>
      ))}
      {e.more ? ", …" : ""})
    </span>
  ) : null;

/** The wizard's choices, carried from step to step in the query (so Back keeps them). */
export interface Wizard {
  /** The new project's name (a transfer into a new project). */
  name: string;
  source_project_id?: string;
  /** An existing project of the team as the destination, instead of a new one. */
  destination_project_id?: string;
  configuration?: "copy";
  environment_ids?: string[];
}

export const wizardQuery = (q: Wizard) => {
  const p = new URLSearchParams();
  if (q.destination_project_id) p.set("destination_project_id", q.destination_project_id);
  else p.set("name", q.name);
  if (q.source_project_id) p.set("source_project_id", q.source_project_id);
  if (q.configuration) p.set("configuration", q.configuration);
  for (const id of q.environment_ids ?? []) p.append("environment_ids", id);
  return p.toString();
};

/** The hidden inputs that carry the wizard's choices through a form. */
export const Carry = ({ w }: { w: Wizard }) => (
  <>
    {w.destination_project_id ? (
      <input type="hidden" name="destination_project_id" value={w.destination_project_id} />
    ) : (
      <input type="hidden" name="name" value={w.name} />
    )}
    {w.source_project_id && <input type="hidden" name="source_project_id" value={w.source_project_id} />}
    {w.configuration && <input type="hidden" name="configuration" value={w.configuration} />}
  </>
);

/** What step 1 shows: a page of the team's projects, each marked when it can't be a source, and the choices so far. */
async function loadNewProject(c: Context<AppEnv>, team: TeamRow) {
  const projects = await listProjects(c.var.db, team, {
    limit: 25,
    order: "asc",
    after: c.req.query("after"),
    before: c.req.query("before"),
  });
  const eligibility = await transferSourceEligibility(
    c.var.db,
    team,
    projects.data.map((p) => p.id),
  );
  return {
    team,
    projects,
    eligibility,
    chosen: c.req.query("source_project_id"),
    typedName: c.req.query("name") ?? "",
    destination: c.req.query("destination") ?? (c.req.query("destination_project_id") ? "existing" : "new"),
    destinationId: c.req.query("destination_project_id") ?? "",
    copy: c.req.query("configuration") === "copy",
    billingOn: team.productionEnabledAt !== null,
  };
}

type NewProject = Awaited<ReturnType<typeof loadNewProject>>;
type Props = { data: NewProject; state?: FormState };

/** Step 1: a name, then from scratch, or by transfer out of one source project (those that can't be one marked, with why). */
export async function newProjectPage(c: Context<AppEnv>, team: TeamRow, state?: FormState) {
  const data = await loadNewProject(c, team);
  return render(
    c,
    { team, section: "new-project" },
    "New project",
    <>
      <h1>New project</h1>
      <p class="muted">A project groups environments that belong to one product, with its own project-level configuration.</p>
      <FromScratch data={data} state={state} />
      <TransferStart data={data} state={state} />
    </>,
    state?.status ?? 200,
  );
}

function FromScratch({ data, state }: Props) {
  const { team, billingOn } = data;
  return (
    <Card title="Start from scratch" id="scratch">
      <FormError form="scratch" state={state} />
      <form method="post" action={`${teamUrl(team)}/projects`}>
        <Field
          form="scratch"
          name="name"
          label="Project name"
          state={state}
          required
          maxlength={100}
          hint="Visible only to your team; you can change it any time."
        />
        <p class="hint">A Staging environment is always created.</p>
        <label class="check">
          <input type="checkbox" name="production" value="yes" checked /> Also create a Production environment
        </label>
        {!billingOn && <p class="hint">Production stays locked until you add billing information.</p>}
        <div class="row">
          <button type="submit">Create project</button>
        </div>
      </form>
    </Card>
  );
}

function TransferStart({ data, state }: Props) {
  const { team, projects, eligibility, chosen, typedName, destination, destinationId, copy } = data;
  return (
    <Card title="Transfer existing environments" id="transfer">
      <p class="muted">Move environments out of one source project into a new project, or into another existing project.</p>
      <FormError form="transfer-start" state={state} />
      <form method="get" action={`${teamUrl(team)}/projects/new/transfer`}>
        <fieldset style="border:0;padding:0;margin:.4rem 0">
          <legend style="font-weight:500">Source project</legend>
          {projects.data.map((p) => {
            const refusal = sourceRefusal(eligibility.get(p.id));
            return (
              <div data-source={p.id} data-row>
                <label class="check">
                  <input
                    type="radio"
                    name="source_project_id"
                    value={p.id}
                    required
                    disabled={refusal?.always}
                    checked={!refusal?.always && p.id === chosen}
                    aria-describedby={refusal ? `why-${p.id}` : undefined}
                  />{" "}
                  {p.name} <EnvironmentNames e={eligibility.get(p.id)} />
                </label>
                {refusal && (
                  <p class="hint" id={`why-${p.id}`} style="margin-left:1.6rem">
                    {refusal.always ? "Can't be a source: " : "A source only with a copy: "}
                    {refusal.why}{" "}
                    {eligibility.get(p.id)?.config.length ? (
                      <a href={`${projectUrl(team, p)}/config`}>See its configuration</a>
                    ) : null}
                  </p>
                )}
              </div>
            );
          })}
          {state?.form === "transfer-start" && state.errors.source_project_id && (
            <p class="field-error">{state.errors.source_project_id}</p>
          )}
        </fieldset>
        <Pager base={`${teamUrl(team)}/projects/new`} meta={projects.list_metadata} />
        <fieldset style="border:0;padding:0;margin:.8rem 0">
          <legend style="font-weight:500">Destination</legend>
          <label class="check">
            <input type="radio" name="destination" value="new" checked={destination !== "existing"} /> A new project
          </label>
          <Field form="transfer-start" name="name" label="New project name" value={typedName} state={state} maxlength={100} />
          <label class="check">
            <input type="radio" name="destination" value="existing" checked={destination === "existing"} /> An existing project
          </label>
          <Field
            form="transfer-start"
            name="destination_project_id"
            label="Existing project"
            value={destinationId}
            state={state}
            options={[{ value: "", label: "Choose a project" }, ...projects.data.map((p) => ({ value: p.id, label: p.name }))]}
          />
        </fieldset>
        <label class="check">
          <input type="checkbox" name="configuration" value="copy" checked={copy} aria-describedby="copy-hint" /> Copy
          project-level configuration
        </label>
        <p class="hint" id="copy-hint">
          Feature flags, Audit Logs schemas and custom email domains of the source are copied into the destination (identical ones
          are reused).
        </p>
        <div class="row">
          <button type="submit">Choose environments</button>
        </div>
      </form>
    </Card>
  );
}

/** Step 2: the source's environments to pick from (the choices kept when coming back). */
export async function chooseEnvironmentsPage(
  c: Context<AppEnv>,
  team: TeamRow,
  source: ProjectRow,
  w: Wizard,
  into: string,
  state?: FormState,
) {
  const chosen = w.environment_ids ?? [];
  const envs = await listEnvironments(c.var.db, team, { limit: 50, order: "asc", project_id: source.id });
  const picked = new Set(chosen);
  return render(
    c,
    { team, section: "new-project" },
    "Choose environments",
    <>
      <h1>Choose environments to transfer</h1>
      <p>
        From <strong>{source.name}</strong> into {into}
        {w.configuration === "copy" ? ", copying its project-level configuration" : ""}.
      </p>
      <FormError form="choose" state={state} />
      <Card>
        <form method="get" action={`${teamUrl(team)}/projects/new/review`}>
          <Carry w={w} />
          <fieldset style="border:0;padding:0;margin:0">
            <legend>Environments of {source.name}</legend>
            {envs.data.map((e) => (
              <label class="check" data-row>
                <input type="checkbox" name="environment_ids" value={e.id} checked={picked.has(e.id)} /> {e.name}
                <EnvironmentBadges production={e.production} locked={e.locked} />
              </label>
            ))}
          </fieldset>
          <p class="hint">{source.name} must keep at least one environment.</p>
          <div class="row">
            <a
              class="button secondary"
              href={`${teamUrl(team)}/projects/new?${wizardQuery({ ...w, environment_ids: [] })}${w.destination_project_id ? "&destination=existing" : ""}#transfer`}
            >
              Back
            </a>
            <button type="submit">Review transfer</button>
          </div>
        </form>
      </Card>
    </>,
    state?.status ?? 200,
  );
}
