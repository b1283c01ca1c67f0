import type { Context } from "hono";
import * as environments from "../../commands/environments";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { PatchEnvironment } from "../../schemas/environments";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Confirm, Field, FormError } from "../layout";
import { ENVIRONMENT_LABELS } from "../pages/project";
import { environmentUrl, loadNav, projectUrl } from "../shell";
import { E, environmentFrame } from "./frame";

/** Rename, delete (never a project's last environment: the rule is said beside the disabled button). */
async function settingsPage(c: Context<AppEnv>, state?: FormState) {
  const { team, environment: row } = c.var;
  // The sidebar lists the project's first environments: it tells whether this is the last one.
  const nav = await loadNav(c, { team, project: { id: row.projectId, name: "" } });
  const last = nav.envs.data.length < 2;
  const base = environmentUrl(team, row);
  return environmentFrame(
    c,
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

export const settingsTab = createRouter()
  .get(`${E}/settings`, (c) => settingsPage(c))
  .post(`${E}/rename`, (c) =>
    attempt(
      c,
      "rename",
      ENVIRONMENT_LABELS,
      async (f) => {
        const { name } = check(PatchEnvironment, { name: text(f, "name") });
        await environments.updateEnvironment(teamEnvironmentScope(c), { name });
        return done(c, `${environmentUrl(c.var.team, c.var.environment)}/settings`, {
          message: `Environment renamed to ${name}.`,
        });
      },
      (s) => settingsPage(c, s),
    ),
  )
  .post(`${E}/delete`, (c) =>
    attempt(
      c,
      "delete",
      ENVIRONMENT_LABELS,
      async () => {
        const env = c.var.environment;
        await environments.deleteEnvironment(teamEnvironmentScope(c));
        return done(c, projectUrl(c.var.team, { id: env.projectId }), { message: `Environment ${env.name} deleted.` });
      },
      (s) => settingsPage(c, s),
    ),
  );
