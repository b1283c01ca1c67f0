import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { eq } from "drizzle-orm";
import { environments } from "../../db/schema";
import { listApiKeys } from "../../services/api-keys";
import { listApplications } from "../../services/applications";
import { getBranding } from "../../services/branding";
import { type EnvironmentRow, serializeEnvironment } from "../../services/environments";
import type { TeamRow } from "../../services/teams";
import { Card, Crumbs, EnvironmentBadges, ErrorBox, Notice } from "../layout";

/** One environment: its secret keys (a new key's value is shown once, here). */
export async function environmentPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, opts: { error?: string; newKey?: string } = {}) {
  const env = serializeEnvironment(row, team);
  const [keys, apps, branding, teamEnvs] = await Promise.all([
    listApiKeys(c.var.db, env.id, { limit: 100, order: "desc" }),
    listApplications(c.var.db, env.id, { limit: 100, order: "asc" }),
    getBranding(c.var.db, env.id),
    c.var.db.select({ id: environments.id, name: environments.name }).from(environments).where(eq(environments.teamId, team.id)).orderBy(environments.id).all(),
  ]);
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
      <Card title="Applications">
        <p class="muted">Clients of your product (web, mobile, desktop) sharing this environment's users.</p>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Client id</th>
              <th>Redirect URIs</th>
            </tr>
          </thead>
          <tbody>
            {apps.data.map((a) => (
              <tr>
                <td>
                  {a.name}
                  {a.is_default && <span class="badge">default</span>}
                </td>
                <td>{a.type}</td>
                <td>
                  <code>{a.client_id}</code>
                </td>
                <td>{a.redirect_uris.join(", ") || <span class="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={`${base}/applications`}>
          <label>
            Name <input type="text" name="name" required maxlength={100} />
          </label>
          <label>
            Type{" "}
            <select name="type">
              <option value="web">web</option>
              <option value="mobile">mobile</option>
              <option value="desktop">desktop</option>
            </select>
          </label>
          <label>
            Redirect URIs, one per line{env.production && <span class="muted"> (https; native apps may use http://127.0.0.1)</span>}
            <br />
            <textarea name="redirect_uris" rows={3} />
          </label>
          <button type="submit">Add application</button>
        </form>
      </Card>
      <Card title="Branding">
        <form method="post" action={`${base}/branding`}>
          {(["logo_url", "icon_url", "primary_color", "background_color", "text_color", "font", "display_name"] as const).map((field) => (
            <label>
              {field.replace("_", " ")} <input type="text" name={field} value={branding[field] ?? ""} />
            </label>
          ))}
          <label>
            theme{" "}
            <select name="theme">
              {["system", "light", "dark"].map((t) => (
                <option value={t} selected={branding.theme === t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            custom CSS
            <br />
            <textarea name="custom_css" rows={4}>
              {branding.custom_css ?? ""}
            </textarea>
          </label>
          <button type="submit">Save branding</button>
        </form>
        <form method="post" action={`${base}/branding/copy`}>
          <label>
            Copy all branding from{" "}
            <select name="source_environment_id">
              {teamEnvs
                .filter((e) => e.id !== env.id)
                .map((e) => (
                  <option value={e.id}>
                    {e.name} ({e.id.slice(-6)})
                  </option>
                ))}
            </select>
          </label>
          <button class="secondary" type="submit">
            Copy branding
          </button>
        </form>
      </Card>
    </>,
    { title: env.name, signedIn: true },
  );
}
