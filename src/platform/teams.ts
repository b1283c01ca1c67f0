import { createTeam, putBilling } from "../commands/teams";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { callerScope, teamScope } from "../middleware/command-scope";
import { ListOf } from "../schemas/fields";
import {
  Billing,
  BillingObject,
  CreateTeam,
  StoreDeletionObject,
  TeamEventObject,
  TeamObject,
  UsageObject,
  UsageQuery,
} from "../schemas/teams";
import { listStoreDeletions } from "../services/store-deletions";
import { listTeamEvents } from "../services/team-events";
import { getBilling, listTeams, serializeBilling, serializeTeam } from "../services/teams";
import { pricingOf, teamUsage } from "../services/usage";
import { IDEMPOTENT, IN_TEAM } from "./doc";

export const teamRoutes = createRouter()
  .post(
    "/teams",
    doc({
      summary: "Create a team",
      description:
        "A new team of the calling client, with a default project holding `Staging` and `Production` (locked until billing).",
      tags: ["Teams"],
      responses: { 201: TeamObject },
      errors: IDEMPOTENT,
      write: true,
    }),
    validate("json", CreateTeam),
    async (c) => c.json(serializeTeam(await createTeam(callerScope(c), c.req.valid("json"))), 201),
  )
  .get(
    "/teams",
    doc({ summary: "List the client's teams", tags: ["Teams"], responses: { 200: ListOf(TeamObject) } }),
    validate("query", ListParams),
    async (c) => c.json(await listTeams(c.var.db, c.var.caller, c.req.valid("query"))),
  )
  .get("/teams/:team_id", doc({ summary: "Get a team", tags: ["Teams"], responses: { 200: TeamObject }, errors: IN_TEAM }), (c) =>
    c.json(serializeTeam(c.var.team)),
  )
  .put(
    "/teams/:team_id/billing",
    doc({
      summary: "Add or replace billing",
      description: "Production becomes Active: every production environment of the team is unlocked.",
      tags: ["Teams"],
      responses: { 200: BillingObject },
      errors: IN_TEAM,
      write: true,
    }),
    validate("json", Billing),
    async (c) => {
      const { billing } = await putBilling(teamScope(c), c.req.valid("json"));
      return c.json(serializeBilling(c.var.team.id, billing));
    },
  )
  .get(
    "/teams/:team_id/billing",
    doc({
      summary: "Get billing",
      tags: ["Teams"],
      responses: { 200: BillingObject },
      errors: [...IN_TEAM, "billing_not_found"],
    }),
    async (c) => c.json(serializeBilling(c.var.team.id, await getBilling(c.var.db, c.var.team))),
  )
  .get(
    "/teams/:team_id/usage",
    doc({ summary: "Get usage and its price for a month", tags: ["Teams"], responses: { 200: UsageObject }, errors: IN_TEAM }),
    validate("query", UsageQuery),
    async (c) =>
      c.json(await teamUsage(c.var.db, pricingOf(c.env), c.var.team, c.req.valid("query").period, c.req.valid("query"))),
  )
  .get(
    "/teams/:team_id/deletions",
    doc({
      summary: "List environment deletions still erasing data",
      description:
        "A deleted environment is gone at once; the data it kept in its own store is erased just after, and retried until it " +
        "succeeds. Each environment is listed here, pending, until its data is erased.",
      tags: ["Teams"],
      responses: { 200: ListOf(StoreDeletionObject) },
      errors: IN_TEAM,
    }),
    validate("query", ListParams),
    async (c) => c.json(await listStoreDeletions(c.var.db, c.var.team.id, c.req.valid("query"))),
  )
  .get(
    "/teams/:team_id/events",
    doc({ summary: "List the team's activity", tags: ["Teams"], responses: { 200: ListOf(TeamEventObject) }, errors: IN_TEAM }),
    validate("query", ListParams),
    async (c) => c.json(await listTeamEvents(c.var.db, c.var.team.id, c.req.valid("query"))),
  );
