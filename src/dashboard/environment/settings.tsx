import type { Context } from "hono";
import * as environments from "../../commands/environments";
import { rotateSigningKey } from "../../commands/signing-keys";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { PatchEnvironment } from "../../schemas/environments";
import { listSigningKeys, serializeSigningKey } from "../../services/sign-in";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Confirm, Field, FormError, when } from "../layout";
import { ENVIRONMENT_LABELS } from "../pages/project";
import { environmentUrl, loadNav, projectUrl } from "../shell";
import { E, environmentFrame } from "./frame";

/**
 * Rename, sign-in settings (email verification, the token signing keys and their rotation), delete (never a
 * project's last environment: the rule is said beside the disabled button).
 */
async function settingsPage(c: Context<AppEnv>, state?: FormState) {
  const { team, environment: row } = c.var;
  // The sidebar lists the project's first environments: it tells whether this is the last one.
  const [nav, keys] = await Promise.all([
    loadNav(c, { team, project: { id: row.projectId, name: "" } }),
    listSigningKeys(c.var.store, row.id),
  ]);
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
      <Card title="Sign-in" id="sign-in-settings">
        <FormError form="sign-in" state={state} />
        <form method="post" action={`${base}/require_email_verification`}>
          <div>
            <input
              type="checkbox"
              id="sign-in-require_email_verification"
              name="require_email_verification"
              value="yes"
              checked={row.requireEmailVerification}
            />{" "}
            <label for="sign-in-require_email_verification">Require a verified email address to sign in</label>
            <p class="hint">A user whose email is not verified is asked for a verification code before their first session.</p>
          </div>
          <div class="row">
            <button type="submit">Save sign-in settings</button>
          </div>
        </form>
      </Card>
      <Card title="Token signing keys" id="signing-keys">
        <p class="muted">
          The keys that sign this environment's access and ID tokens (RS256, published in its JWKS). After a rotation the previous
          key keeps verifying the tokens it signed until they expire (5 minutes); refresh tokens keep working.
        </p>
        {keys.length === 0 ? (
          <p class="muted">No key yet: the first is made when a token is first signed.</p>
        ) : (
          <ul class="plain" id="signing-key-list">
            {keys
              .map(serializeSigningKey)
              .reverse()
              .map((k) => (
                <li data-signing-key={k.id} data-row>
                  <code>{k.id}</code> <span class={k.status === "current" ? "badge ok" : "badge"}>{k.status}</span>{" "}
                  <span class="muted">
                    created {when(k.created_at)}
                    {k.retired_at && `, retired ${when(k.retired_at)}`}
                  </span>
                </li>
              ))}
          </ul>
        )}
        <Confirm
          summary="Rotate…"
          action={`${base}/signing_keys/rotate`}
          button="Rotate the signing key"
          explain="A new key signs every token from now on. Tokens signed by the current key stay valid until they expire; a verifier that cached the JWKS must fetch it again."
        />
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
  .post(`${E}/require_email_verification`, (c) =>
    attempt(
      c,
      "sign-in",
      ENVIRONMENT_LABELS,
      async (f) => {
        const input = check(PatchEnvironment, { require_email_verification: text(f, "require_email_verification") === "yes" });
        const env = await environments.updateEnvironment(teamEnvironmentScope(c), input);
        return done(c, `${environmentUrl(c.var.team, c.var.environment)}/settings`, {
          message: env.requireEmailVerification
            ? "Sign-in now requires a verified email address."
            : "Sign-in no longer requires a verified email address.",
        });
      },
      (s) => settingsPage(c, s),
    ),
  )
  .post(`${E}/signing_keys/rotate`, async (c) => {
    await rotateSigningKey(teamEnvironmentScope(c));
    return done(c, `${environmentUrl(c.var.team, c.var.environment)}/settings`, {
      message: "Signing key rotated: new tokens are signed with the new key.",
    });
  })
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
