import * as v from "valibot";
import { createRouter } from "../lib/router";
import { Email, Id, validate } from "../lib/validation";
import { ListOf, UserObject } from "../objects/environment-api";
import { createUser, deleteUser, getUser, getUserByExternalId, listUsers, serializeUser, updateUser } from "../services/users";
import { environmentScope } from "../webhooks/scope";
import { envDoc } from "./doc";
import { ExternalId, ListQuery, Metadata, MetadataPatch, PersonName, pathId } from "./schemas";

/** Hash formats WorkOS imports; a password itself is hashed here. */
const PASSWORD_HASH_TYPES = ["bcrypt", "firebase-scrypt", "ssha", "scrypt", "pbkdf2", "argon2"] as const;

const userFields = {
  email_verified: v.optional(v.boolean()),
  password: v.optional(
    v.pipe(v.string(), v.minLength(8, "must be at least 8 characters."), v.maxLength(256, "must be at most 256 characters.")),
  ),
  password_hash: v.optional(
    v.pipe(v.string(), v.nonEmpty("must not be empty."), v.maxLength(1024, "must be at most 1024 characters.")),
  ),
  password_hash_type: v.optional(v.picklist(PASSWORD_HASH_TYPES, `must be one of ${PASSWORD_HASH_TYPES.join(", ")}.`)),
  name: v.optional(v.nullable(PersonName)),
  first_name: v.optional(v.nullable(PersonName)),
  last_name: v.optional(v.nullable(PersonName)),
  external_id: v.optional(v.nullable(ExternalId)),
  locale: v.optional(
    v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, "must be a locale such as en or en-US."))),
  ),
};

/** A password, or an imported hash with its type: never both, never a hash without its type. */
const passwordRules = <T extends v.GenericSchema<{ password?: string; password_hash?: string; password_hash_type?: string }>>(
  schema: T,
) =>
  v.pipe(
    schema,
    v.forward(
      v.check(
        (u) => !(u.password !== undefined && u.password_hash !== undefined),
        "send either password or password_hash, not both.",
      ),
      ["password_hash" as never],
    ),
    v.forward(
      v.check(
        (u) => (u.password_hash === undefined) === (u.password_hash_type === undefined),
        "password_hash and password_hash_type go together.",
      ),
      ["password_hash_type" as never],
    ),
  );

const CreateUser = passwordRules(v.strictObject({ email: Email, ...userFields, metadata: v.optional(Metadata) }));
const UpdateUser = passwordRules(
  v.strictObject({ email: v.optional(Email), ...userFields, metadata: v.optional(MetadataPatch) }),
);
const userId = (c: Parameters<typeof pathId>[0]) => pathId(c, "user", "user");

const ListUsers = ListQuery({
  email: v.optional(v.pipe(v.string(), v.maxLength(320))),
  organization_id: v.optional(Id("organization")),
});

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
    async (c) => c.json(await listUsers(c.var.db, c.var.environment.id, c.req.valid("query"))),
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
    async (c) => c.json(await createUser(environmentScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/user_management/users/external_id/:external_id",
    envDoc({
      summary: "Get a user by their external id",
      tags: ["User management"],
      responses: { 200: UserObject },
      errors: ["user_not_found"],
    }),
    async (c) => c.json(serializeUser(await getUserByExternalId(c.var.db, c.var.environment.id, c.req.param("external_id")))),
  )
  .get(
    "/user_management/users/:id",
    envDoc({ summary: "Get a user", tags: ["User management"], responses: { 200: UserObject }, errors: ["user_not_found"] }),
    async (c) => c.json(serializeUser(await getUser(c.var.db, c.var.environment.id, userId(c)))),
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
    async (c) => c.json(await updateUser(environmentScope(c), userId(c), c.req.valid("json"))),
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
      await deleteUser(environmentScope(c), userId(c));
      return c.body(null, 204);
    },
  );
