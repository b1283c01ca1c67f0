import type { Context } from "hono";
import * as apiKeys from "../../commands/api-keys";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { CreateApiKey } from "../../schemas/api-keys";
import { listApiKeys } from "../../services/api-keys";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Confirm, Field, FormError, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf, shownEnvironment } from "./frame";

const KEY_LABELS = { name: "Name", expires_at: "Expiry" };

/** Secret keys: create (the value shown once, after the redirect), expire with a confirmation. */
async function keysPage(c: Context<AppEnv>, state?: FormState) {
  const team = c.var.team;
  const env = shownEnvironment(c);
  const keys = await listApiKeys(c.var.db, env.id, { limit: 20, order: "desc", ...pageOf(c) });
  const base = environmentUrl(team, env);
  const now = new Date().toISOString();
  return environmentFrame(
    c,
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

export const keysTab = createRouter()
  .get(E, (c) => keysPage(c))
  .post(`${E}/api_keys`, (c) =>
    attempt(
      c,
      "key",
      KEY_LABELS,
      async (f) => {
        const date = text(f, "expires_at");
        // A date picker's day: the key works until the end of that day (UTC).
        const input = check(CreateApiKey, { name: text(f, "name"), expires_at: date ? `${date}T23:59:59.999Z` : undefined });
        const { key, value } = await apiKeys.createApiKey(teamEnvironmentScope(c), input);
        return done(c, environmentUrl(c.var.team, c.var.environment), {
          message: `Secret key ${key.name} created. Copy it now: it won't be shown again.`,
          secret: value,
        });
      },
      (s) => keysPage(c, s),
    ),
  )
  .post(`${E}/api_keys/:key_id/expire`, async (c) => {
    await apiKeys.expireApiKey(teamEnvironmentScope(c), { id: c.req.param("key_id") });
    return done(c, environmentUrl(c.var.team, c.var.environment), {
      message: "Key expired: requests with it are refused from now on.",
    });
  });
