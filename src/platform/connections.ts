import * as v from "valibot";
import { createConnection } from "../commands/connections";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { Id, Name, validate } from "../lib/validation";
import { CONNECTION_TYPES } from "../services/connections";
import { ConnectionObject, IDEMPOTENT, IN_ENVIRONMENT } from "./objects";
import { teamEnvironmentScope } from "./resources";

export const CreateConnection = v.strictObject({
  organization_id: Id("organization"),
  connection_type: v.picklist(CONNECTION_TYPES, "must be a connection type such as GenericSAML or OktaSAML."),
  name: Name,
});

/** Creates an SSO connection for an organization of the environment; the environment API lists, reads and deletes it. */
export const connectionsRoutes = createRouter().post(
  "/teams/:team_id/environments/:environment_id/connections",
  doc({
    summary: "Create an SSO connection",
    description:
      "For an organization of the environment (`connection.activated`); the environment API lists, reads and deletes it.",
    tags: ["Environments"],
    responses: { 201: ConnectionObject },
    errors: [...IN_ENVIRONMENT, ...IDEMPOTENT],
    write: true,
  }),
  validate("json", CreateConnection),
  async (c) => c.json(await createConnection(teamEnvironmentScope(c), c.req.valid("json")), 201),
);
