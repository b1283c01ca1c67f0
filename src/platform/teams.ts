import * as v from "valibot";
import { createTeam, putBilling } from "../commands/teams";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { createRouter } from "../lib/router";
import { Email, Name, validate } from "../lib/validation";
import { listTeamEvents } from "../services/team-events";
import { getBilling, listTeams, serializeBilling, serializeTeam } from "../services/teams";
import { pricingOf, teamUsage } from "../services/usage";
import { BillingObject, IDEMPOTENT, IN_TEAM, ListOf, TeamEventObject, TeamObject, UsageObject } from "./objects";
import { callerScope, teamScope } from "./resources";

export const CreateTeam = v.strictObject({ name: Name, admin_email: Email });

export const UsageQuery = v.object({
  period: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM.")), () =>
    new Date().toISOString().slice(0, 7),
  ),
  // Pages of projects (with their environments); without `limit`, the whole team as before.
  limit: v.optional(ListParams.entries.limit.wrapped),
  after: ListParams.entries.after,
});

export const Billing = v.strictObject({
  billing_email: Email,
  payment_method: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(4, "must be at least 4 characters."),
    v.maxLength(100, "must be at most 100 characters."),
  ),
});

/** Kept for the dashboard's imports until it takes it from ./resources (the Platform API registers it in ./index.ts). */
export { loadTeam } from "./resources";

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
    "/teams/:team_id/events",
    doc({ summary: "List the team's activity", tags: ["Teams"], responses: { 200: ListOf(TeamEventObject) }, errors: IN_TEAM }),
    validate("query", ListParams),
    async (c) => c.json(await listTeamEvents(c.var.db, c.var.team.id, c.req.valid("query"))),
  );
