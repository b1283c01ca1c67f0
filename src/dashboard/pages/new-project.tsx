import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { environments } from "../../db/schema";
import type { AppEnv } from "../../env";
import { listProjects, type ProjectRow } from "../../services/projects";
import type { previewTransfer } from "../../services/transfers";
import type { TeamRow } from "../../services/teams";
import { Card, Crumbs, EnvironmentBadges, ErrorBox } from "../layout";

/** Step 1: from scratch, or by transfer out of one source project. */
export async function newProjectPage(c: Context<AppEnv>, team: TeamRow, error?: string) {
  const projects = await listProjects(c.var.db, team, { limit: 100, order: "asc" });
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>New project</h1>
      <ErrorBox message={error} />
      <Card title="Start from scratch">
        <form method="post" action={`/dashboard/teams/${team.id}/projects`}>
          <label>
            Name <input type="text" name="name" required maxlength={100} />
          </label>
          <p class="muted">A new Staging environment is always created.</p>
          <label>
            <input type="checkbox" name="production" value="yes" checked /> Also create a Production environment
            {!team.productionEnabledAt && <span class="muted"> (locked until you add billing)</span>}
          </label>
          <button type="submit">Create project</button>
        </form>
      </Card>
      <Card title="Transfer existing environments">
        <p class="muted">Environments move out of one source project into the new project. A transfer cannot be undone.</p>
        <form method="get" action={`/dashboard/teams/${team.id}/projects/new/transfer`}>
          <label>
            Name <input type="text" name="name" required maxlength={100} />
          </label>
          <label>
            Source project{" "}
            <select name="source_project_id" required>
              {projects.data.map((p) => (
                <option value={p.id}>{p.name}</option>
              ))}
            </select>
          </label>
          <button type="submit">Choose environments</button>
        </form>
      </Card>
    </>,
    { title: "New project", signedIn: true },
  );
}

/** Step 2: the source's environments to pick from. */
export async function chooseEnvironmentsPage(c: Context<AppEnv>, team: TeamRow, source: ProjectRow, name: string) {
  const envs = await c.var.db.select().from(environments).where(eq(environments.projectId, source.id)).orderBy(environments.id).all();
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>Transfer from {source.name}</h1>
      <Card>
        <form method="post" action={`/dashboard/teams/${team.id}/projects/review`}>
          <input type="hidden" name="name" value={name} />
          <input type="hidden" name="source_project_id" value={source.id} />
          <p>Choose the environments to move into the new project “{name}”:</p>
          {envs.map((e) => (
            <label>
              <input type="checkbox" name="environment_ids" value={e.id} /> {e.name}
              <EnvironmentBadges production={e.production} locked={e.production && !team.productionEnabledAt} />
            </label>
          ))}
          <button type="submit">Review transfer</button>
        </form>
      </Card>
    </>,
    { title: "Choose environments", signedIn: true },
  );
}

type Preview = Awaited<ReturnType<typeof previewTransfer>>;

/** Step 3, the review: what moves (staging and production), what stays, every blocker, and the acknowledgement. */
export function reviewPage(c: Context<AppEnv>, team: TeamRow, name: string, preview: Preview, error?: string) {
  const group = (title: string, list: Preview["remaining_environments"]) => (
    <>
      <h3>{title}</h3>
      {list.length === 0 ? <p class="muted">None.</p> : <ul>{list.map((e) => <li data-moving={e.id}>{e.name}</li>)}</ul>}
    </>
  );
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>Review the transfer</h1>
      <ErrorBox message={error} />
      <Card title={`Moving out of ${preview.source_project.name} into the new project “${name}”`}>
        {group("Staging", preview.environments.staging)}
        {group("Production", preview.environments.production)}
        <h3>Staying in {preview.source_project.name}</h3>
        <ul>{preview.remaining_environments.map((e) => <li>{e.name}</li>)}</ul>
      </Card>
      {preview.blockers.length > 0 && (
        <Card title="This transfer can't run">
          <ul class="blockers">
            {preview.blockers.map((b) => (
              <li data-code={b.code}>{b.message}</li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Before you continue">
        <ul>
          {preview.implications.map((i) => (
            <li>{i.message}</li>
          ))}
        </ul>
        <form method="post" action={`/dashboard/teams/${team.id}/projects/transfer`}>
          <input type="hidden" name="name" value={name} />
          <input type="hidden" name="source_project_id" value={preview.source_project.id} />
          {[...preview.environments.staging, ...preview.environments.production].map((e) => (
            <input type="hidden" name="environment_ids" value={e.id} />
          ))}
          <input type="hidden" name="preview_token" value={preview.preview_token} />
          <label>
            <input type="checkbox" name="acknowledge" value="yes" required disabled={!preview.transferable} /> I understand that this transfer is
            irreversible and that replacing these environments isn't self-serve.
          </label>
          <button type="submit" disabled={!preview.transferable}>
            Transfer and create project
          </button>{" "}
          <a href={`/dashboard/teams/${team.id}/projects/new`}>Cancel</a>
        </form>
      </Card>
    </>,
    { title: "Review the transfer", signedIn: true },
  );
}
