import * as v from "valibot";
import { type IdKind, isId } from "../lib/ids";
import { ListParams } from "../lib/pagination";

/**
 * Field schemas that several resources share, for input (what a request may send) and output (what an answer
 * holds). Each resource's own schemas are in its module next to this one; every surface imports from here.
 */

// ---- Input fields ------------------------------------------------------------------------------------

const MAX_NAME_LENGTH = 100;

/** A display name: trimmed, 1..100 characters. */
export const Name = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("must not be empty."),
  v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters.`),
);

export const Email = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(320, "must be at most 320 characters."),
  v.email("must be an email address."),
);

/** An id of one kind, e.g. `PrefixedId("project")` accepts `project_01K…` and nothing else. */
export const PrefixedId = (kind: IdKind) =>
  v.pipe(
    v.string(),
    v.check((s) => isId(kind, s), `must be a ${kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} id.`),
  );

/** `metadata`: at most 10 string pairs, keys up to 40 characters, values up to 600 (WorkOS's limits). */
const metadataRecord = <T extends v.GenericSchema>(value: T) =>
  v.pipe(
    // valibot's record takes an array for an empty object: refuse it first.
    v.unknown(),
    v.check((input) => !Array.isArray(input), "must be an object, not an array."),
    v.record(
      v.pipe(v.string(), v.minLength(1, "keys must not be empty."), v.maxLength(40, "keys must be at most 40 characters.")),
      value,
    ),
    v.check((m) => Object.keys(m).length <= 10, "must have at most 10 keys."),
  );
export const Metadata = metadataRecord(v.pipe(v.string(), v.maxLength(600, "values must be at most 600 characters.")));
/** On update, a null value removes the key. */
export const MetadataPatch = metadataRecord(
  v.nullable(v.pipe(v.string(), v.maxLength(600, "values must be at most 600 characters."))),
);

export const ExternalId = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("must not be empty."),
  v.maxLength(64, "must be at most 64 characters."),
);

/** An optional person's name part (first / last / full name). */
export const PersonName = v.pipe(v.string(), v.trim(), v.maxLength(100, "must be at most 100 characters."));

/** A DNS domain, lower-cased (`example.com`, `eu.example.co.uk`). */
export const Domain = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(253, "must be at most 253 characters."),
  v.regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a domain name such as example.com."),
);

/** An ISO 8601 timestamp in a request, normalized to UTC with milliseconds. */
export const TimestampInput = v.pipe(
  v.string(),
  v.isoTimestamp("must be an ISO 8601 timestamp."),
  v.transform((s) => new Date(s).toISOString()),
);

/** The list parameters plus a resource's filters; unknown query parameters are refused (400), not ignored. */
export const ListQuery = <T extends v.ObjectEntries>(filters: T) =>
  v.strictObject({ ...ListParams.entries, ...filters } as typeof ListParams.entries & T);

/** Lets a strict query schema accept the array forms of `name` (read them with src/middleware/query-list.ts). */
export const listParam = <N extends string>(name: N) =>
  ({ [name]: StringOrStrings, [`${name}[]`]: StringOrStrings }) as { [K in N | `${N}[]`]: typeof StringOrStrings };
// Hono's query validator hands a repeated parameter over as an array.
const StringOrStrings = v.optional(v.union([v.string(), v.array(v.string())]));

// ---- Output fields -----------------------------------------------------------------------------------

/** ISO 8601 UTC with milliseconds (`2026-01-31T12:00:00.000Z`), as the environment API documents it. */
export const Timestamp = v.pipe(v.string(), v.isoTimestamp());
/** The same, as the Platform API documents it. */
export const DescribedTimestamp = v.pipe(v.string(), v.description("ISO 8601 UTC, with milliseconds."));

/** `{object:"list", data, list_metadata:{before, after}}`: every list answer; cursors are ids, null at either end. */
export const ListOf = <T extends v.GenericSchema>(item: T) =>
  v.object({
    object: v.literal("list"),
    data: v.array(item),
    list_metadata: v.object({ before: v.nullable(v.string()), after: v.nullable(v.string()) }),
  });

// ---- Serializers pinned to their documented shapes ---------------------------------------------------

/** `true` only when A and B are assignable both ways: a field on one side only makes it `false`. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Returned<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

/**
 * `true` when serializer F returns exactly what schema S documents. Stated next to each serializer as
 * `true satisfies Serializes<typeof serializeX, typeof XObject>;`: a field added, removed or retyped on one side
 * only is a type error there.
 */
export type Serializes<F extends (...args: never[]) => unknown, S extends v.GenericSchema> = Exact<Returned<F>, v.InferOutput<S>>;
/** `true` when every answer F returns fits schema S (for answers whose types are looser than their values). */
export type FitsSchema<F extends (...args: never[]) => unknown, S extends v.GenericSchema> = [Returned<F>] extends [
  v.InferOutput<S>,
]
  ? true
  : false;
