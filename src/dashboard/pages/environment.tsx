import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../env";
import { listApiKeys } from "../../services/api-keys";
import { listApplications } from "../../services/applications";
import { DEFAULT_BRANDING, getBranding } from "../../services/branding";
import { CONNECTION_TYPES } from "../../services/connections";
import { listEvents } from "../../services/environment-events";
import { connectionSummaries, organizationNames, recentDeliveries } from "../../services/environment-summary";
import { type EnvironmentRow, firstEnvironmentsOfProjects, serializeEnvironment } from "../../services/environments";
import { listOrganizations } from "../../services/organizations";
import { firstProjects, getProject } from "../../services/projects";
import type { TeamRow } from "../../services/teams";
import { listUsers } from "../../services/users";
import { listWebhookEndpoints } from "../../services/webhook-endpoints";
import type { FormState } from "../forms";
import { Card, Confirm, EnvironmentBadges, Field, FormError, Id, Pager, when } from "../layout";
import { environmentUrl, loadNav, type Nav, render } from "../shell";

export const KEY_LABELS = { name: "Name", expires_at: "Expiry" };
export const APPLICATION_LABELS = {
  name: "Name",
  type: "Type",
  "redirect_uris.*": "Redirect URI",
  redirect_uris: "Redirect URIs",
};
export const BRANDING_LABELS = {
  logo_url: "Logo URL",
  icon_url: "Icon URL",
  primary_color: "Primary colour",
  background_color: "Background colour",
  text_color: "Text colour",
  theme: "Theme",
  font: "Font",
  display_name: "Display name",
  custom_css: "Custom CSS",
  source_environment_id: "Source environment",
};
export const CONNECTION_LABELS = { organization_id: "Organization", connection_type: "Connection type", name: "Name" };

const TABS = [
  ["", "Keys"],
  ["applications", "Applications"],
  ["branding", "Branding"],
  ["connections", "SSO"],
  ["organizations", "Organizations"],
  ["users", "Users"],
  ["webhooks", "Webhooks"],
  ["events", "Events"],
  ["settings", "Settings"],
] as const;
export type Tab = (typeof TABS)[number][0];

/** Organizations offered by the new connection form. */
const ORGANIZATION_CHOICES = 100;

const page = (c: Context<AppEnv>) => ({ after: c.req.query("after"), before: c.req.query("before") });

/** The frame of every environment page: its name, kind, ids, and tabs for what it holds. */
async function environmentFrame(
  c: Context<AppEnv>,
  team: TeamRow,
  row: EnvironmentRow,
  tab: Tab,
  body: Child,
  state?: FormState,
  nav?: Nav,
) {
  const env = serializeEnvironment(row, team);
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

/** Secret keys: create (the value shown once, after the redirect), expire with a confirmation. */
export async function keysPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, state?: FormState) {
  const env = serializeEnvironment(row, team);
  const keys = await listApiKeys(c.var.db, env.id, { limit: 20, order: "desc", ...page(c) });
  const base = environmentUrl(team, env);
  const now = new Date().toISOString();
  return environmentFrame(
    c,
    team,
    row,
    "",
    <>
      <Card title="Secret keys" id="keys">
        <p class="muted">
          Server-side keys for this environment's API ({env.production ? "sk_live_" : "sk_test_"}…). A key's value is shown once,
          when it is created.
        </p>
        {keys.data.length === 0 ? (
          <p class="muted">No key yet.</p>
        ) : (
          <ul class="plain" id="key-list">
            {keys.data.map((k) => {
              const expired = k.expires_at !== null && k.expires_at <= now;
              return (
                <li data-key={k.id} data-row>
                  <strong>{k.name}</strong> <code>{k.obfuscated_value}</code>{" "}
                  {expired ? (
                    <span class="badge locked">expired</span>
                  ) : (
                    <span class="muted">{k.expires_at ? `expires ${when(k.expires_at)}` : "never expires"}</span>
                  )}
                  <br />
                  <span class="muted">created {when(k.created_at)}</span>
                  {!expired && (
                    <div>
                      <Confirm
                        summary="Expire…"
                        action={`${base}/api_keys/${k.id}/expire`}
                        button={`Expire ${k.name} now`}
                        explain="Requests with this key are refused from now on. This cannot be undone."
                      />
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <Pager base={base} meta={keys.list_metadata} />
      </Card>
      <Card title="Create a secret key" id="new-key-form">
        <FormError form="key" state={state} />
        <form method="post" action={`${base}/api_keys`}>
          <Field form="key" name="name" label="Key name" state={state} required maxlength={100} placeholder="Backend server" />
          <Field
            form="key"
            name="expires_at"
            label="Expires on (optional)"
            type="date"
            state={state}
            hint="Leave empty for a key that never expires."
          />
          <div class="row">
            <button type="submit" disabled={env.locked} aria-describedby={env.locked ? "key-locked" : undefined}>
              Create secret key
            </button>
            {env.locked && (
              <span class="hint" id="key-locked">
                Locked production environments mint no keys: <a href={`/dashboard/teams/${team.id}/billing`}>add billing</a>{" "}
                first.
              </span>
            )}
          </div>
        </form>
      </Card>
    </>,
    state,
  );
}

/** Applications: create, edit, delete; the redirect URI rules of this kind of environment. */
export async function applicationsPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, state?: FormState) {
  const env = serializeEnvironment(row, team);
  const apps = await listApplications(c.var.db, env.id, { limit: 25, order: "asc", ...page(c) }, new URL(c.req.url).origin);
  const base = `${environmentUrl(team, env)}/applications`;
  const rules = env.production
    ? "Production: redirect URIs must use https. Native apps (mobile, desktop) may also use a loopback http://127.0.0.1. No fragments."
    : "Staging: redirect URIs must use https, or http on localhost or 127.0.0.1. No fragments.";
  const types = [
    { value: "web", label: "Web" },
    { value: "mobile", label: "Mobile" },
    { value: "desktop", label: "Desktop" },
  ];
  return environmentFrame(
    c,
    team,
    row,
    "applications",
    <>
      <Card title="Applications" id="applications">
        <p class="muted">
          Clients of your product (web, mobile, desktop) sharing this environment's users. Each has its own client id.
        </p>
        <p class="hint" id="redirect-rules">
          {rules}
        </p>
        <ul class="plain">
          {apps.data.map((a) => (
            <li data-application={a.id} data-row>
              <strong>{a.name}</strong> <span class="badge">{a.type}</span>
              {a.is_default && <span class="badge">default</span>}
              <br />
              <Id value={a.client_id} label="Client id" />
              <p class="muted">{a.redirect_uris.length ? a.redirect_uris.join(" · ") : "No redirect URI."}</p>
              <details open={state?.form === `app-${a.id}`}>
                <summary>Edit {a.name}</summary>
                <FormError form={`app-${a.id}`} state={state} />
                <form method="post" action={`${base}/${a.id}`}>
                  <Field form={`app-${a.id}`} name="name" label="Name" value={a.name} state={state} required maxlength={100} />
                  <Field form={`app-${a.id}`} name="type" label="Type" value={a.type} options={types} state={state} />
                  <Field
                    form={`app-${a.id}`}
                    name="redirect_uris"
                    label="Redirect URIs, one per line"
                    rows={3}
                    value={a.redirect_uris.join("\n")}
                    state={state}
                    hint={rules}
                  />
                  <div class="row">
                    <button type="submit">Save application</button>
                  </div>
                </form>
              </details>
              <Confirm
                summary="Delete…"
                action={`${base}/${a.id}/delete`}
                button={`Delete ${a.name}`}
                explain="Sign-ins through this application's client id stop working."
                disabled={
                  a.is_default ? "The default application can't be deleted: its client id is the environment's." : undefined
                }
              />
            </li>
          ))}
        </ul>
        <Pager base={base} meta={apps.list_metadata} />
      </Card>
      <Card title="Add an application" id="new-application">
        <FormError form="app" state={state} />
        <form method="post" action={base}>
          <Field form="app" name="name" label="Name" state={state} required maxlength={100} placeholder="iOS app" />
          <Field form="app" name="type" label="Type" options={types} state={state} />
          <Field form="app" name="redirect_uris" label="Redirect URIs, one per line" rows={3} state={state} hint={rules} />
          <div class="row">
            <button type="submit">Add application</button>
          </div>
        </form>
      </Card>
    </>,
    state,
  );
}

/** Branding: colour pickers with a live preview, and a copy from another environment (naming its project). */
export async function brandingPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, state?: FormState) {
  const env = serializeEnvironment(row, team);
  const [branding, projects] = await Promise.all([getBranding(c.var.db, env.id), firstProjects(c.var.db, team.id, 10)]);
  // Sources: the first environments of the team's first projects (never the whole team at once).
  const envsOf = await firstEnvironmentsOfProjects(
    c.var.db,
    team,
    projects.data.map((p) => p.id),
    10,
  );
  const sources = projects.data.map((project, i) => ({ project, envs: envsOf[i].data.filter((e) => e.id !== env.id) }));
  const base = `${environmentUrl(team, env)}/branding`;
  const mine = state?.form === "branding";
  const val = (k: keyof typeof branding) => {
    const typed = mine ? state?.values[k] : undefined;
    return typeof typed === "string" ? typed : String(branding[k] ?? "");
  };
  const color = (name: "primary_color" | "background_color" | "text_color", label: string) => {
    const error = mine ? state?.errors[name] : undefined;
    const v = /^#[0-9A-Fa-f]{6}$/.test(val(name)) ? val(name) : DEFAULT_BRANDING[name];
    return (
      <div>
        <label for={`branding-${name}`}>{label}</label>
        <input
          type="color"
          id={`branding-${name}`}
          name={name}
          value={v.toLowerCase()}
          aria-invalid={error ? "true" : undefined}
        />{" "}
        <code>{v.toUpperCase()}</code>
        {error && <p class="field-error">{error}</p>}
      </div>
    );
  };
  return environmentFrame(
    c,
    team,
    row,
    "branding",
    <>
      <Card title="Branding" id="branding">
        <p class="muted">The hosted sign-in pages of {env.name} use these. Empty fields use the defaults.</p>
        <FormError form="branding" state={state} />
        <form method="post" action={base}>
          <div class="grid2">
            <div>
              {color("primary_color", "Primary colour")}
              {color("background_color", "Background colour")}
              {color("text_color", "Text colour")}
              <Field
                form="branding"
                name="display_name"
                label="Display name"
                value={val("display_name")}
                state={state}
                maxlength={100}
              />
              <Field
                form="branding"
                name="theme"
                label="Theme"
                value={val("theme")}
                state={state}
                options={[
                  { value: "system", label: "System" },
                  { value: "light", label: "Light" },
                  { value: "dark", label: "Dark" },
                ]}
              />
              <Field form="branding" name="font" label="Font" value={val("font")} state={state} maxlength={100} />
              <Field
                form="branding"
                name="logo_url"
                label="Logo URL"
                type="url"
                value={val("logo_url")}
                state={state}
                hint="https only."
              />
              <Field
                form="branding"
                name="icon_url"
                label="Icon URL"
                type="url"
                value={val("icon_url")}
                state={state}
                hint="https only."
              />
              <Field form="branding" name="custom_css" label="Custom CSS" rows={4} value={val("custom_css")} state={state} />
            </div>
            <div>
              <h3 id="preview-title">Preview</h3>
              <div
                id="branding-preview"
                class="preview"
                style={`background:var(--background_color,${branding.background_color});color:var(--text_color,${branding.text_color})`}
              >
                <p style="margin-top:0">
                  <strong class="name">{branding.display_name ?? "Your app"}</strong>
                </p>
                <p>Sign in to continue</p>
                <span class="cta" style={`background:var(--primary_color,${branding.primary_color})`}>
                  Continue
                </span>
              </div>
            </div>
          </div>
          <div class="row">
            <button type="submit">Save branding</button>
          </div>
        </form>
      </Card>
      <Card title="Copy branding from another environment" id="copy-branding">
        <FormError form="copy" state={state} />
        {sources.every((g) => g.envs.length === 0) ? (
          <p class="muted">No other environment to copy from.</p>
        ) : (
          <form method="post" action={`${base}/copy`}>
            <label for="copy-source">Source environment</label>
            <select id="copy-source" name="source_environment_id" required>
              {sources.map((g) =>
                g.envs.length ? (
                  <optgroup label={`Project ${g.project.name}`} data-row>
                    {g.envs.map((e) => (
                      <option value={e.id} data-row>
                        {e.name} ({g.project.name}, {e.production ? "production" : "staging"})
                      </option>
                    ))}
                  </optgroup>
                ) : null,
              )}
            </select>
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> Replace all of {env.name}'s branding with the source's
            </label>
            {state?.form === "copy" && state.errors.confirm && <p class="field-error">{state.errors.confirm}</p>}
            <div class="row">
              <button type="submit" class="secondary">
                Copy branding
              </button>
            </div>
          </form>
        )}
      </Card>
    </>,
    state,
  );
}

/** SSO connections: create one for an organization of this environment; list them. */
export async function connectionsPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, state?: FormState) {
  const env = serializeEnvironment(row, team);
  const [conns, orgs] = await Promise.all([
    connectionSummaries(c.var.db, env.id, { limit: 25, order: "desc", ...page(c) }),
    organizationNames(c.var.db, env.id, { limit: ORGANIZATION_CHOICES, order: "desc" }),
  ]);
  const base = `${environmentUrl(team, env)}/connections`;
  return environmentFrame(
    c,
    team,
    row,
    "connections",
    <>
      <Card title="SSO connections" id="connections">
        {conns.data.length === 0 ? (
          <p class="muted">No connection.</p>
        ) : (
          <ul class="plain">
            {conns.data.map((k) => (
              <li data-connection={k.id} data-row>
                <strong>{k.name}</strong> <span class="badge">{k.connection_type}</span> <span class="badge ok">{k.state}</span>
                <br />
                <span class="muted">organization </span>
                <code>{k.organization_id}</code> <Id value={k.id} />
              </li>
            ))}
          </ul>
        )}
        <Pager base={base} meta={conns.list_metadata} />
      </Card>
      <Card title="New connection" id="new-connection">
        <FormError form="connection" state={state} />
        {orgs.data.length === 0 ? (
          <p class="muted">Connections belong to an organization: create one through the API first (POST /organizations).</p>
        ) : (
          <form method="post" action={base}>
            <Field
              form="connection"
              name="organization_id"
              label="Organization"
              options={orgs.data.map((o) => ({ value: o.id, label: o.name, row: true }))}
              hint={orgs.list_metadata.after ? `The ${ORGANIZATION_CHOICES} newest organizations.` : undefined}
              state={state}
            />
            <Field
              form="connection"
              name="connection_type"
              label="Connection type"
              value="GenericSAML"
              options={CONNECTION_TYPES.map((t) => ({ value: t, label: t }))}
              state={state}
            />
            <Field form="connection" name="name" label="Name" state={state} required maxlength={100} />
            <div class="row">
              <button type="submit">Create connection</button>
            </div>
          </form>
        )}
      </Card>
    </>,
    state,
  );
}

export async function organizationsPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow) {
  const orgs = await listOrganizations(c.var.db, row.id, { limit: 25, order: "desc", ...page(c) });
  return environmentFrame(
    c,
    team,
    row,
    "organizations",
    <Card title="Organizations" id="organizations">
      <p class="muted">
        Read-only here: add or remove them on the{" "}
        <a href={`${environmentUrl(team, row)}/directory`}>users and organizations directory</a>, or through the environment API.
      </p>
      {orgs.data.length === 0 ? (
        <p class="muted">No organization.</p>
      ) : (
        <ul class="plain">
          {orgs.data.map((o) => (
            <li data-organization={o.id} data-row>
              <strong>{o.name}</strong>{" "}
              {o.domains.map((d) => (
                <span class="badge" data-row>
                  {d.domain}
                </span>
              ))}
              <br />
              <Id value={o.id} /> <span class="muted">created {when(o.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(team, row)}/organizations`} meta={orgs.list_metadata} />
    </Card>,
  );
}

export async function usersPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow) {
  const users = await listUsers(c.var.db, row.id, { limit: 25, order: "desc", ...page(c) });
  return environmentFrame(
    c,
    team,
    row,
    "users",
    <Card title="Users" id="users">
      <p class="muted">
        Read-only, 25 at a time: add or remove users on the{" "}
        <a href={`${environmentUrl(team, row)}/directory`}>users and organizations directory</a>.
      </p>
      {users.data.length === 0 ? (
        <p class="muted">No user.</p>
      ) : (
        <ul class="plain">
          {users.data.map((u) => (
            <li data-user={u.id} data-row>
              <strong>{u.name ?? u.email}</strong> {u.name && <span class="muted">{u.email}</span>}{" "}
              {u.email_verified && <span class="badge ok">verified</span>}
              <br />
              <Id value={u.id} /> <span class="muted">last sign-in {when(u.last_sign_in_at)}</span>
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(team, row)}/users`} meta={users.list_metadata} />
    </Card>,
  );
}

export async function webhooksPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow) {
  const endpoints = await listWebhookEndpoints(c.var.db, row.id, { limit: 10, order: "desc", ...page(c) });
  const deliveries = await Promise.all(endpoints.data.map((w) => recentDeliveries(c.var.db, row.id, w.id, 5)));
  return environmentFrame(
    c,
    team,
    row,
    "webhooks",
    <Card title="Webhook endpoints" id="webhooks">
      <p class="muted">Read-only here; manage them through the environment API. Each shows its latest deliveries.</p>
      {endpoints.data.length === 0 ? (
        <p class="muted">No webhook endpoint.</p>
      ) : (
        <ul class="plain">
          {endpoints.data.map((w, i) => (
            <li data-endpoint={w.id} data-row>
              <strong style="overflow-wrap:anywhere">{w.endpoint_url}</strong>{" "}
              <span class={`badge ${w.status === "enabled" ? "ok" : ""}`}>{w.status}</span>
              <br />
              <span class="muted">{w.events.join(", ")}</span>
              <br />
              <Id value={w.id} />
              <h3>Recent deliveries</h3>
              {deliveries[i].length === 0 ? (
                <p class="muted">None yet.</p>
              ) : (
                <div class="scroll">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Event</th>
                        <th scope="col">State</th>
                        <th scope="col">Attempts</th>
                      </tr>
                    </thead>
                    <tbody>
                      {deliveries[i].map((d) => (
                        <tr data-delivery={d.id}>
                          <td>
                            <code>{d.event_id}</code>
                          </td>
                          <td>{d.state}</td>
                          <td>
                            {d.attempts.length === 0
                              ? "not attempted yet"
                              : d.attempts
                                  .map(
                                    (a) =>
                                      `#${a.attempt} ${a.status_code ?? a.error ?? "no answer"} (${a.duration_ms} ms, ${when(a.created_at)})`,
                                  )
                                  .join("; ")}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(team, row)}/webhooks`} meta={endpoints.list_metadata} />
    </Card>,
  );
}

export async function eventsPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow) {
  const events = await listEvents(c.var.db, row.id, { limit: 25, order: "desc", ...page(c) });
  return environmentFrame(
    c,
    team,
    row,
    "events",
    <Card title="Events" id="events">
      <p class="muted">The last 30 days, newest first.</p>
      {events.data.length === 0 ? (
        <p class="muted">No event.</p>
      ) : (
        <ul class="plain">
          {events.data.map((e) => (
            <li data-event={e.id} data-row>
              <code>{e.event}</code> <span class="muted">{when(e.created_at)}</span> <Id value={e.id} />
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${environmentUrl(team, row)}/events`} meta={events.list_metadata} />
    </Card>,
  );
}

/** Rename, delete (never a project's last environment: the rule is said beside the disabled button). */
export async function settingsPage(c: Context<AppEnv>, team: TeamRow, row: EnvironmentRow, state?: FormState) {
  // The sidebar lists the project's first environments: it tells whether this is the last one.
  const nav = await loadNav(c, { team, project: { id: row.projectId, name: "" } });
  const last = nav.envs.data.length < 2;
  const base = environmentUrl(team, row);
  return environmentFrame(
    c,
    team,
    row,
    "settings",
    <>
      <Card title="Rename" id="rename">
        <FormError form="rename" state={state} />
        <form method="post" action={`${base}/rename`}>
          <Field form="rename" name="name" label="Environment name" value={row.name} state={state} required maxlength={100} />
          <div class="row">
            <button type="submit">Rename environment</button>
          </div>
        </form>
      </Card>
      <Card title="Delete this environment" id="delete">
        <FormError form="delete" state={state} />
        <Confirm
          summary="Delete environment…"
          action={`${base}/delete`}
          button={`Delete ${row.name}`}
          explain={`Deleting ${row.name} deletes its keys, applications, users, organizations, connections and webhook endpoints. It cannot be undone.`}
          disabled={last ? "A project must keep at least one environment: this is its last one." : undefined}
        />
      </Card>
    </>,
    state,
    nav,
  );
}
