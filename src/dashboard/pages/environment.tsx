import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { listApiKeys } from "../../services/api-keys";
import { type EnvironmentRow, serializeEnvironment } from "../../services/environments";
import type { TeamRow } from "../../services/teams";
import { Card, Crumbs, EnvironmentBadges, ErrorBox, Notice } from "../layout";

/** One environment: its secret keys (a new key's value is shown once, here). */
export async function environmentPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, opts: { error?: string; newKey?: string } = {}) {
  const env = serializeEnvironment(row, team);
  const keys = await listApiKeys(c.var.db, env.id, { limit: 100, order: "desc" });
  const base = `/dashboard/teams/${team.id}/environments/${env.id}`;
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>
        {env.name} <EnvironmentBadges production={env.production} locked={env.locked} />
      </h1>
      <p class="muted">
        <code>{env.id}</code> · client id <code>{env.client_id}</code>
      </p>
      <ErrorBox message={opts.error} />
      {opts.newKey && (
        <Notice>
          Your new secret key — copy it now, it won't be shown again:
          <div class="secret" id="new-key">
            {opts.newKey}
          </div>
        </Notice>
      )}
      <Card title="API keys">
        {keys.data.length === 0 ? (
          <p class="muted">No key yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => {
                const expired = k.expires_at !== null && k.expires_at <= new Date().toISOString();
                return (
                  <tr>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.obfuscated_value}</code>
                    </td>
                    <td>{expired ? <span class="badge locked">expired</span> : (k.expires_at?.slice(0, 10) ?? "never")}</td>
                    <td>
                      {!expired && (
                        <form class="inline" method="post" action={`${base}/api_keys/${k.id}/expire`}>
                          <button class="danger" type="submit">
                            Expire now
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <form method="post" action={`${base}/api_keys`}>
          <label>
            New key name <input type="text" name="name" required maxlength={100} />
          </label>
          <button type="submit" disabled={env.locked}>
            Create secret key
          </button>
          {env.locked && <span class="muted"> Locked production environments mint no keys: add billing first.</span>}
        </form>
      </Card>
    </>,
    { title: env.name, signedIn: true },
  );
}
