import * as v from "valibot";
import { notFound } from "../lib/errors";
import { createRouter } from "../lib/router";
import { Id, validate } from "../lib/validation";
import { ListOf, SessionObject } from "../objects/environment-api";
import { findUserSession, listUserSessions, revokeUserSession, serializeUserSession } from "../services/sign-in";
import { getUser } from "../services/users";
import { environmentScope } from "../webhooks/scope";
import { envDoc } from "./doc";
import { ListQuery, pathId } from "./schemas";

const RevokeSession = v.strictObject({ session_id: Id("userSession") });

/** Users' sessions (the SDK's `listSessions` and `revokeSession`), with the environment key. */
export const sessionsRoutes = createRouter()
  .get(
    "/user_management/users/:id/sessions",
    envDoc({
      summary: "List a user's sessions",
      description: "Newest first by default; `status` is `active`, `expired` (30 days passed) or `revoked`.",
      tags: ["User management"],
      responses: { 200: ListOf(SessionObject) },
      errors: ["user_not_found"],
    }),
    validate("query", ListQuery({})),
    async (c) => {
      const user = await getUser(c.var.db, c.var.environment.id, pathId(c, "user", "user"));
      return c.json(await listUserSessions(c.var.db, c.var.environment.id, user.id, c.req.valid("query")));
    },
  )
  .post(
    "/user_management/sessions/revoke",
    envDoc({
      summary: "Revoke a session",
      description: "Ends the session at once: its refresh tokens stop working (its access tokens expire within 5 minutes).",
      tags: ["User management"],
      responses: { 200: SessionObject },
      errors: ["session_not_found"],
      post: true,
      write: true,
    }),
    validate("json", RevokeSession),
    async (c) => {
      const { session_id } = c.req.valid("json");
      const environmentId = c.var.environment.id;
      const revoked = await revokeUserSession(environmentScope(c), environmentId, session_id);
      const session = revoked ?? (await findUserSession(c.var.db, environmentId, session_id));
      if (!session) throw notFound("session", session_id);
      return c.json(serializeUserSession(session));
    },
  );
