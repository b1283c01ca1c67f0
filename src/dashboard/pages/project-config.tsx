import type { Context } from "hono";
import { storeOf } from "../../db/store-client";
import type { AppEnv } from "../../env";
import { listProjectSchemas } from "../../services/audit-logs";
import { listEmailDomains } from "../../services/email-domains";
import { flagStatesOf, listProjectFlags } from "../../services/feature-flags";
import type { FormState } from "../forms";
import { Card, Confirm, Copy, Field, FormError, Id, when } from "../layout";
import { loadNav, projectUrl, render } from "../shell";

export const FLAG_LABELS = {
  slug: "Slug",
  name: "Name",
  description: "Description",
  "tags.*": "Tag",
  tags: "Tags",
  default_value: "Default value",
};
export const DOMAIN_LABELS = { domain: "Domain" };

/** What the page shows of the path's project: a page each of flags (with their states), schemas and domains. */
async function loadProjectConfig(c: Context<AppEnv>) {
  const { team, project } = c.var;
  const [flags, nav, schemas, domains] = await Promise.all([
    listProjectFlags(c.var.db, project.id, { limit: 25, order: "asc", after: c.req.query("flags_after") }),
    // The sidebar reads the project's first environments anyway: the flags' columns are the first 10 of them.
    loadNav(c, { team, project }),
    listProjectSchemas(c.var.db, project.id, { limit: 25, order: "desc", after: c.req.query("schemas_after") }),
    listEmailDomains(c.var.db, project.id, { limit: 25, order: "asc", after: c.req.query("domains_after") }),
  ]);
  const envRows = (nav.envs?.data ?? []).slice(0, 10);
  const located = (nav.envs?.rows ?? []).slice(0, 10);
  // Each environment's state of this page of flags, from its own store (a query per environment): a primary-key
  // seek per flag, a flag without a stored state is off.
  const flagIds = flags.data.map((f) => f.id);
  const states = (await Promise.all(located.map((e) => flagStatesOf(storeOf(c.env, e, c.var.db), e.id, flagIds)))).flat();
  const stored = new Map(states.map((s) => [`${s.environmentId} ${s.flagId}`, s.enabled]));
  return {
    team,
    project,
    nav,
    flags,
    envRows,
    enabled: (envId: string, flagId: string) => stored.get(`${envId} ${flagId}`) ?? false,
    schemas,
    domains,
    base: `${projectUrl(team, project)}/config`,
  };
}

type ProjectConfig = Awaited<ReturnType<typeof loadProjectConfig>>;
type Props = { data: ProjectConfig; state?: FormState };

/** Project-level configuration: feature flags (with each environment's state), Audit Logs schemas, custom email domains. */
export async function projectConfigPage(c: Context<AppEnv>, state?: FormState) {
  const data = await loadProjectConfig(c);
  const { team, project, nav } = data;
  return render(
    c,
    { team, project, nav },
    "Project-level configuration",
    <>
      <h1>{project.name}: project-level configuration</h1>
      <p class="muted">
        Shared by every environment of {project.name}. While the project has any of it, its environments can't be transferred to
        another project.
      </p>
      <FeatureFlags data={data} state={state} />
      <AuditLogSchemas data={data} />
      <EmailDomains data={data} state={state} />
    </>,
    state?.status ?? 200,
  );
}

function FeatureFlags({ data, state }: Props) {
  const { flags, envRows, enabled, base } = data;
  return (
    <Card title="Feature flags" id="feature-flags">
      {flags.data.length === 0 && <p class="muted">No feature flag.</p>}
      <ul class="plain">
        {flags.data.map((f) => (
          <li data-flag={f.slug} data-row>
            <strong>{f.name}</strong> <code>{f.slug}</code> <span class="badge">default {f.default_value ? "on" : "off"}</span>
            {f.tags.map((t) => (
              <span class="badge">{t}</span>
            ))}
            {f.description && <p class="muted">{f.description}</p>}
            <div class="row">
              {envRows.map((e) => (
                <form method="post" action={`${base}/feature_flags/${f.slug}/environments/${e.id}`}>
                  <input type="hidden" name="enabled" value={enabled(e.id, f.id) ? "false" : "true"} />
                  <button
                    type="submit"
                    class="secondary small"
                    aria-pressed={enabled(e.id, f.id) ? "true" : "false"}
                    data-flag-env={e.id}
                  >
                    {e.name}: {enabled(e.id, f.id) ? "on" : "off"}
                  </button>
                </form>
              ))}
            </div>
            <details>
              <summary>Edit {f.name}</summary>
              <FormError form={`flag-${f.slug}`} state={state} />
              <form method="post" action={`${base}/feature_flags/${f.slug}`}>
                <Field form={`flag-${f.slug}`} name="name" label="Name" value={f.name} state={state} required maxlength={100} />
                <Field form={`flag-${f.slug}`} name="description" label="Description" value={f.description ?? ""} state={state} />
                <Field
                  form={`flag-${f.slug}`}
                  name="tags"
                  label="Tags"
                  value={f.tags.join(", ")}
                  state={state}
                  hint="Separated by commas."
                />
                <label class="check">
                  <input type="checkbox" name="default_value" value="true" checked={f.default_value} /> On by default (for
                  everyone not targeted)
                </label>
                <div class="row">
                  <button type="submit">Save flag</button>
                </div>
              </form>
            </details>
            <Confirm
              summary="Delete flag…"
              action={`${base}/feature_flags/${f.slug}/delete`}
              button={`Delete ${f.slug}`}
              explain="The flag disappears from every environment of the project, with its state and targets."
            />
          </li>
        ))}
      </ul>
      {flags.list_metadata.after && (
        <p>
          <a href={`${base}?flags_after=${flags.list_metadata.after}#feature-flags`}>More flags →</a>
        </p>
      )}
      <details open={state?.form === "flag" || flags.data.length === 0}>
        <summary>New feature flag</summary>
        <FormError form="flag" state={state} />
        <form method="post" action={`${base}/feature_flags`}>
          <Field
            form="flag"
            name="slug"
            label="Slug"
            state={state}
            required
            maxlength={100}
            hint="Its key in code: lowercase letters, digits, - and _. It can't change."
            placeholder="new-checkout"
          />
          <Field form="flag" name="name" label="Name" state={state} required maxlength={100} />
          <Field form="flag" name="description" label="Description" state={state} />
          <Field form="flag" name="tags" label="Tags" state={state} hint="Separated by commas." />
          <label class="check">
            <input type="checkbox" name="default_value" value="true" /> On by default
          </label>
          <div class="row">
            <button type="submit">Create flag</button>
          </div>
        </form>
      </details>
    </Card>
  );
}

function AuditLogSchemas({ data }: Props) {
  const { schemas, base } = data;
  return (
    <Card title="Audit Logs schemas" id="audit-log-schemas">
      <p class="muted">Created through the environment API (POST /audit_logs/actions/:action/schemas); every version is kept.</p>
      {schemas.data.length === 0 ? (
        <p class="muted">No schema.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Version</th>
                <th scope="col">Targets</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {schemas.data.map((s) => (
                <tr data-schema={s.action}>
                  <td>
                    <code>{s.action}</code>
                  </td>
                  <td>{s.version}</td>
                  <td>{s.targets.map((t) => t.type).join(", ")}</td>
                  <td>{when(s.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {schemas.list_metadata.after && (
        <a href={`${base}?schemas_after=${schemas.list_metadata.after}#audit-log-schemas`}>More versions →</a>
      )}
    </Card>
  );
}

function EmailDomains({ data, state }: Props) {
  const { domains, base } = data;
  return (
    <Card title="Custom email domains" id="email-domains">
      {domains.data.length === 0 && <p class="muted">No custom email domain.</p>}
      <ul class="plain">
        {domains.data.map((d) => (
          <li data-domain={d.domain} data-row>
            <strong>{d.domain}</strong>{" "}
            <span class={`badge ${d.state === "verified" ? "ok" : d.state === "failed" ? "locked" : ""}`}>{d.state}</span>{" "}
            <Id value={d.id} />
            <p class="hint">Create these DNS records at your DNS provider, then verify:</p>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Name</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {d.dns_records.map((r) => (
                    <tr>
                      <td>{r.type}</td>
                      <td>
                        <code>{r.name}</code> <Copy value={r.name} />
                      </td>
                      <td>
                        <code>{r.value}</code> <Copy value={r.value} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <FormError form={`domain-${d.id}`} state={state} />
            <div class="row">
              <form method="post" action={`${base}/email_domains/${d.id}/verify`}>
                <button class="secondary" type="submit">
                  Verify {d.domain}
                </button>
              </form>
              <Confirm
                summary="Delete domain…"
                action={`${base}/email_domains/${d.id}/delete`}
                button={`Delete ${d.domain}`}
                explain="Email from this domain stops; you would have to verify it again to add it back."
              />
            </div>
          </li>
        ))}
      </ul>
      {domains.list_metadata.after && (
        <a href={`${base}?domains_after=${domains.list_metadata.after}#email-domains`}>More domains →</a>
      )}
      <FormError form="domain" state={state} />
      <form method="post" action={`${base}/email_domains`}>
        <Field form="domain" name="domain" label="New domain" state={state} required placeholder="mail.example.com" />
        <div class="row">
          <button type="submit">Add domain</button>
        </div>
      </form>
    </Card>
  );
}
