import * as v from "valibot";
import { createRouter } from "../lib/router";
import { Email, Id, validate } from "../lib/validation";
import { createUser, deleteUser, getUser, getUserByExternalId, listUsers, serializeUser, updateUser } from "../services/users";
import { environmentScope } from "../webhooks/scope";
import { ExternalId, ListQuery, Metadata, MetadataPatch, PersonName, pathId } from "./schemas";

/** Hash formats WorkOS imports; a password itself is hashed here. */
const PASSWORD_HASH_TYPES = ["bcrypt", "firebase-scrypt", "ssha", "scrypt", "pbkdf2", "argon2"] as const;

const userFields = {
  email_verified: v.optional(v.boolean()),
  password: v.optional(v.pipe(v.string(), v.minLength(8, "must be at least 8 characters."), v.maxLength(256, "must be at most 256 characters."))),
  password_hash: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty."), v.maxLength(1024, "must be at most 1024 characters."))),
  password_hash_type: v.optional(v.picklist(PASSWORD_HASH_TYPES, `must be one of ${PASSWORD_HASH_TYPES.join(", ")}.`)),
  name: v.optional(v.nullable(PersonName)),
  first_name: v.optional(v.nullable(PersonName)),
  last_name: v.optional(v.nullable(PersonName)),
  external_id: v.optional(v.nullable(ExternalId)),
  locale: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, "must be a locale such as en or en-US.")))),
};

/** A password, or an imported hash with its type: never both, never a hash without its type. */
const passwordRules = <T extends v.GenericSchema<{ password?: string; password_hash?: string; password_hash_type?: string }>>(schema: T) =>
  v.pipe(
    schema,
    v.forward(
      v.check((u) => !(u.password !== undefined && u.password_hash !== undefined), "send either password or password_hash, not both."),
      ["password_hash" as never],
    ),
    v.forward(
      v.check((u) => (u.password_hash === undefined) === (u.password_hash_type === undefined), "password_hash and password_hash_type go together."),
      ["password_hash_type" as never],
    ),
  );

const CreateUser = passwordRules(v.strictObject({ email: Email, ...userFields, metadata: v.optional(Metadata) }));
const UpdateUser = passwordRules(v.strictObject({ email: v.optional(Email), ...userFields, metadata: v.optional(MetadataPatch) }));
const ListUsers = ListQuery({ email: v.optional(v.pipe(v.string(), v.maxLength(320))), organization_id: v.optional(Id("organization")) });

/** `/user_management/users` (SDK `workos.userManagement.*User*`). */
export const usersRoutes = createRouter()
  .get("/user_management/users", validate("query", ListUsers), async (c) => c.json(await listUsers(c.var.db, c.var.environment.id, c.req.valid("query"))))
  .post("/user_management/users", validate("json", CreateUser), async (c) => c.json(await createUser(environmentScope(c), c.req.valid("json")), 201))
  .get("/user_management/users/external_id/:external_id", async (c) =>
    c.json(serializeUser(await getUserByExternalId(c.var.db, c.var.environment.id, c.req.param("external_id")))),
  )
  .get("/user_management/users/:id", async (c) => c.json(serializeUser(await getUser(c.var.db, c.var.environment.id, pathId(c, "user", "user")))))
  .put("/user_management/users/:id", validate("json", UpdateUser), async (c) =>
    c.json(await updateUser(environmentScope(c), pathId(c, "user", "user"), c.req.valid("json"))),
  )
  .delete("/user_management/users/:id", async (c) => {
    await deleteUser(environmentScope(c), pathId(c, "user", "user"));
    return c.body(null, 204);
  });
