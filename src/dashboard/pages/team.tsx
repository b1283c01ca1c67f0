import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { firstEnvironmentsOfProjects } from "../../services/environments";
import { listProjects } from "../../services/projects";
import { listTeamEvents } from "../../services/team-events";
import type { TeamRow } from "../../services/teams";
import { listTransfers, namesOfTransfers } from "../../services/transfers";
import { Card, EnvironmentBadges, Id, Pager, when } from "../layout";
import { environmentUrl, projectUrl, render, teamUrl } from "../shell";

/** The team's overview: its projects a page at a time, each with the first environments it holds (one batch). */
export async function teamPage(c: Context<AppEnv>, team: TeamRow) {
  const projects = await listProjects(c.var.db, team, {
    limit: 10,
    order: "asc",
    after: c.req.query("after"),
    before: c.req.query("before"),
  });
  const envs = await firstEnvironmentsOfProjects(
    c.var.db,
    team,
    projects.data.map((p) => p.id),
    10,
  );
  return render(
    c,
    { team, section: "overview" },
    team.name,
    <>
      <h1>{team.name}</h1>
      <p>
        <Id value={team.id} label="Team id" />
      </p>
      <p>
        Production: <strong>{team.productionEnabledAt ? "Active" : "Inactive"}</strong>
        {!team.productionEnabledAt && (
          <span class="muted">
            {" "}
            — production environments are locked until you <a href={`${teamUrl(team)}/billing`}>add billing</a>.
          </span>
        )}
      </p>
      <div class="row" style="margin-bottom:1rem">
        <a class="button" href={`${teamUrl(team)}/projects/new`}>
          New project
        </a>
      </div>
      <h2>Projects</h2>
      {projects.data.map((p, i) => (
        <section class="card" aria-labelledby={`p-${p.id}`} data-project={p.id} data-row>
          <h3 id={`p-${p.id}`} style="margin-top:0">
            <a href={projectUrl(team, p)}>{p.name}</a>
          </h3>
          <ul class="plain">
            {envs[i].data.map((e) => (
              <li data-environment={e.id} data-row>
                <a href={environmentUrl(team, e)}>{e.name}</a>
                <EnvironmentBadges production={e.production} locked={e.locked} />
              </li>
            ))}
          </ul>
          {envs[i].full && (
            <p>
              <a href={projectUrl(team, p)}>All environments of {p.name}…</a>
            </p>
          )}
        </section>
      ))}
      <Pager base={teamUrl(team)} meta={projects.list_metadata} />
    </>,
  );
}

const describe = (type: string, data: Record<string, unknown>) => {
  const name = typeof data.name === "string" ? ` “${data.name}”` : "";
  switch (type) {
    case "team.created":
      return `Team created${name}`;
    case "billing.updated":
      return "Billing information updated";
    case "project.created":
      return `Project created${name}${data.transfer_id || data.from_project_id ? " by a transfer" : ""}`;
    case "project.updated":
      return `Project renamed to${name}`;
    case "project.deleted":
      return `Project deleted${name}`;
    case "environment.created":
      return `Environment created${name}`;
    case "environment.updated":
      if (typeof data.require_email_verification === "boolean" && !name)
        return `Email verification ${data.require_email_verification ? "required" : "no longer required"} in an environment`;
      return `Environment renamed to${name}`;
    case "environment.deleted":
      return `Environment deleted${name}`;
    case "environment.transferred": {
      const n = Array.isArray(data.environment_ids) ? data.environment_ids.length : 1;
      return `${n === 1 ? "Environment" : `${n} environments`}${name} transferred into an existing project`;
    }
    case "api_key.created":
      return "Secret key created";
    case "api_key.expired":
      return "Secret key expired";
    case "project_config.updated":
      return `Project-level configuration changed${data.change ? `: ${String(data.change).replace(/_/g, " ")}` : ""}`;
    default:
      return type;
  }
};

/** Team activity: its events, newest first, a page at a time. */
export async function activityPage(c: Context<AppEnv>, team: TeamRow) {
  const events = await listTeamEvents(c.var.db, team.id, {
    limit: 25,
    order: "desc",
    after: c.req.query("after"),
    before: c.req.query("before"),
  });
  return render(
    c,
    { team, section: "activity" },
    "Activity",
    <>
      <h1>Activity</h1>
      <p class="muted">Everything that changed in {team.name}, newest first.</p>
      <Card>
        <ul class="plain" id="activity">
          {events.data.map((e) => (
            <li data-event={e.type} data-row>
              <strong>{describe(e.type, e.data as Record<string, unknown>)}</strong>
              <br />
              <span class="muted">
                {when(e.created_at)} · by {e.actor} · <code>{e.type}</code>
              </span>
            </li>
          ))}
        </ul>
        <Pager base={`${teamUrl(team)}/activity`} meta={events.list_metadata} />
      </Card>
    </>,
  );
}

/** Environments named per transfer record (the count says how many there were). */
const NAMED_ENVIRONMENTS = 20;

/** The record of every transfer, naming the projects and environments (from the team's events). */
export async function transfersPage(c: Context<AppEnv>, team: TeamRow) {
  const transfers = await listTransfers(c.var.db, team, {
    limit: 10,
    order: "desc",
    after: c.req.query("after"),
    before: c.req.query("before"),
  });
  // The record keeps ids; name the destination and the environments as they are now.
  const names = await namesOfTransfers(c.var.db, team.id, transfers.data, NAMED_ENVIRONMENTS);
  return render(
    c,
    { team, section: "transfers" },
    "Transfers",
    <>
      <h1>Transfers</h1>
      <Card>
        {transfers.data.length === 0 ? (
          <p class="muted">No transfer yet.</p>
        ) : (
          <ul class="plain">
            {transfers.data.map((t) => (
              <li data-transfer={t.id} data-row>
                <strong>
                  {t.source_project_name} →{" "}
                  {names.has(t.destination_project_id) ? (
                    <a href={projectUrl(team, { id: t.destination_project_id })} data-row>
                      {names.get(t.destination_project_id)}
                    </a>
                  ) : (
                    "(deleted project)"
                  )}
                </strong>{" "}
                <span class="badge">{t.destination_kind === "existing" ? "into an existing project" : "new project"}</span>
                <br />
                {t.environment_ids.slice(0, NAMED_ENVIRONMENTS).map((id, i) => (
                  <>
                    {i > 0 && ", "}
                    {names.has(id) ? <span data-row>{names.get(id)}</span> : id}
                  </>
                ))}{" "}
                <span class="muted">
                  ({t.environment_ids.length} environment{t.environment_ids.length === 1 ? "" : "s"})
                </span>
                {t.configuration && (
                  <p class="muted">
                    Configuration copied:{" "}
                    {[
                      ...t.configuration.copied.feature_flags,
                      ...t.configuration.copied.audit_log_actions,
                      ...t.configuration.copied.email_domains,
                    ].join(", ") || "nothing new"}
                  </p>
                )}
                <br />
                <span class="muted">
                  {when(t.created_at)} · by {t.actor}
                </span>{" "}
                <Id value={t.id} />
              </li>
            ))}
          </ul>
        )}
        <Pager base={`${teamUrl(team)}/transfers`} meta={transfers.list_metadata} />
      </Card>
    </>,
  );
}
