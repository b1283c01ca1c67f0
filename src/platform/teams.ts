import * as v from "valibot";
import { createRouter } from "../lib/router";
import { createTeam, putBilling } from "../commands/teams";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { Email, Name, validate } from "../lib/validation";
import { listTeamEvents } from "../services/team-events";
import { pricingOf, teamUsage } from "../services/usage";
import { getBilling, listTeams, serializeBilling, serializeTeam } from "../services/teams";
import { callerScope, teamScope } from "./resources";

const TeamObject = v.object({
  object: v.literal("team"),
  id: v.string(),
  name: v.string(),
  production_state: v.picklist(["Active", "Inactive"]),
  production_enabled_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

export const CreateTeam = v.strictObject({ name: Name, admin_email: Email });

export const UsageQuery = v.object({
  period: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM.")), () => new Date().toISOString().slice(0, 7)),
});

export const Billing = v.strictObject({
  billing_email: Email,
  payment_method: v.pipe(v.string(), v.trim(), v.minLength(4, "must be at least 4 characters."), v.maxLength(100, "must be at most 100 characters.")),
});

/** Kept for the dashboard's imports until it takes it from ./resources (the Platform API registers it in ./index.ts). */
export { loadTeam } from "./resources";

export const teamRoutes = createRouter()
  .post("/teams", validate("json", CreateTeam), async (c) => {
    const team = await createTeam(callerScope(c), c.req.valid("json"));
    return c.json(serializeTeam(team), 201);
  })
  .get("/teams", validate("query", ListParams), async (c) => c.json(await listTeams(c.var.db, c.var.caller, c.req.valid("query"))))
  .get(
    "/teams/:team_id",
    doc({ summary: "Get a team", tags: ["Teams"], responses: { 200: TeamObject }, errors: ["team_not_found"] }),
    (c) => c.json(serializeTeam(c.var.team)),
  )
  .put("/teams/:team_id/billing", validate("json", Billing), async (c) => {
    const { billing } = await putBilling(teamScope(c), c.req.valid("json"));
    return c.json(serializeBilling(c.var.team.id, billing));
  })
  .get("/teams/:team_id/billing", async (c) => c.json(serializeBilling(c.var.team.id, await getBilling(c.var.db, c.var.team))))
  .get("/teams/:team_id/usage", validate("query", UsageQuery), async (c) =>
    c.json(await teamUsage(c.var.db, pricingOf(c.env), c.var.team, c.req.valid("query").period)),
  )
  .get("/teams/:team_id/events", validate("query", ListParams), async (c) =>
    c.json(await listTeamEvents(c.var.db, c.var.team.id, c.req.valid("query"))),
  );
