import { deleteConnection } from "../commands/connections";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { ConnectionObject, ListConnections } from "../schemas/connections";
import { ListOf } from "../schemas/fields";
import { getConnection, listConnections } from "../services/connections";
import { envDoc } from "./doc";

const connectionId = (c: Parameters<typeof pathId>[0]) => pathId(c, "connection", "connection");

/** `/connections`: SSO connections (SDK `workos.sso.listConnections/getConnection/deleteConnection`); created through the Platform API. */
export const connectionsRoutes = createRouter()
  .get(
    "/connections",
    envDoc({
      summary: "List SSO connections",
      description: "Filter by `connection_type`, `organization_id` or `domain` (one of the organization's domains).",
      tags: ["SSO"],
      responses: { 200: ListOf(ConnectionObject) },
    }),
    validate("query", ListConnections),
    async (c) => c.json(await listConnections(c.var.store, c.var.environment.id, c.req.valid("query"))),
  )
  .get(
    "/connections/:id",
    envDoc({
      summary: "Get an SSO connection",
      tags: ["SSO"],
      responses: { 200: ConnectionObject },
      errors: ["connection_not_found"],
    }),
    async (c) => c.json(await getConnection(c.var.store, c.var.environment.id, connectionId(c))),
  )
  .delete(
    "/connections/:id",
    envDoc({ summary: "Delete an SSO connection", tags: ["SSO"], responses: { 204: null }, errors: ["connection_not_found"] }),
    async (c) => {
      await deleteConnection(environmentKeyScope(c), { id: connectionId(c) });
      return c.body(null, 204);
    },
  );
