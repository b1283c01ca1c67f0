import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { listTeams } from "../../services/teams";
import type { FormState } from "../forms";
import { Card, Field, FormError, Id, Pager, when } from "../layout";
import { renderSolo } from "../shell";

export const TEAM_LABELS = { name: "Name", admin_email: "Admin email" };

/** The signed-in client's teams (a page at a time), and a form for a new one. */
export async function teamsPage(c: Context<AppEnv>, state?: FormState) {
  const teams = await listTeams(c.var.db, c.var.caller, {
    limit: 25,
    order: "desc",
    after: c.req.query("after"),
    before: c.req.query("before"),
  });
  return renderSolo(
    c,
    "Teams",
    <>
      <h1>Teams</h1>
      <Card>
        {teams.data.length === 0 ? (
          <p class="muted">No team yet: create one below.</p>
        ) : (
          <ul class="plain">
            {teams.data.map((t) => (
              <li data-row>
                <a href={`/dashboard/teams/${t.id}`}>
                  <strong>{t.name}</strong>
                </a>{" "}
                <span class={`badge ${t.production_state === "Active" ? "ok" : ""}`}>
                  production {t.production_state.toLowerCase()}
                </span>
                <br />
                <Id value={t.id} /> <span class="muted">created {when(t.created_at)}</span>
              </li>
            ))}
          </ul>
        )}
        <Pager base="/dashboard" meta={teams.list_metadata} />
      </Card>
      <Card title="New team" id="new-team">
        <FormError form="team" state={state} />
        <form method="post" action="/dashboard/teams">
          <Field form="team" name="name" label="Name" state={state} required maxlength={100} />
          <Field form="team" name="admin_email" label="Admin email" type="email" state={state} required autocomplete="email" />
          <div class="row">
            <button type="submit">Create team</button>
          </div>
        </form>
      </Card>
    </>,
    { signedIn: true, status: state?.status ?? 200 },
  );
}
