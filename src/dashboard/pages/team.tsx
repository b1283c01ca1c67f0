import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { environments } from "../../db/schema";
import type { AppEnv } from "../../env";
import { serializeEnvironment } from "../../services/environments";
import { listProjects } from "../../services/projects";
import type { TeamRow } from "../../services/teams";
import { Card, Crumbs, EnvironmentBadges, ErrorBox } from "../layout";

/** A team's projects with their environments. */
export async function teamPage(c: Context<AppEnv>, team: TeamRow, error?: string) {
  const [projects, envRows] = await Promise.all([
    listProjects(c.var.db, team, { limit: 100, order: "asc" }),
    c.var.db.select().from(environments).where(eq(environments.teamId, team.id)).orderBy(environments.id).all(),
  ]);
  const envs = envRows.map((e) => serializeEnvironment(e, team));
  return c.render(
    <>
      <Crumbs />
      <h1>{team.name}</h1>
      <ErrorBox message={error} />
      <p>
        Production: <strong>{team.productionEnabledAt ? "Active" : "Inactive"}</strong>
        {!team.productionEnabledAt && <span class="muted"> — production environments are locked until you add billing.</span>}{" "}
        <a href={`/dashboard/teams/${team.id}/billing`}>Billing and usage</a> · <a href={`/dashboard/teams/${team.id}/transfers`}>Transfers</a>
      </p>
      <p>
        <a href={`/dashboard/teams/${team.id}/projects/new`}>
          <button type="button">New project</button>
        </a>
      </p>
      {projects.data.map((p) => (
        <Card
          title={
            <>
              {p.name} <code>{p.id}</code>
            </>
          }
        >
          <table>
            <thead>
              <tr>
                <th>Environment</th>
                <th>Client id</th>
              </tr>
            </thead>
            <tbody>
              {envs
                .filter((e) => e.project_id === p.id)
                .map((e) => (
                  <tr data-environment={e.id}>
                    <td>
                      <a href={`/dashboard/teams/${team.id}/environments/${e.id}`}>{e.name}</a>
                      <EnvironmentBadges production={e.production} locked={e.locked} />
                    </td>
                    <td>
                      <code>{e.client_id}</code>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          <p class="muted">
            <a href={`/dashboard/teams/${team.id}/projects/${p.id}/config`}>Project-level configuration</a>
          </p>
        </Card>
      ))}
    </>,
    { title: team.name, signedIn: true },
  );
}
