import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import { createRouter } from "../lib/router";
import type { AppEnv } from "../env";
import { notFound } from "../lib/errors";
import { isId } from "../lib/ids";
import { doc } from "../lib/openapi";
import { ListParams } from "../lib/pagination";
import { Email, Name, validate } from "../lib/validation";
import { listTeamEvents } from "../services/team-events";
import { pricingOf, teamUsage } from "../services/usage";
import { createTeam, getBilling, getTeam, listTeams, putBilling, serializeBilling, serializeTeam } from "../services/teams";

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

/** Loads `:team_id` as the caller's team (404 for a malformed id, a missing team or another client's). */
export const loadTeam = createMiddleware<AppEnv>(async (c, next) => {
  const teamId = c.req.param("team_id") ?? "";
  // Several routers may guard the same path: load the team once per request.
  if (c.var.team?.id !== teamId) {
    if (!isId("team", teamId)) throw notFound("team", teamId);
    c.set("team", await getTeam(c.var.db, c.var.caller, teamId));
  }
  await next();
});

export const teamRoutes = createRouter()
  .post("/teams", validate("json", CreateTeam), async (c) => {
    const team = await createTeam(c.var.db, c.var.caller, c.req.valid("json"));
    return c.json(serializeTeam(team), 201);
  })
  .get("/teams", validate("query", ListParams), async (c) => c.json(await listTeams(c.var.db, c.var.caller, c.req.valid("query"))))
  .get(
    "/teams/:team_id",
    doc({ summary: "Get a team", tags: ["Teams"], responses: { 200: TeamObject }, errors: ["team_not_found"] }),
    loadTeam,
    (c) => c.json(serializeTeam(c.var.team)),
  )
  .put("/teams/:team_id/billing", loadTeam, validate("json", Billing), async (c) => {
    const { billing } = await putBilling(c.var.db, c.var.caller, c.var.team, c.req.valid("json"));
    return c.json(serializeBilling(c.var.team.id, billing));
  })
  .get("/teams/:team_id/billing", loadTeam, async (c) => c.json(serializeBilling(c.var.team.id, await getBilling(c.var.db, c.var.team))))
  .get("/teams/:team_id/usage", loadTeam, validate("query", UsageQuery), async (c) =>
    c.json(await teamUsage(c.var.db, pricingOf(c.env), c.var.team, c.req.valid("query").period)),
  )
  .get("/teams/:team_id/events", loadTeam, validate("query", ListParams), async (c) =>
    c.json(await listTeamEvents(c.var.db, c.var.team.id, c.req.valid("query"))),
  );
