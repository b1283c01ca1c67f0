import { createConnection } from "../commands/connections";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { teamEnvironmentScope } from "../middleware/command-scope";
import { ConnectionObject, CreateConnection } from "../schemas/connections";
import { IDEMPOTENT, OF_ENVIRONMENT_DATA } from "./doc";

/** Creates an SSO connection for an organization of the environment; the environment API lists, reads and deletes it. */
export const connectionsRoutes = createRouter().post(
  "/teams/:team_id/environments/:environment_id/connections",
  doc({
    summary: "Create an SSO connection",
    description:
      "For an organization of the environment (`connection.activated`); the environment API lists, reads and deletes it.",
    tags: ["Environments"],
    responses: { 201: ConnectionObject },
    errors: [...OF_ENVIRONMENT_DATA, ...IDEMPOTENT],
    write: true,
  }),
  validate("json", CreateConnection),
  async (c) => c.json(await createConnection(teamEnvironmentScope(c), c.req.valid("json")), 201),
);
