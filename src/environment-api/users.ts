import { createUser, deleteUser, updateUser } from "../commands/users";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { environmentKeyScope } from "../middleware/command-scope";
import { pathId } from "../middleware/path-resources";
import { ListOf } from "../schemas/fields";
import { CreateUser, ListUsers, UpdateUser, UserObject } from "../schemas/users";
import { getUser, getUserByExternalId, listUsers, serializeUser } from "../services/users";
import { envDoc } from "./doc";

const userId = (c: Parameters<typeof pathId>[0]) => pathId(c, "user", "user");

/** `/user_management/users` (SDK `workos.userManagement.*User*`). */
export const usersRoutes = createRouter()
  .get(
    "/user_management/users",
    envDoc({
      summary: "List users",
      description: "Filter by `email` or by `organization_id` (the organization's members).",
      tags: ["User management"],
      responses: { 200: ListOf(UserObject) },
    }),
    validate("query", ListUsers),
    async (c) => c.json(await listUsers(c.var.store, c.var.environment.id, c.req.valid("query"))),
  )
  .post(
    "/user_management/users",
    envDoc({
      summary: "Create a user",
      description: "With a `password` (hashed here) or an imported `password_hash` and its `password_hash_type`.",
      tags: ["User management"],
      responses: { 201: UserObject },
      errors: ["email_not_available", "external_id_taken"],
      write: true,
      post: true,
    }),
    validate("json", CreateUser),
    async (c) => c.json(await createUser(environmentKeyScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/user_management/users/external_id/:external_id",
    envDoc({
      summary: "Get a user by their external id",
      tags: ["User management"],
      responses: { 200: UserObject },
      errors: ["user_not_found"],
    }),
    async (c) => c.json(serializeUser(await getUserByExternalId(c.var.store, c.var.environment.id, c.req.param("external_id")))),
  )
  .get(
    "/user_management/users/:id",
    envDoc({ summary: "Get a user", tags: ["User management"], responses: { 200: UserObject }, errors: ["user_not_found"] }),
    async (c) => c.json(serializeUser(await getUser(c.var.store, c.var.environment.id, userId(c)))),
  )
  .put(
    "/user_management/users/:id",
    envDoc({
      summary: "Update a user",
      description:
        "Changes the given fields (null clears an optional one, a null `metadata` value removes its key); a new email is unverified unless " +
        "`email_verified` says otherwise. An update that changes nothing answers the user as they are and emits no event.",
      tags: ["User management"],
      responses: { 200: UserObject },
      errors: ["user_not_found", "email_not_available", "external_id_taken"],
      write: true,
    }),
    validate("json", UpdateUser),
    async (c) => c.json(await updateUser(environmentKeyScope(c), { id: userId(c), ...c.req.valid("json") })),
  )
  .delete(
    "/user_management/users/:id",
    envDoc({
      summary: "Delete a user",
      description: "Deletes their memberships with them.",
      tags: ["User management"],
      responses: { 204: null },
      errors: ["user_not_found"],
    }),
    async (c) => {
      await deleteUser(environmentKeyScope(c), { id: userId(c) });
      return c.body(null, 204);
    },
  );
