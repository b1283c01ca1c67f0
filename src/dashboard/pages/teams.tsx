import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { Card, ErrorBox } from "../layout";
import { listTeams } from "../../services/teams";

/** The signed-in client's teams, and a form for a new one. */
export async function teamsPage(c: Context<AppEnv>, error?: string) {
  const teams = await listTeams(c.var.db, c.var.caller, { limit: 100, order: "desc" });
  return c.render(
    <>
      <h1>Teams</h1>
      <ErrorBox message={error} />
      <Card>
        {teams.data.length === 0 ? (
          <p class="muted">No team yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Team</th>
                <th>Production</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {teams.data.map((t) => (
                <tr>
                  <td>
                    <a href={`/dashboard/teams/${t.id}`}>{t.name}</a> <code>{t.id}</code>
                  </td>
                  <td>{t.production_state}</td>
                  <td class="muted">{t.created_at.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="New team">
        <form method="post" action="/dashboard/teams">
          <label>
            Name <input type="text" name="name" required maxlength={100} />
          </label>
          <label>
            Admin email <input type="email" name="admin_email" required />
          </label>
          <button type="submit">Create team</button>
        </form>
      </Card>
    </>,
    { title: "Teams", signedIn: true },
  );
}
