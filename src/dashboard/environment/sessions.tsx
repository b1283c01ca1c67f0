import type { Context } from "hono";
import { revokeSession } from "../../commands/sessions";
import type { AppEnv } from "../../env";
import { notFound } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { teamEnvironmentScope } from "../../middleware/command-scope";
import { pathId } from "../../middleware/path-resources";
import { findUserSession, listUserSessions } from "../../services/sign-in";
import { getUser } from "../../services/users";
import { can } from "../can";
import { done } from "../forms";
import { Card, Confirm, Id, Pager, when } from "../layout";
import { environmentUrl } from "../shell";
import { E, environmentFrame, pageOf } from "./frame";

const sessionsUrl = (c: Context<AppEnv>, userId: string) =>
  `${environmentUrl(c.var.team, c.var.environment)}/users/${userId}/sessions`;

/** The path's user, of this environment (another environment's or team's is 404). */
const pathUser = (c: Context<AppEnv>) => getUser(c.var.store, c.var.environment.id, pathId(c, "user", "user", "user_id"));

/** A user's sessions, newest first, 25 at a time; an active one can be revoked (behind a confirmation). */
export const sessionsTab = createRouter()
  .get(`${E}/users/:user_id/sessions`, async (c) => {
    const env = c.var.environment;
    const user = await pathUser(c);
    const sessions = await listUserSessions(c.var.store, env.id, user.id, { limit: 25, order: "desc", ...pageOf(c) });
    const manage = can(c, "users:manage", env.production ? "production" : "staging");
    const base = sessionsUrl(c, user.id);
    return environmentFrame(
      c,
      "users",
      <Card title={`Sessions of ${user.email}`} id="sessions">
        <p class="muted">
          <Id value={user.id} label="User id" /> <a href={`${environmentUrl(c.var.team, env)}/users`}>← All users</a>
        </p>
        {sessions.data.length === 0 ? (
          <p class="muted">No session: this user has not signed in.</p>
        ) : (
          // Focusable, so a keyboard can scroll the table on a narrow screen.
          <section class="scroll" tabindex={0} aria-label="Sessions table">
            <table>
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Method</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th>IP address</th>
                  <th>User agent</th>
                  {manage && <th>Revoke</th>}
                </tr>
              </thead>
              <tbody>
                {sessions.data.map((s) => (
                  <tr data-session={s.id}>
                    <td>
                      <span class={s.status === "active" ? "badge ok" : "badge"}>{s.status}</span>
                    </td>
                    <td>{s.auth_method}</td>
                    <td>{when(s.created_at)}</td>
                    <td>{s.status === "active" ? when(s.expires_at) : `ended ${when(s.ended_at)}`}</td>
                    <td>{s.ip_address ?? "—"}</td>
                    <td>{s.user_agent ?? "—"}</td>
                    {manage && (
                      <td>
                        {s.status === "active" && (
                          <Confirm
                            summary="Revoke…"
                            action={`${base}/${s.id}/revoke`}
                            button="Revoke the session"
                            explain={`${user.email} is signed out of this session: its refresh token stops working at once.`}
                          />
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <Pager base={base} meta={sessions.list_metadata} />
      </Card>,
    );
  })
  .post(`${E}/users/:user_id/sessions/:session_id/revoke`, async (c) => {
    const user = await pathUser(c);
    const id = pathId(c, "userSession", "session", "session_id");
    // The session must be this user's, of this environment: any other id is not found, whatever it names.
    const session = await findUserSession(c.var.store, c.var.environment.id, id);
    if (session?.userId !== user.id) throw notFound("session", id);
    const revoked = await revokeSession(teamEnvironmentScope(c), { id });
    return done(c, sessionsUrl(c, user.id), {
      message: revoked ? "Session revoked: its refresh token no longer works." : "This session had already ended.",
    });
  });
