import type { Context } from "hono";
import type { FC, PropsWithChildren } from "hono/jsx";
import { authorize, type Permission, roleAllows } from "../auth/permissions";
import { createOrganization, deleteOrganization } from "../commands/organizations";
import {
  acceptInvitation,
  changeMemberRole,
  inviteToTeam,
  removeMember,
  revokeInvitation,
  sendPasswordReset,
} from "../commands/people";
import { createUser, deleteUser } from "../commands/users";
import { ROLES, type Role } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { createRouter } from "../lib/router";
import { requestScope, teamScope } from "../middleware/command-scope";
import { loadTeam } from "../middleware/path-resources";
import { clientAddress } from "../middleware/rate-limit";
import { organizationNames } from "../services/environment-summary";
import { getEnvironment } from "../services/environments";
import { getInvitation, invitationByToken, invitationState, listInvitations } from "../services/people/invitations";
import { listMembers } from "../services/people/members";
import { passwordProblem } from "../services/people/passwords";
import { completePasswordReset, resetTokenUsable } from "../services/people/sessions";
import { listUsers } from "../services/users";
import { Card, Confirm, Crumbs, EnvironmentBadges, ErrorBox, Notice } from "./layout";
import { requireSession, signInPerson } from "./session";

/**
 * The dashboard's pages for people (issue 11): sign-in with email and password, accepting an invitation,
 * password reset (public), the members page (invite, resend, revoke, change role, remove), and an
 * environment's users and organizations (what `support` works on). Mounted by dashboard/index.tsx before its
 * session guard: the routes behind sign-in here apply `requireSession` and `authorize` themselves.
 */
type Form = Record<string, string | string[]>;
const text = (form: Form, key: string) => (typeof form[key] === "string" ? (form[key] as string).trim() : "");
const raw = (form: Form, key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
const formOf = async (c: Context<AppEnv>) => (await c.req.parseBody({ all: true })) as Form;
const messageOf = (err: unknown) => {
  if (!(err instanceof ApiError)) throw err;
  const fields = (err.details.errors ?? []).map((e) => `${e.field} ${e.message}`).join(" ");
  return fields ? `${err.message.split(".")[0]}: ${fields}` : err.message;
};
const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Whether the signed-in caller may use a permission on the current team (platform clients: always). */
export function can(c: Context<AppEnv>, permission: Permission, tier?: "staging" | "production") {
  const member = c.var.caller?.member;
  return !c.var.caller?.person || (!!member && roleAllows(member.role, permission, tier));
}

const environmentOf = async (c: Context<AppEnv>) => {
  const id = c.req.param("environment_id") ?? "";
  if (!isId("environment", id)) throw notFound("environment", id);
  return getEnvironment(c.var.db, c.var.team.id, id);
};

/** Rows per list on these pages; a plain link goes on to the next ones. */
const PAGE = 100;
const More: FC<PropsWithChildren<{ href: string | null }>> = ({ href, children }) =>
  href ? (
    <p>
      <a href={href}>{children}</a>
    </p>
  ) : null;

function acceptForm(c: Context<AppEnv>, token: string, email: string, error?: string) {
  return c.render(
    <>
      <h1>Join the team</h1>
      <ErrorBox message={error} />
      <Card>
        <p>
          Invitation for <strong>{email}</strong>. Choose your name and a password (at least 10 characters). If you already have
          an account, enter its password.
        </p>
        <form method="post" action="/dashboard/invitations/accept">
          <input type="hidden" name="token" value={token} />
          <label>
            Name <input type="text" name="name" autocomplete="name" />
          </label>
          <label>
            Password <input type="password" name="password" required autocomplete="new-password" />
          </label>
          <button type="submit">Accept the invitation</button>
        </form>
      </Card>
    </>,
    { title: "Accept the invitation" },
  );
}

async function membersPage(c: Context<AppEnv>, notice?: { error?: string; ok?: string }) {
  const team = c.var.team;
  const [members, invitations] = await Promise.all([
    listMembers(c.var.db, team.id, { limit: PAGE, order: "asc", after: c.req.query("after") }),
    listInvitations(c.var.db, team.id, {
      limit: PAGE,
      order: "desc",
      state: "pending",
      after: c.req.query("invitations_after"),
    }),
  ]);
  const base = `/dashboard/teams/${team.id}/members`;
  const manage = can(c, "members:manage");
  const roleOptions = (selected: Role) =>
    ROLES.map((r) => (
      <option value={r} selected={r === selected}>
        {r}
      </option>
    ));
  return c.render(
    <>
      <Crumbs team={team} />
      <h1>Members</h1>
      <ErrorBox message={notice?.error} />
      {notice?.ok && <Notice>{notice.ok}</Notice>}
      <Card title="People on this team">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              {manage && <th />}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr data-member={m.email}>
                <td>{m.name}</td>
                {/* The member's person: a stored row of its own. */}
                <td data-row>{m.email}</td>
                <td>
                  {manage ? (
                    <form class="inline" method="post" action={`/dashboard/teams/${team.id}/members/${m.id}/role`}>
                      <select name="role_slug" aria-label={`Role of ${m.email}`}>
                        {roleOptions(m.role_slug)}
                      </select>{" "}
                      <button class="secondary" type="submit">
                        Change role
                      </button>
                    </form>
                  ) : (
                    m.role_slug
                  )}
                </td>
                {manage && (
                  <td>
                    <Confirm
                      summary="Remove"
                      action={`/dashboard/teams/${team.id}/members/${m.id}/remove`}
                      button="Remove from the team"
                      explain={`${m.email} loses access to ${team.name} and is signed out of it.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <More href={members.list_metadata.after && `${base}?after=${members.list_metadata.after}`}>More members →</More>
      <Card title="Pending invitations">
        <table>
          <tbody>
            {invitations.data.map((i) => (
              <tr data-invitation={i.email}>
                <td>{i.email}</td>
                <td>{i.role_slug}</td>
                <td class="muted">expires {i.expires_at.slice(0, 10)}</td>
                {manage && (
                  <td>
                    <form class="inline" method="post" action={`/dashboard/teams/${team.id}/invitations/${i.id}/resend`}>
                      <button class="secondary" type="submit">
                        Resend
                      </button>
                    </form>{" "}
                    <Confirm
                      summary="Revoke"
                      action={`/dashboard/teams/${team.id}/invitations/${i.id}/revoke`}
                      button="Revoke the invitation"
                      explain={`The link sent to ${i.email} stops working.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {invitations.data.length === 0 && <p class="muted">None.</p>}
        <More href={invitations.list_metadata.after && `${base}?invitations_after=${invitations.list_metadata.after}`}>
          More invitations →
        </More>
      </Card>
      {manage && (
        <Card title="Invite someone">
          <form method="post" action={`/dashboard/teams/${team.id}/invitations`}>
            <label>
              Email <input type="email" name="email" required />
            </label>
            <label>
              Role <select name="role_slug">{roleOptions("member")}</select>
            </label>
            <button type="submit">Send the invitation</button>
          </form>
        </Card>
      )}
    </>,
    { title: "Members", signedIn: true },
  );
}

async function usersPage(c: Context<AppEnv>, error?: string) {
  const env = await environmentOf(c);
  const tier = env.production ? "production" : "staging";
  const [users, orgs] = await Promise.all([
    listUsers(c.var.db, env.id, { limit: PAGE, order: "desc", after: c.req.query("after") }),
    organizationNames(c.var.db, env.id, { limit: PAGE, order: "desc", after: c.req.query("organizations_after") }),
  ]);
  const manage = can(c, "users:manage", tier);
  const base = `/dashboard/teams/${c.var.team.id}/environments/${env.id}`;
  return c.render(
    <>
      <Crumbs team={c.var.team} />
      <h1>
        {env.name} <EnvironmentBadges production={env.production} locked={false} />
      </h1>
      <ErrorBox message={error} />
      <Card title="Users">
        <table>
          <tbody>
            {users.data.map((u) => (
              <tr data-user={u.email}>
                <td>{u.email}</td>
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
        <More href={users.list_metadata.after && `${base}/directory?after=${users.list_metadata.after}`}>More users →</More>
        {manage && (
          <form method="post" action={`${base}/users`}>
            <label>
              Email <input type="email" name="email" required />
            </label>
            <button type="submit">Add a user</button>
          </form>
        )}
      </Card>
      <Card title="Organizations">
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
        <More href={orgs.list_metadata.after && `${base}/directory?organizations_after=${orgs.list_metadata.after}`}>
          More organizations →
        </More>
        {manage && (
          <form method="post" action={`${base}/organizations`}>
            <label>
              Name <input type="text" name="name" required />
            </label>
            <button type="submit">Add an organization</button>
          </form>
        )}
      </Card>
    </>,
    { title: `${env.name}: users and organizations`, signedIn: true },
  );
}

const back = (c: Context<AppEnv>, path: string) => c.redirect(`/dashboard/teams/${c.var.team.id}${path}`, 303);
const guarded = [requireSession, authorize, loadTeam] as const;
const M = "/teams/:team_id";
const UE = "/teams/:team_id/environments/:environment_id";

export const peopleDashboard = createRouter()
  // ---- public ----
  .post("/people/sign-in", async (c) => {
    const form = await formOf(c);
    try {
      const ok = await signInPerson(c, text(form, "email"), raw(form, "password"));
      return c.redirect(ok ? "/dashboard" : "/dashboard/sign-in?failed=person", 303);
    } catch (err) {
      if (err instanceof ApiError && err.code === "rate_limited") return c.redirect("/dashboard/sign-in?failed=throttled", 303);
      throw err;
    }
  })
  .get("/invitations/accept", async (c) => {
    const token = c.req.query("token") ?? "";
    const invitation = await invitationByToken(c.var.db, token);
    if (!invitation)
      return c.render(<ErrorBox message="This invitation link is not valid (a newer one may have been sent)." />, {
        title: "Invitation",
      });
    const state = invitationState(invitation);
    if (state !== "pending") return c.render(<ErrorBox message={`This invitation is ${state}.`} />, { title: "Invitation" });
    return acceptForm(c, token, invitation.email);
  })
  .post("/invitations/accept", async (c) => {
    const form = await formOf(c);
    const token = text(form, "token");
    const outcome = await acceptInvitation(requestScope(c), { token, name: text(form, "name"), password: raw(form, "password") });
    if (!outcome.ok) {
      const invitation = await invitationByToken(c.var.db, token);
      if (invitation && (outcome.reason === "password" || outcome.reason === "name" || outcome.reason === "wrong_password"))
        return acceptForm(c, token, invitation.email, outcome.message);
      return c.render(<ErrorBox message={outcome.message} />, { title: "Invitation" });
    }
    return c.redirect("/dashboard/sign-in?joined=1", 303);
  })
  .get("/password-reset", async (c) => {
    const token = c.req.query("token");
    if (!token)
      return c.render(
        <>
          <h1>Reset your password</h1>
          {c.req.query("sent") && <Notice>If an account has this address, a link to reset its password is on its way.</Notice>}
          {c.req.query("failed") === "throttled" && (
            <ErrorBox message="Too many password-reset requests. Try again in 15 minutes." />
          )}
          <Card>
            <form method="post" action="/dashboard/password-reset/request">
              <label>
                Email <input type="email" name="email" required autocomplete="username" />
              </label>
              <button type="submit">Send me a link</button>
            </form>
          </Card>
        </>,
        { title: "Reset your password" },
      );
    if (!(await resetTokenUsable(c.var.db, token)))
      return c.render(<ErrorBox message="This link is not valid any more. Ask for a new one." />, {
        title: "Reset your password",
      });
    return c.render(
      <>
        <h1>Choose a new password</h1>
        <Card>
          <form method="post" action="/dashboard/password-reset">
            <input type="hidden" name="token" value={token} />
            <label>
              New password <input type="password" name="password" required autocomplete="new-password" />
            </label>
            <button type="submit">Save</button>
          </form>
        </Card>
      </>,
      { title: "Reset your password" },
    );
  })
  .post("/password-reset/request", async (c) => {
    try {
      await sendPasswordReset(requestScope(c), { email: text(await formOf(c), "email"), address: clientAddress(c) });
    } catch (err) {
      if (err instanceof ApiError && err.code === "rate_limited")
        return c.redirect("/dashboard/password-reset?failed=throttled", 303);
      throw err;
    }
    return c.redirect("/dashboard/password-reset?sent=1", 303);
  })
  .post("/password-reset", async (c) => {
    const form = await formOf(c);
    const problem = passwordProblem(raw(form, "password"));
    if (problem) return c.render(<ErrorBox message={problem} />, { title: "Reset your password" });
    const ok = await completePasswordReset(c.var.db, text(form, "token"), raw(form, "password"));
    if (!ok)
      return c.render(<ErrorBox message="This link is not valid any more. Ask for a new one." />, {
        title: "Reset your password",
      });
    return c.redirect("/dashboard/sign-in?reset=1", 303);
  })
  // ---- behind sign-in ----
  .get(`${M}/members`, ...guarded, (c) => membersPage(c))
  .post(`${M}/invitations`, ...guarded, async (c) => {
    const form = await formOf(c);
    const email = text(form, "email");
    const role = text(form, "role_slug");
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 320 || !isRole(role))
      return membersPage(c, { error: "Enter an email address and a role." });
    try {
      const { created } = await inviteToTeam(teamScope(c), { email, role_slug: role });
      return membersPage(c, { ok: created ? `Invitation sent to ${email}.` : `Invitation sent again to ${email}.` });
    } catch (err) {
      return membersPage(c, { error: messageOf(err) });
    }
  })
  .post(`${M}/invitations/:invitation_id/resend`, ...guarded, async (c) => {
    const invitation = await getInvitation(c.var.db, c.var.team.id, c.req.param("invitation_id"));
    await inviteToTeam(teamScope(c), { email: invitation.email, role_slug: invitation.role });
    return back(c, "/members");
  })
  .post(`${M}/invitations/:invitation_id/revoke`, ...guarded, async (c) => {
    await revokeInvitation(teamScope(c), { id: c.req.param("invitation_id") });
    return back(c, "/members");
  })
  .post(`${M}/members/:member_id/role`, ...guarded, async (c) => {
    const role = text(await formOf(c), "role_slug");
    if (!isRole(role)) return membersPage(c, { error: "Choose a role." });
    try {
      await changeMemberRole(teamScope(c), { id: c.req.param("member_id"), role_slug: role });
    } catch (err) {
      return membersPage(c, { error: messageOf(err) });
    }
    return back(c, "/members");
  })
  .post(`${M}/members/:member_id/remove`, ...guarded, async (c) => {
    try {
      await removeMember(teamScope(c), { id: c.req.param("member_id") });
    } catch (err) {
      return membersPage(c, { error: messageOf(err) });
    }
    return back(c, "/members");
  })
  .get(`${UE}/directory`, ...guarded, (c) => usersPage(c))
  .post(`${UE}/users`, ...guarded, async (c) => {
    const env = await environmentOf(c);
    const email = text(await formOf(c), "email");
    try {
      await createUser({ ...teamScope(c), environment: env }, { email });
    } catch (err) {
      return usersPage(c, messageOf(err));
    }
    return back(c, `/environments/${env.id}/directory`);
  })
  .post(`${UE}/users/:user_id/delete`, ...guarded, async (c) => {
    const env = await environmentOf(c);
    await deleteUser({ ...teamScope(c), environment: env }, { id: c.req.param("user_id") });
    return back(c, `/environments/${env.id}/directory`);
  })
  .post(`${UE}/organizations`, ...guarded, async (c) => {
    const env = await environmentOf(c);
    const name = text(await formOf(c), "name");
    try {
      if (!name || name.length > 100)
        throw new ApiError("validation_failed", "The organization needs a name of 1 to 100 characters.");
      await createOrganization({ ...teamScope(c), environment: env }, { name });
    } catch (err) {
      return usersPage(c, messageOf(err));
    }
    return back(c, `/environments/${env.id}/directory`);
  })
  .post(`${UE}/organizations/:organization_id/delete`, ...guarded, async (c) => {
    const env = await environmentOf(c);
    await deleteOrganization({ ...teamScope(c), environment: env }, { id: c.req.param("organization_id") });
    return back(c, `/environments/${env.id}/directory`);
  });
