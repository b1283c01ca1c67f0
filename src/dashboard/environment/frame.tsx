import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../env";
import { serializeEnvironment } from "../../services/environments";
import { getProject } from "../../services/projects";
import type { FormState } from "../forms";
import { EnvironmentBadges, Id } from "../layout";
import { environmentUrl, type Nav, render } from "../shell";

/** The path of an environment's pages; each tab (a module of this folder) adds its own under it. */
export const E = "/teams/:team_id/environments/:environment_id";

/** The tabs, in the order they are shown: `""` is the environment's own page (its keys). */
const TABS = [
  ["", "Keys"],
  ["applications", "Applications"],
  ["branding", "Branding"],
  ["connections", "SSO"],
  ["organizations", "Organizations"],
  ["users", "Users"],
  ["directory", "Directory"],
  ["webhooks", "Webhooks"],
  ["events", "Events"],
  ["settings", "Settings"],
] as const;
export type Tab = (typeof TABS)[number][0];

/** A list's page from the query (`?after=` / `?before=`). */
export const pageOf = (c: Context<AppEnv>) => ({ after: c.req.query("after"), before: c.req.query("before") });

/** The path's environment as the API shows it (with `locked`, which depends on the team's billing). */
export const shownEnvironment = (c: Context<AppEnv>) => serializeEnvironment(c.var.environment, c.var.team);

/** The frame of every environment page: its name, kind, ids, and tabs for what it holds. */
export async function environmentFrame(c: Context<AppEnv>, tab: Tab, body: Child, state?: FormState, nav?: Nav) {
  const team = c.var.team;
  const env = shownEnvironment(c);
  const project = await getProject(c.var.db, team.id, env.project_id);
  const label = TABS.find(([t]) => t === tab)![1];
  const base = environmentUrl(team, env);
  return render(
    c,
    { team, project, environment: env, nav },
    tab === "" ? env.name : label,
    <>
      <h1>
        {env.name} <EnvironmentBadges production={env.production} locked={env.locked} />
      </h1>
      <p class="row" style="margin-top:0">
        <Id value={env.id} label="Environment id" /> <Id value={env.client_id} label="Client id" />
      </p>
      <nav aria-label="Environment sections">
        <ul class="tabs">
          {TABS.map(([t, name]) => (
            <li>
              <a href={t ? `${base}/${t}` : base} aria-current={t === tab ? "page" : undefined}>
                {name}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </>,
    state?.status ?? 200,
  );
}
