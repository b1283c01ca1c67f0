import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { timingSafeEqual } from "../lib/crypto";
import { unauthorized } from "../lib/errors";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { noRoute } from "../middleware/errors";
import { ListOf } from "../schemas/fields";
import { environmentsAt, moveStep, progress, STEP_PAGES } from "../services/environment-moves";

/**
 * The operator's surface (`/operator`): what `npm run migrate:environments` drives. Authenticated by the
 * OPERATOR_TOKEN secret as a Bearer token; without that secret the surface does not exist (404).
 */
const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.OPERATOR_TOKEN;
  if (!expected) throw noRoute(c.req.method, c.req.path);
  const given = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!given || !timingSafeEqual(given, expected)) throw unauthorized("Missing or wrong operator token.");
  await next();
});

const DataLocation = v.picklist(["d1", "moving", "object"]);

const EnvironmentLocation = v.object({ id: v.string(), data_location: DataLocation });

const TableProgress = v.object({
  table: v.string(),
  rows_copied: v.number(),
  d1_rows: v.number(),
  object_rows: v.number(),
  d1_checksum: v.string(),
  object_checksum: v.string(),
  equal: v.boolean(),
  rows_deleted: v.number(),
});

const MoveProgress = v.object({
  environment_id: v.string(),
  data_location: DataLocation,
  phase: v.picklist(["precopy", "copy", "verify", "settle", "delete", "done", "failed"]),
  table: v.nullable(v.string()),
  attempt: v.number(),
  done: v.boolean(),
  wait_ms: v.number(),
  started_at: v.nullable(v.string()),
  moving_at: v.nullable(v.string()),
  object_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
  writes_refused_ms: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  /** The environment held nothing: moved without copying, its object not made. */
  empty: v.boolean(),
  tables: v.array(TableProgress),
});

const ListQuery = v.object({
  data_location: v.optional(DataLocation, "d1"),
  after: v.optional(v.string()),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "100"),
});

const StepQuery = v.object({
  pages: v.optional(
    v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(STEP_PAGES.max)),
    String(STEP_PAGES.default),
  ),
});

const MOVE = "/environments/:environment_id/move";
const MOVE_ERRORS = ["not_found", "environment_not_found"] as const;

export const operatorRoutes = createRouter()
  .use(requireOperator)
  .get(
    "/environments",
    doc({
      summary: "List environments by where their data is",
      description:
        "The environments whose data is in D1 (`d1`, the default), being moved (`moving`) or in its own object (`object`), in id order; `after` is the last id of the previous page.",
      tags: ["Operator"],
      security: "operator",
      responses: { 200: ListOf(EnvironmentLocation) },
      errors: ["not_found"],
    }),
    validate("query", ListQuery),
    async (c) => {
      const q = c.req.valid("query");
      const page = await environmentsAt(c.var.db, q.data_location, q.after, Number(q.limit));
      return c.json({ object: "list" as const, data: page.data, list_metadata: { before: null, after: page.after } });
    },
  )
  .get(
    MOVE,
    doc({
      summary: "Where an environment's move is",
      tags: ["Operator"],
      security: "operator",
      responses: { 200: MoveProgress },
      errors: [...MOVE_ERRORS],
    }),
    async (c) => {
      const id = c.req.param("environment_id");
      const answer = await progress(c.var.db, id);
      return c.json(answer);
    },
  )
  .post(
    MOVE,
    doc({
      summary: "Move an environment's data into its own object, one step",
      description:
        "Starts the move (the environment's writes answer 503 `environment_migrating` until its data is in its object; its reads are served) or goes on where it is, for at most `pages` pages and about 2 s, and answers where it got to. Call again until `done`; safe to repeat and to stop at any point. In `settle` (or an empty environment's `copy`), wait `wait_ms` first.",
      tags: ["Operator"],
      security: "operator",
      responses: { 200: MoveProgress },
      errors: [...MOVE_ERRORS, "environment_unavailable"],
    }),
    validate("query", StepQuery),
    async (c) => {
      const pages = Number(c.req.valid("query").pages);
      return c.json(await moveStep(c.env, c.var.db, c.req.param("environment_id"), pages));
    },
  );
