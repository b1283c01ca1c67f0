import * as v from "valibot";
import { ApiError } from "../lib/errors";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { queryList } from "../middleware/query-list";
import { EventNames, EventObject, ListEvents } from "../schemas/events";
import { ListOf } from "../schemas/fields";
import { listEvents } from "../services/environment-events";
import { envDoc } from "./doc";

/** `GET /events`: the environment's events of the last 30 days (SDK `workos.events.listEvents`). */
export const eventsRoutes = createRouter().get(
  "/events",
  envDoc({
    summary: "List events",
    description:
      "The environment's events of the last 30 days, newest first by default. Filter by `events` (names, comma-joined, repeated or `events[]`), " +
      "`organization_id`, `range_start` and `range_end` (ISO 8601).",
    tags: ["Events"],
    responses: { 200: ListOf(EventObject) },
  }),
  validate("query", ListEvents),
  async (c) => {
    const query = c.req.valid("query");
    const names = v.safeParse(EventNames, queryList(c, "events") ?? []);
    if (!names.success)
      throw new ApiError("invalid_parameters", `Invalid parameters. events: ${names.issues[0].message}`, {
        errors: [{ field: "events", code: "invalid_value", message: names.issues[0].message }],
      });
    if (query.range_start && query.range_end && query.range_end < query.range_start)
      throw new ApiError("invalid_parameters", "Invalid parameters. range_end: must not be before range_start.", {
        errors: [{ field: "range_end", code: "out_of_range", message: "must not be before range_start." }],
      });
    return c.json(await listEvents(c.var.store, c.var.environment.id, { ...query, events: names.output }));
  },
);
