import * as v from "valibot";
import { revokeSession } from "../commands/sessions";
import { notFound } from "../lib/errors";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { ListOf, ListQuery, PrefixedId } from "../schemas/fields";
import { SessionObject } from "../schemas/sessions";
import { findUserSession, listUserSessions, serializeUserSession } from "../services/sign-in";
import { getUser } from "../services/users";
import { envDoc } from "./doc";

const RevokeSession = v.strictObject({ session_id: PrefixedId("userSession") });

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
      const user = await getUser(c.var.store, c.var.environment.id, pathId(c, "user", "user"));
      return c.json(await listUserSessions(c.var.store, c.var.environment.id, user.id, c.req.valid("query")));
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
      const revoked = await revokeSession(environmentKeyScope(c), { id: session_id });
      const session = revoked ?? (await findUserSession(c.var.store, environmentId, session_id));
      if (!session) throw notFound("session", session_id);
      return c.json(serializeUserSession(session));
    },
  );
