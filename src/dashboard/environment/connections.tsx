import type { Context } from "hono";
import * as connections from "../../commands/connections";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { CONNECTION_TYPES, CreateConnection } from "../../schemas/connections";
import { connectionSummaries, organizationNames } from "../../services/environment-summary";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Field, FormError, Id, Pager } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf, shownEnvironment } from "./frame";

const CONNECTION_LABELS = { organization_id: "Organization", connection_type: "Connection type", name: "Name" };

/** Organizations offered by the new connection form. */
const ORGANIZATION_CHOICES = 100;

/** SSO connections: create one for an organization of this environment; list them. */
async function connectionsPage(c: Context<AppEnv>, state?: FormState) {
  const env = shownEnvironment(c);
  const [conns, orgs] = await Promise.all([
    connectionSummaries(c.var.store, env.id, { limit: 25, order: "desc", ...pageOf(c) }),
    organizationNames(c.var.store, env.id, { limit: ORGANIZATION_CHOICES, order: "desc" }),
  ]);
  const base = `${environmentUrl(c.var.team, env)}/connections`;
  return environmentFrame(
    c,
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

export const connectionsTab = createRouter()
  .get(`${E}/connections`, (c) => connectionsPage(c))
  .post(`${E}/connections`, (c) =>
    attempt(
      c,
      "connection",
      CONNECTION_LABELS,
      async (f) => {
        const input = check(CreateConnection, {
          organization_id: text(f, "organization_id"),
          connection_type: text(f, "connection_type"),
          name: text(f, "name"),
        });
        const conn = await connections.createConnection(teamEnvironmentScope(c), input);
        return done(c, `${environmentUrl(c.var.team, c.var.environment)}/connections`, {
          message: `Connection ${conn.name} created.`,
        });
      },
      (s) => connectionsPage(c, s),
    ),
  );
