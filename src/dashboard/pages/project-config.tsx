import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { listEmailDomains } from "../../services/email-domains";
import type { ProjectRow } from "../../services/projects";
import type { TeamRow } from "../../services/teams";
import { Card, Crumbs, ErrorBox } from "../layout";

/** Project-level configuration: shared by every environment of the project, and a blocker for transfers out. */
export async function projectConfigPage(c: Context<AppEnv>, team: TeamRow, project: ProjectRow, error?: string) {
  const domains = await listEmailDomains(c.var.db, project.id, { limit: 100, order: "asc" });
  const base = `/dashboard/teams/${team.id}/projects/${project.id}/config`;
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>{project.name}: project-level configuration</h1>
      <p class="muted">
        Shared by every environment of this project. While the project has any, its environments can't be transferred to a new project.
      </p>
      <ErrorBox message={error} />
      <Card title="Custom email domains">
        {domains.data.length === 0 && <p class="muted">None.</p>}
        {domains.data.map((d) => (
          <div data-domain={d.domain}>
            <p>
              <strong>{d.domain}</strong> <span class={`badge ${d.state === "verified" ? "ok" : d.state === "failed" ? "locked" : ""}`}>{d.state}</span>{" "}
              <form class="inline" method="post" action={`${base}/email_domains/${d.id}/verify`}>
                <button class="secondary" type="submit">
                  Verify
                </button>
              </form>{" "}
              <form class="inline" method="post" action={`${base}/email_domains/${d.id}/delete`}>
                <button class="danger" type="submit">
                  Delete
                </button>
              </form>
            </p>
            <table>
              <tbody>
                {d.dns_records.map((r) => (
                  <tr>
                    <td>{r.type}</td>
                    <td>
                      <code>{r.name}</code>
                    </td>
                    <td>
                      <code>{r.value}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        <form method="post" action={`${base}/email_domains`}>
          <label>
            Domain <input type="text" name="domain" required placeholder="mail.example.com" />
          </label>
          <button type="submit">Add domain</button>
        </form>
      </Card>
    </>,
    { title: `${project.name} configuration`, signedIn: true },
  );
}
