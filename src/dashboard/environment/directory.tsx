import type { Context } from "hono";
import { createOrganization, deleteOrganization } from "../../commands/organizations";
import { createUser, deleteUser } from "../../commands/users";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { CreateOrganization } from "../../schemas/organizations";
import { CreateUser } from "../../schemas/users";
import { organizationNames } from "../../services/environment-summary";
import { listUsers } from "../../services/users";
import { can } from "../can";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Confirm, Field, FormError } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame } from "./frame";

const LABELS = { email: "Email", name: "Name" };

/** Rows per list on this page; a plain link goes on to the next ones. */
const PAGE = 100;

const directoryUrl = (c: Context<AppEnv>) => `${environmentUrl(c.var.team, c.var.environment)}/directory`;

/** The environment's users and organizations, added and deleted here (what the `support` role works on). */
async function directoryPage(c: Context<AppEnv>, state?: FormState) {
  const env = c.var.environment;
  const [users, orgs] = await Promise.all([
    listUsers(c.var.store, env.id, { limit: PAGE, order: "desc", after: c.req.query("after") }),
    organizationNames(c.var.store, env.id, { limit: PAGE, order: "desc", after: c.req.query("organizations_after") }),
  ]);
  const manage = can(c, "users:manage", env.production ? "production" : "staging");
  const base = environmentUrl(c.var.team, env);
  return environmentFrame(
    c,
    "directory",
    <>
      <Card title="Users" id="directory-users">
        <table>
          <tbody>
            {users.data.map((u) => (
              <tr data-user={u.email}>
                <td>
                  <a href={`${base}/users/${u.id}/sessions`}>{u.email}</a>
                </td>
                <td>{[u.first_name, u.last_name].filter(Boolean).join(" ")}</td>
                {manage && (
                  <td>
                    <Confirm
                      summary="Delete"
                      action={`${base}/users/${u.id}/delete`}
                      button="Delete the user"
                      explain={`${u.email} and their memberships are deleted from this environment.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {users.list_metadata.after && (
          <p>
            <a href={`${base}/directory?after=${users.list_metadata.after}`}>More users →</a>
          </p>
        )}
        {manage && (
          <>
            <FormError form="user" state={state} />
            <form method="post" action={`${base}/users`}>
              <Field form="user" name="email" label="Email" type="email" state={state} required />
              <button type="submit">Add a user</button>
            </form>
          </>
        )}
      </Card>
      <Card title="Organizations" id="directory-organizations">
        <table>
          <tbody>
            {orgs.data.map((o) => (
              <tr data-organization={o.name}>
                <td>{o.name}</td>
                {manage && (
                  <td>
                    <Confirm
                      summary="Delete"
                      action={`${base}/organizations/${o.id}/delete`}
                      button="Delete the organization"
                      explain={`${o.name}, its memberships and its SSO connections are deleted from this environment.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {orgs.list_metadata.after && (
          <p>
            <a href={`${base}/directory?organizations_after=${orgs.list_metadata.after}`}>More organizations →</a>
          </p>
        )}
        {manage && (
          <>
            <FormError form="organization" state={state} />
            <form method="post" action={`${base}/organizations`}>
              <Field form="organization" name="name" label="Name" state={state} required maxlength={100} />
              <button type="submit">Add an organization</button>
            </form>
          </>
        )}
      </Card>
    </>,
    state,
  );
}

export const directoryTab = createRouter()
  .get(`${E}/directory`, (c) => directoryPage(c))
  .post(`${E}/users`, (c) =>
    attempt(
      c,
      "user",
      LABELS,
      async (f) => {
        const user = await createUser(teamEnvironmentScope(c), check(CreateUser, { email: text(f, "email") }));
        return done(c, directoryUrl(c), { message: `User ${user.email} added.` });
      },
      (s) => directoryPage(c, s),
    ),
  )
  .post(`${E}/users/:user_id/delete`, async (c) => {
    await deleteUser(teamEnvironmentScope(c), { id: c.req.param("user_id") });
    return done(c, directoryUrl(c), { message: "User deleted." });
  })
  .post(`${E}/organizations`, (c) =>
    attempt(
      c,
      "organization",
      LABELS,
      async (f) => {
        const org = await createOrganization(teamEnvironmentScope(c), check(CreateOrganization, { name: text(f, "name") }));
        return done(c, directoryUrl(c), { message: `Organization ${org.name} added.` });
      },
      (s) => directoryPage(c, s),
    ),
  )
  .post(`${E}/organizations/:organization_id/delete`, async (c) => {
    await deleteOrganization(teamEnvironmentScope(c), { id: c.req.param("organization_id") });
    return done(c, directoryUrl(c), { message: "Organization deleted." });
  });
