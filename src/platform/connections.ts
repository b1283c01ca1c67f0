import * as v from "valibot";
import { createRouter } from "../lib/router";
import { pathId } from "../environment-api/schemas";
import { Id, Name, validate } from "../lib/validation";
import { CONNECTION_TYPES, createConnection } from "../services/connections";
import { getEnvironment } from "../services/environments";
import { environmentScope } from "../webhooks/scope";
import { loadTeam } from "./teams";

export const CreateConnection = v.strictObject({
  organization_id: Id("organization"),
  connection_type: v.picklist(CONNECTION_TYPES, "must be a connection type such as GenericSAML or OktaSAML."),
  name: Name,
});

const path = "/teams/:team_id/environments/:environment_id/connections";

/** Creates an SSO connection for an organization of the environment; the environment API lists, reads and deletes it. */
export const connectionsRoutes = createRouter()
  .use(path, loadTeam)
  .post(path, validate("json", CreateConnection), async (c) => {
    const environment = await getEnvironment(c.var.db, c.var.team.id, pathId(c, "environment", "environment", "environment_id"));
    return c.json(await createConnection(environmentScope(c, environment), c.req.valid("json")), 201);
  });
