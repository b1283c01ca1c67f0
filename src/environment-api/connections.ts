import * as v from "valibot";
import { createRouter } from "../lib/router";
import { Id, validate } from "../lib/validation";
import { CONNECTION_TYPES, deleteConnection, getConnection, listConnections } from "../services/connections";
import { environmentScope } from "../webhooks/scope";
import { ListQuery, pathId } from "./schemas";

const ListConnections = ListQuery({
  connection_type: v.optional(v.picklist(CONNECTION_TYPES, "must be a connection type such as GenericSAML or OktaSAML.")),
  organization_id: v.optional(Id("organization")),
  domain: v.optional(v.pipe(v.string(), v.maxLength(253))),
});

/** `/connections`: SSO connections (SDK `workos.sso.listConnections/getConnection/deleteConnection`); created through the Platform API. */
export const connectionsRoutes = createRouter()
  .get("/connections", validate("query", ListConnections), async (c) => c.json(await listConnections(c.var.db, c.var.environment.id, c.req.valid("query"))))
  .get("/connections/:id", async (c) => c.json(await getConnection(c.var.db, c.var.environment.id, pathId(c, "connection", "connection"))))
  .delete("/connections/:id", async (c) => {
    await deleteConnection(environmentScope(c), pathId(c, "connection", "connection"));
    return c.body(null, 204);
  });
