import { createRouter } from "../../lib/router";
import { listUsers } from "../../services/users";
import { Card, Id, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf } from "./frame";

/** Users, read-only, 25 at a time: they are added and removed on the directory page (./directory.tsx). */
export const usersTab = createRouter().get(`${E}/users`, async (c) => {
  const base = environmentUrl(c.var.team, c.var.environment);
  const users = await listUsers(c.var.store, c.var.environment.id, { limit: 25, order: "desc", ...pageOf(c) });
  return environmentFrame(
    c,
    "users",
    <Card title="Users" id="users">
      <p class="muted">
        Read-only, 25 at a time: add or remove users on the <a href={`${base}/directory`}>users and organizations directory</a>.
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
              <Id value={u.id} /> <span class="muted">last sign-in {when(u.last_sign_in_at)}</span>{" "}
              <a href={`${base}/users/${u.id}/sessions`}>Sessions</a>
            </li>
          ))}
        </ul>
      )}
      <Pager base={`${base}/users`} meta={users.list_metadata} />
    </Card>,
  );
});
