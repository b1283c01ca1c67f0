import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { listEnvironments } from "../../services/environments";
import { labelOf, uncopyableConfigOf } from "../../services/project-config-kinds";
import type { ProjectRow } from "../../services/projects";
import type { TeamRow } from "../../services/teams";
import type { FormState } from "../forms";
import { Card, Confirm, EnvironmentBadges, Field, FormError, Id, Pager } from "../layout";
import { environmentUrl, loadNav, projectUrl, render, teamUrl } from "../shell";

export const PROJECT_LABELS = { name: "Project name" };
export const ENVIRONMENT_LABELS = { name: "Name", production: "Production", project_id: "Project" };

/** What a project's page shows: a page of its environments, the sidebar's rows, its uncopyable configuration. */
async function loadProject(c: Context<AppEnv>, team: TeamRow, project: ProjectRow) {
  const [envs, nav, config] = await Promise.all([
    listEnvironments(c.var.db, team, {
      limit: 50,
      order: "asc",
      project_id: project.id,
      after: c.req.query("after"),
      before: c.req.query("before"),
    }),
    loadNav(c, { team, project }),
    uncopyableConfigOf(c.var.db, project.id),
  ]);
  return {
    team,
    project,
    envs,
    nav,
    config,
    base: projectUrl(team, project),
    // The sidebar lists the team's first projects: it tells whether this is the last one.
    lastProject: nav.projects.data.length < 2,
    billingOn: team.productionEnabledAt !== null,
  };
}

type Project = Awaited<ReturnType<typeof loadProject>>;
type Props = { data: Project; state?: FormState };

/** A project: its environments (staging and production), its configuration, adding environments, rename, delete. */
export async function projectPage(c: Context<AppEnv>, team: TeamRow, project: ProjectRow, state?: FormState) {
  const data = await loadProject(c, team, project);
  return render(
    c,
    { team, project, nav: data.nav },
    project.name,
    <>
      <h1>{project.name}</h1>
      <p>
        <Id value={project.id} label="Project id" />
      </p>
      <Environments data={data} />
      <AddEnvironment data={data} state={state} />
      <Configuration data={data} />
      <Settings data={data} state={state} />
    </>,
    state?.status ?? 200,
  );
}

const Group = ({ title, list, id, team }: { title: string; list: Project["envs"]["data"]; id: string; team: TeamRow }) => (
  <section aria-labelledby={id}>
    <h3 id={id}>{title}</h3>
    {list.length === 0 ? (
      <p class="muted">None.</p>
    ) : (
      <ul class="plain">
        {list.map((e) => (
          <li data-environment={e.id} data-row>
            <a href={environmentUrl(team, e)}>
              <strong>{e.name}</strong>
            </a>
            <EnvironmentBadges production={e.production} locked={e.locked} />
            <br />
            <Id value={e.client_id} label="Client id" />
          </li>
        ))}
      </ul>
    )}
  </section>
);

function Environments({ data }: Props) {
  const { team, project, envs, base } = data;
  return (
    <Card title="Environments" id="environments">
      <div class="grid2">
        <Group title="Staging" list={envs.data.filter((e) => !e.production)} id="staging-title" team={team} />
        <Group title="Production" list={envs.data.filter((e) => e.production)} id="production-title" team={team} />
      </div>
      <Pager base={base} meta={envs.list_metadata} />
      <div class="row">
        <a class="button secondary" href={`${teamUrl(team)}/projects/new?source_project_id=${project.id}#transfer`}>
          Transfer environments to a new project…
        </a>
      </div>
    </Card>
  );
}

function AddEnvironment({ data, state }: Props) {
  const { team, base, billingOn } = data;
  return (
    <Card title="Add an environment" id="add-environment">
      <FormError form="environment" state={state} />
      <form method="post" action={`${base}/environments`}>
        <Field form="environment" name="name" label="Name" state={state} required maxlength={100} placeholder="Development" />
        <fieldset style="border:0;padding:0;margin:.6rem 0">
          <legend style="font-weight:500">Kind</legend>
          <label class="check">
            <input type="radio" name="kind" value="staging" checked /> Staging — free, for building and testing.
          </label>
          <label class="check">
            <input type="radio" name="kind" value="production" disabled={!billingOn} aria-describedby="production-rule" />{" "}
            Production — serves real users, billed by usage.
          </label>
          <p class="hint" id="production-rule">
            {billingOn ? (
              "Production environments require https redirect URIs and mint sk_live_ keys."
            ) : (
              <>
                Production is unavailable while billing is inactive: <a href={`${teamUrl(team)}/billing`}>add billing</a> to
                unlock it.
              </>
            )}
          </p>
          {state?.form === "environment" && state.errors.production && <p class="field-error">{state.errors.production}</p>}
        </fieldset>
        <button type="submit">Add environment</button>
      </form>
    </Card>
  );
}

function Configuration({ data }: Props) {
  const { project, config, base } = data;
  return (
    <Card title="Project-level configuration" id="configuration">
      <p>Feature flags, Audit Logs schemas and custom email domains are shared by every environment of {project.name}.</p>
      {config.length ? (
        <p class="warning">
          This project has {config.map(labelOf).join(", ")}: its environments can't be transferred out until that configuration
          can be copied.
        </p>
      ) : (
        <p class="muted">None yet: environments can be transferred out of this project.</p>
      )}
      <a href={`${base}/config`}>Manage project-level configuration</a>
    </Card>
  );
}

function Settings({ data, state }: Props) {
  const { project, base, lastProject } = data;
  return (
    <Card title="Settings" id="settings">
      <FormError form="project" state={state} />
      <form method="post" action={`${base}/rename`}>
        <Field
          form="project"
          name="name"
          label="Project name"
          value={project.name}
          state={state}
          required
          maxlength={100}
          hint="Visible only to your team; change it any time."
        />
        <div class="row">
          <button type="submit">Rename project</button>
        </div>
      </form>
      <h3>Delete this project</h3>
      <Confirm
        summary="Delete project…"
        action={`${base}/delete`}
        button={`Delete ${project.name} and its environments`}
        explain={`Deleting ${project.name} deletes its environments and everything they hold (keys, users, organizations, connections). It cannot be undone.`}
        disabled={lastProject ? "A team must keep at least one project: this is its last one." : undefined}
      />
    </Card>
  );
}
