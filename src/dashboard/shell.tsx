import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../env";
import { type EnvironmentRow, firstEnvironmentsOfProjects } from "../services/environments";
import { firstProjects, type ProjectRow } from "../services/projects";
import type { TeamRow } from "../services/teams";
import { takeFlash } from "./forms";
import { type Crumb, Crumbs, Document, FlashBox, TopBar } from "./layout";

/** Where a page sits: the team, and maybe one of its projects and one of that project's environments. */
export interface Where {
  team: TeamRow;
  project?: Pick<ProjectRow, "id" | "name">;
  environment?: Pick<EnvironmentRow, "id" | "name" | "production">;
  /** The sidebar entry of this page (e.g. "billing"). */
  section?: "overview" | "members" | "activity" | "transfers" | "billing" | "new-project";
  /** The sidebar's rows, when the page read them already to decide something (`loadNav`). */
  nav?: Nav;
}

export type Nav = Awaited<ReturnType<typeof loadNav>>;

/**
 * The sidebar's rows: the team's first projects and the current project's first environments, each row
 * shown (no look-ahead row: a full list ends with an "All …" link). Pages may read it first and decide from
 * it (e.g. whether a project is the team's last), instead of reading the same rows again.
 */
export async function loadNav(c: Context<AppEnv>, where: Pick<Where, "team" | "project">) {
  const [projects, [envs]] = await Promise.all([
    firstProjects(c.var.db, where.team.id, NAV_PROJECTS),
    where.project ? firstEnvironmentsOfProjects(c.var.db, where.team, [where.project.id], NAV_ENVIRONMENTS) : [],
  ]);
  return { projects, envs };
}

const NAV_PROJECTS = 25;
const NAV_ENVIRONMENTS = 25;

export const teamUrl = (team: { id: string }) => `/dashboard/teams/${team.id}`;
export const projectUrl = (team: { id: string }, project: { id: string }) => `${teamUrl(team)}/projects/${project.id}`;
export const environmentUrl = (team: { id: string }, env: { id: string }) => `${teamUrl(team)}/environments/${env.id}`;

/**
 * A signed-in page: the team → project → environment sidebar (one page of projects, and one page of the
 * current project's environments: never the whole team's), breadcrumbs naming them, and the page.
 */
export async function render(c: Context<AppEnv>, where: Where, title: string, body: Child, status: ContentfulStatusCode = 200) {
  const { team, project, environment } = where;
  const { projects, envs } = where.nav ?? (await loadNav(c, where));
  const here = (on: boolean) => (on ? ("page" as const) : undefined);
  const crumbs: Crumb[] = [{ label: team.name, href: teamUrl(team) }];
  if (project) crumbs.push({ label: project.name, href: projectUrl(team, project) });
  if (environment) crumbs.push({ label: environment.name, href: environmentUrl(team, environment) });
  if (crumbs[crumbs.length - 1].label !== title) crumbs.push({ label: title });
  const place = [title, environment?.name, project?.name, team.name].filter((x, i, all) => x && all.indexOf(x) === i).join(" · ");
  const flash = c.req.method === "GET" ? takeFlash(c) : undefined;
  const projectItem = (p: { id: string; name: string }) => (
    <li data-row>
      <a href={projectUrl(team, p)} aria-current={here(p.id === project?.id && !environment && !where.section)}>
        {p.name}
      </a>
      {p.id === project?.id && envs && (
        <ul aria-label={`Environments of ${p.name}`}>
          {envs.data.map((e) => (
            <li data-row>
              <a href={environmentUrl(team, e)} aria-current={here(e.id === environment?.id)}>
                {e.name} <span class="muted">({e.production ? "production" : "staging"})</span>
              </a>
            </li>
          ))}
          {envs.full && (
            <li>
              <a href={projectUrl(team, p)}>All environments…</a>
            </li>
          )}
        </ul>
      )}
    </li>
  );
  return c.html(
    (
      <Document title={place}>
        <TopBar signedIn />
        <div class="shell">
          <nav class="side" aria-label="Team, projects and environments">
            <h2>Team</h2>
            <ul>
              <li>
                <a href={teamUrl(team)} aria-current={here(where.section === "overview")}>
                  {team.name}
                </a>
              </li>
              <li>
                <a href={`${teamUrl(team)}/members`} aria-current={here(where.section === "members")}>
                  Members
                </a>
              </li>
              <li>
                <a href={`${teamUrl(team)}/activity`} aria-current={here(where.section === "activity")}>
                  Activity
                </a>
              </li>
              <li>
                <a href={`${teamUrl(team)}/transfers`} aria-current={here(where.section === "transfers")}>
                  Transfers
                </a>
              </li>
              <li>
                <a href={`${teamUrl(team)}/billing`} aria-current={here(where.section === "billing")}>
                  Billing &amp; usage
                </a>
              </li>
            </ul>
            <h2>Projects</h2>
            <ul>
              {projects.data.map(projectItem)}
              {/* The current project is always shown with its environments, also past the first page. */}
              {project && !projects.data.some((p) => p.id === project.id) && projectItem(project)}
              {projects.full && (
                <li>
                  <a href={teamUrl(team)}>All projects…</a>
                </li>
              )}
              <li>
                <a href={`${teamUrl(team)}/projects/new`} aria-current={here(where.section === "new-project")}>
                  + New project
                </a>
              </li>
            </ul>
          </nav>
          <main id="main" tabindex={-1}>
            <Crumbs items={crumbs} />
            <FlashBox flash={flash} />
            {body}
          </main>
        </div>
      </Document>
    ) as unknown as string,
    status,
  );
}

/** A page outside a team (sign-in, the team list, errors). */
export function renderSolo(
  c: Context<AppEnv>,
  title: string,
  body: Child,
  opts: { signedIn?: boolean; status?: ContentfulStatusCode } = {},
) {
  const flash = c.req.method === "GET" && opts.signedIn ? takeFlash(c) : undefined;
  return c.html(
    (
      <Document title={title}>
        <TopBar signedIn={opts.signedIn} />
        <main id="main" class="solo" tabindex={-1}>
          <FlashBox flash={flash} />
          {body}
        </main>
      </Document>
    ) as unknown as string,
    opts.status ?? 200,
  );
}
