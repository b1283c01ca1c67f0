import * as v from "valibot";
import { Email, ExternalId, ListQuery, Metadata, MetadataPatch, PersonName, PrefixedId, Timestamp } from "./fields";

// ---- Input -------------------------------------------------------------------------------------------

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

export const CreateUser = passwordRules(v.strictObject({ email: Email, ...userFields, metadata: v.optional(Metadata) }));
export const UpdateUser = passwordRules(
  v.strictObject({ email: v.optional(Email), ...userFields, metadata: v.optional(MetadataPatch) }),
);

export const ListUsers = ListQuery({
  email: v.optional(v.pipe(v.string(), v.maxLength(320))),
  organization_id: v.optional(PrefixedId("organization")),
});

// ---- Objects -----------------------------------------------------------------------------------------

/** `metadata` in an answer: string keys and values. */
const MetadataObject = v.record(v.string(), v.string());

export const UserObject = v.object({
  object: v.literal("user"),
  id: v.string(),
  email: v.string(),
  email_verified: v.boolean(),
  /** The given name, else first and last names joined, else null. */
  name: v.nullable(v.string()),
  first_name: v.nullable(v.string()),
  last_name: v.nullable(v.string()),
  profile_picture_url: v.nullable(v.string()),
  last_sign_in_at: v.nullable(Timestamp),
  locale: v.nullable(v.string()),
  external_id: v.nullable(v.string()),
  metadata: MetadataObject,
  created_at: Timestamp,
  updated_at: Timestamp,
});
