import type { Context } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { ApiError, type NotFoundEntity, notFound } from "../lib/errors";
import { type IdKind, isId } from "../lib/ids";
import { ListParams } from "../lib/pagination";

/** Field schemas shared by the environment API's resources (WorkOS's limits). */

/** `metadata`: at most 10 string pairs, keys up to 40 characters, values up to 600. */
const metadataRecord = <T extends v.GenericSchema>(value: T) =>
  v.pipe(
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

/** The list parameters plus a resource's filters; unknown query parameters are refused (400), not ignored. */
export const ListQuery = <T extends v.ObjectEntries>(filters: T) =>
  v.strictObject({ ...ListParams.entries, ...filters } as typeof ListParams.entries & T);

/**
 * A multi-valued query parameter as clients send it: `x=a,b` (the SDK joins arrays with commas), `x=a&x=b`, or `x[]=a`.
 */
export function queryList(c: Context<AppEnv>, name: string, max = 50): string[] | undefined {
  const raw = [...(c.req.queries(name) ?? []), ...(c.req.queries(`${name}[]`) ?? [])];
  if (raw.length === 0) return undefined;
  const list = raw
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length > max)
    throw new ApiError("invalid_parameters", `Invalid parameters. ${name}: must list at most ${max} values.`, {
      errors: [{ field: name, code: "too_long", message: `must list at most ${max} values.` }],
    });
  return list;
}
/** Lets a strict query schema accept the array forms of `name` (read them with `queryList`). */
export const listParam = <N extends string>(name: N) =>
  ({ [name]: StringOrStrings, [`${name}[]`]: StringOrStrings }) as { [K in N | `${N}[]`]: typeof StringOrStrings };
// Hono's query validator hands a repeated parameter over as an array.
const StringOrStrings = v.optional(v.union([v.string(), v.array(v.string())]));

/** A path id of the right shape, or the resource's 404 (a malformed id is simply not found). */
export function pathId(c: Context<AppEnv>, kind: IdKind, entity: NotFoundEntity, param = "id"): string {
  const id = c.req.param(param) ?? "";
  if (!isId(kind, id)) throw notFound(entity, id);
  return id;
}
