import { changeMemberRole, removeMember } from "../commands/people";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamScope } from "../middleware/command-scope";
import { loadTeam } from "../middleware/path-resources";
import { MemberList, MemberObject, UpdateMember } from "../schemas/members";
import { listMembers, serializeMember } from "../services/people/members";

const BASE = "/teams/:team_id/members";
const memberIdOf = (raw: string) => {
  if (!isId("member", raw)) throw notFound("member", raw);
  return raw;
};

/** A team's members: list, change a role, remove. A team keeps at least one admin (409 team_must_keep_admin). */
export const memberRoutes = createRouter()
  .use(BASE, loadTeam)
  .use(`${BASE}/*`, loadTeam)
  .get(
    BASE,
    doc({
      summary: "List a team's members",
      tags: ["Teams"],
      responses: { 200: MemberList },
      errors: ["team_not_found", "forbidden"],
    }),
    validate("query", ListParams),
    async (c) => c.json(await listMembers(c.var.db, c.var.team.id, c.req.valid("query"))),
  )
  .patch(
    `${BASE}/:member_id`,
    doc({
      summary: "Change a member's role",
      tags: ["Teams"],
      responses: { 200: MemberObject },
      errors: ["team_not_found", "member_not_found", "forbidden", "team_must_keep_admin"],
      write: true,
    }),
    validate("json", UpdateMember),
    async (c) => {
      const id = memberIdOf(c.req.param("member_id"));
      const { member, person } = await changeMemberRole(teamScope(c), { id, ...c.req.valid("json") });
      return c.json(serializeMember(member, person));
    },
  )
  .delete(
    `${BASE}/:member_id`,
    doc({
      summary: "Remove a member (their next request is refused)",
      tags: ["Teams"],
      responses: { 204: null },
      errors: ["team_not_found", "member_not_found", "forbidden", "team_must_keep_admin"],
    }),
    async (c) => {
      await removeMember(teamScope(c), { id: memberIdOf(c.req.param("member_id")) });
      return c.body(null, 204);
    },
  );
