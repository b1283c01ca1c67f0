import type { Context } from "hono";
import { changeMemberRole, inviteToTeam, removeMember, revokeInvitation } from "../../commands/people";
import { ROLES, type Role } from "../../db/schema";
import type { AppEnv } from "../../env";
import { createRouter } from "../../lib/router";
import { teamScope } from "../../middleware/command-scope";
import { CreateInvitation } from "../../schemas/invitations";
import { UpdateMember } from "../../schemas/members";
import { getInvitation, listInvitations } from "../../services/people/invitations";
import { listMembers } from "../../services/people/members";
import { can } from "../can";
import { attempt, check, done, type FormState, text } from "../forms";
import { Card, Confirm, Field, FormError } from "../layout";
import { render, teamUrl } from "../shell";

const INVITATION_LABELS = { email: "Email", role_slug: "Role" };

/** Rows per list on this page; a plain link goes on to the next ones. */
const PAGE = 100;

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r }));
const membersUrl = (c: Context<AppEnv>) => `${teamUrl(c.var.team)}/members`;

/** What the members page shows: a page of members and one of pending invitations, and whether the caller manages them. */
async function loadMembers(c: Context<AppEnv>) {
  const team = c.var.team;
  const [members, invitations] = await Promise.all([
    listMembers(c.var.db, team.id, { limit: PAGE, order: "asc", after: c.req.query("after") }),
    listInvitations(c.var.db, team.id, { limit: PAGE, order: "desc", state: "pending", after: c.req.query("invitations_after") }),
  ]);
  return { team, members, invitations, base: membersUrl(c), manage: can(c, "members:manage") };
}

type Members = Awaited<ReturnType<typeof loadMembers>>;
type Props = { data: Members; state?: FormState };

/** The team's members (role changes, removal) and pending invitations (resend, revoke), and a new invitation. */
async function membersPage(c: Context<AppEnv>, state?: FormState) {
  const data = await loadMembers(c);
  return render(
    c,
    { team: data.team, section: "members" },
    "Members",
    <>
      <h1>Members</h1>
      <MemberList data={data} state={state} />
      <PendingInvitations data={data} />
      {data.manage && <Invite data={data} state={state} />}
    </>,
    state?.status ?? 200,
  );
}

const RoleSelect = ({ base, m }: { base: string; m: { id: string; email: string; role_slug: Role } }) => (
  <form class="inline" method="post" action={`${base}/${m.id}/role`}>
    <select name="role_slug" aria-label={`Role of ${m.email}`}>
      {ROLES.map((r) => (
        <option value={r} selected={r === m.role_slug}>
          {r}
        </option>
      ))}
    </select>{" "}
    <button class="secondary" type="submit">
      Change role
    </button>
  </form>
);

function MemberList({ data, state }: Props) {
  const { team, members, base, manage } = data;
  return (
    <Card title="People on this team" id="members">
      <FormError form="member" state={state} />
      <div class="scroll">
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
                <td>{manage ? <RoleSelect base={base} m={m} /> : m.role_slug}</td>
                {manage && (
                  <td>
                    <Confirm
                      summary="Remove"
                      action={`${base}/${m.id}/remove`}
                      button="Remove from the team"
                      explain={`${m.email} loses access to ${team.name} and is signed out of it.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {members.list_metadata.after && (
        <p>
          <a href={`${base}?after=${members.list_metadata.after}`}>More members →</a>
        </p>
      )}
    </Card>
  );
}

function PendingInvitations({ data }: Props) {
  const { team, invitations, base, manage } = data;
  return (
    <Card title="Pending invitations" id="invitations">
      <div class="scroll">
        <table>
          <tbody>
            {invitations.data.map((i) => (
              <tr data-invitation={i.email}>
                <td>{i.email}</td>
                <td>{i.role_slug}</td>
                <td class="muted">expires {i.expires_at.slice(0, 10)}</td>
                {manage && (
                  <td>
                    <form class="inline" method="post" action={`${teamUrl(team)}/invitations/${i.id}/resend`}>
                      <button class="secondary" type="submit">
                        Resend
                      </button>
                    </form>{" "}
                    <Confirm
                      summary="Revoke"
                      action={`${teamUrl(team)}/invitations/${i.id}/revoke`}
                      button="Revoke the invitation"
                      explain={`The link sent to ${i.email} stops working.`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {invitations.data.length === 0 && <p class="muted">None.</p>}
      {invitations.list_metadata.after && (
        <p>
          <a href={`${base}?invitations_after=${invitations.list_metadata.after}`}>More invitations →</a>
        </p>
      )}
    </Card>
  );
}

function Invite({ data, state }: Props) {
  const { team } = data;
  return (
    <Card title="Invite someone" id="invite">
      <FormError form="invite" state={state} />
      <form method="post" action={`${teamUrl(team)}/invitations`}>
        <Field form="invite" name="email" label="Email" type="email" state={state} required />
        <Field form="invite" name="role_slug" label="Role" value="member" options={ROLE_OPTIONS} state={state} />
        <button type="submit">Send the invitation</button>
      </form>
    </Card>
  );
}

const T = "/teams/:team_id";

export const memberRoutes = createRouter()
  .get(`${T}/members`, (c) => membersPage(c))
  .post(`${T}/invitations`, (c) =>
    attempt(
      c,
      "invite",
      INVITATION_LABELS,
      async (f) => {
        const input = check(CreateInvitation, { email: text(f, "email"), role_slug: text(f, "role_slug") });
        const { invitation, created } = await inviteToTeam(teamScope(c), input);
        return done(c, membersUrl(c), {
          message: created ? `Invitation sent to ${invitation.email}.` : `Invitation sent again to ${invitation.email}.`,
        });
      },
      (s) => membersPage(c, s),
    ),
  )
  .post(`${T}/invitations/:invitation_id/resend`, async (c) => {
    const invitation = await getInvitation(c.var.db, c.var.team.id, c.req.param("invitation_id"));
    await inviteToTeam(teamScope(c), { email: invitation.email, role_slug: invitation.role });
    return done(c, membersUrl(c), { message: `Invitation sent again to ${invitation.email}.` });
  })
  .post(`${T}/invitations/:invitation_id/revoke`, async (c) => {
    const revoked = await revokeInvitation(teamScope(c), { id: c.req.param("invitation_id") });
    return done(c, membersUrl(c), { message: `The invitation of ${revoked.email} is revoked.` });
  })
  .post(`${T}/members/:member_id/role`, (c) =>
    attempt(
      c,
      "member",
      INVITATION_LABELS,
      async (f) => {
        const { role_slug } = check(UpdateMember, { role_slug: text(f, "role_slug") });
        const { person } = await changeMemberRole(teamScope(c), { id: c.req.param("member_id"), role_slug });
        return done(c, membersUrl(c), { message: `${person.email} is now ${role_slug}.` });
      },
      (s) => membersPage(c, s),
    ),
  )
  .post(`${T}/members/:member_id/remove`, (c) =>
    attempt(
      c,
      "member",
      INVITATION_LABELS,
      async () => {
        await removeMember(teamScope(c), { id: c.req.param("member_id") });
        return done(c, membersUrl(c), { message: "Member removed." });
      },
      (s) => membersPage(c, s),
    ),
  );
