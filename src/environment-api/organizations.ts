import { createOrganization, deleteOrganization, updateOrganization } from "../commands/organizations";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { queryList } from "../middleware/query-list";
import { ListOf } from "../schemas/fields";
import { CreateOrganization, ListOrganizations, OrganizationObject, UpdateOrganization } from "../schemas/organizations";
import {
  getOrganization,
  getOrganizationByExternalId,
  listOrganizations,
  serializeOrganization,
} from "../services/organizations";
import { envDoc } from "./doc";

const orgId = (c: Parameters<typeof pathId>[0]) => pathId(c, "organization", "organization");

/** `/organizations`: WorkOS organizations with their domains (SDK `workos.organizations.*`). */
export const organizationsRoutes = createRouter()
  .get(
    "/organizations",
    envDoc({
      summary: "List organizations",
      description: "Filter with `domains` (comma-joined, repeated or `domains[]`).",
      tags: ["Organizations"],
      responses: { 200: ListOf(OrganizationObject) },
    }),
    validate("query", ListOrganizations),
    async (c) => {
      const domains = queryList(c, "domains")?.map((d) => d.toLowerCase());
      return c.json(await listOrganizations(c.var.store, c.var.environment.id, { ...c.req.valid("query"), domains }));
    },
  )
  .post(
    "/organizations",
    envDoc({
      summary: "Create an organization",
      tags: ["Organizations"],
      responses: { 201: OrganizationObject },
      errors: ["organization_domain_taken", "external_id_taken"],
      write: true,
      post: true,
    }),
    validate("json", CreateOrganization),
    async (c) => c.json(await createOrganization(environmentKeyScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/organizations/external_id/:external_id",
    envDoc({
      summary: "Get an organization by its external id",
      tags: ["Organizations"],
      responses: { 200: OrganizationObject },
      errors: ["organization_not_found"],
    }),
    async (c) => {
      return c.json(
        serializeOrganization(await getOrganizationByExternalId(c.var.store, c.var.environment.id, c.req.param("external_id"))),
      );
    },
  )
  .get(
    "/organizations/:id",
    envDoc({
      summary: "Get an organization",
      tags: ["Organizations"],
      responses: { 200: OrganizationObject },
      errors: ["organization_not_found"],
    }),
    async (c) => {
      return c.json(serializeOrganization(await getOrganization(c.var.store, c.var.environment.id, orgId(c))));
    },
  )
  .put(
    "/organizations/:id",
    envDoc({
      summary: "Update an organization",
      description:
        "Changes the given fields; `domain_data` replaces the domains (kept ones keep their ids), a null `metadata` value removes its key. " +
        "An update that changes nothing answers the organization as it is and emits no event.",
      tags: ["Organizations"],
      responses: { 200: OrganizationObject },
      errors: ["organization_not_found", "organization_domain_taken", "external_id_taken"],
      write: true,
    }),
    validate("json", UpdateOrganization),
    async (c) => c.json(await updateOrganization(environmentKeyScope(c), { id: orgId(c), ...c.req.valid("json") })),
  )
  .delete(
    "/organizations/:id",
    envDoc({
      summary: "Delete an organization",
      description: "Deletes its domains, memberships and connections with it.",
      tags: ["Organizations"],
      responses: { 204: null },
      errors: ["organization_not_found"],
    }),
    async (c) => {
      await deleteOrganization(environmentKeyScope(c), { id: orgId(c) });
      return c.body(null, 204);
    },
  );
